"""Run a Python module with the test clock: `python -m tests.run_at MOMENT MODULE ARGS...`.

The browser tests start the demo seeding and the Streamlit server through this, so the app in
that other process lives on the same pinned day as the test that drives it. MOMENT is an ISO
moment with its offset; the clock starts there and runs on.
"""

from __future__ import annotations

import runpy
import sys
from datetime import datetime

import time_machine


def main() -> None:
    moment, module, *arguments = sys.argv[1:]
    with time_machine.travel(datetime.fromisoformat(moment), tick=True):
        sys.argv = [module, *arguments]
        runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
