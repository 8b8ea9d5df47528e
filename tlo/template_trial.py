"""The upload check of a Word template, run in a child process with a time and memory limit.

An uploaded template is untrusted until it passes: python-docx unpacks it and the sandbox
renders it with the sample context. The sandbox's limits (tlo.template_sandbox) bound that
work, and the child process is the second wall: it gets TRIAL_SECONDS of wall-clock time and
TRIAL_MEMORY_MB of address space, so even a way round the sandbox nobody has thought of yet
costs the server one killed process, not a hung page or an exhausted machine. The parent only
checks the zip archive (tlo.docx_archive) before it hands the file over.

Documents generated from an accepted template render in-process (see tlo.documents.render):
the sandbox's limits apply there too, and they bound work and memory without a clock.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

from tlo.config import PROJECT_ROOT

TRIAL_SECONDS = 10
TRIAL_MEMORY_MB = 1024
# The child ends with this code when Python itself ran out of memory.
_OUT_OF_MEMORY = 3
_CHILD = "from tlo.template_trial import child_main; child_main()"


def template_problems(content: bytes, sample: Mapping[str, Any]) -> list[str]:
    """tlo.documents.inspect_template(content, sample), run in a child process with limits."""
    seconds, memory_mb = TRIAL_SECONDS, TRIAL_MEMORY_MB
    request = {
        "content": base64.b64encode(content).decode(),
        "sample": sample,
        "seconds": seconds,
        "memory_mb": memory_mb,
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD],
            input=json.dumps(request).encode(),
            capture_output=True,
            timeout=seconds,
            cwd=PROJECT_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed the child already
        return [
            f"The trial render took longer than {seconds:g} s; the template repeats or "
            "computes too much."
        ]
    if done.returncode == 0:
        return json.loads(done.stdout)
    if done.returncode == _OUT_OF_MEMORY:
        return [
            f"The trial render needed more than {memory_mb:,} MB of memory; the template "
            "repeats or computes too much."
        ]
    if done.returncode < 0:  # killed by a signal: the kernel's memory killer, a crash, ...
        return [
            f"The trial render was stopped by the system (signal {-done.returncode}); the "
            "template repeats or computes too much."
        ]
    raise RuntimeError(
        f"The template check could not run (exit code {done.returncode}): "
        + done.stderr.decode(errors="replace")[-2000:]
    )


def _limit_this_process(*, seconds: float, memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # not a POSIX system: only the parent's timeout applies
        return
    memory, cpu_seconds = memory_mb * 1024 * 1024, int(seconds) + 2
    for limit, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, cpu_seconds)):
        # RLIMIT_CPU also ends the child should the parent die before its timeout; some
        # systems (macOS) refuse RLIMIT_AS, and then only the timeout applies.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(limit, (value, value))


def child_main() -> None:
    """In the child: read the request from stdin, check, print the problems as JSON."""
    from tlo import documents  # before the limits, which are for the check alone

    request = json.loads(sys.stdin.buffer.read())
    content = base64.b64decode(request.pop("content"))
    _limit_this_process(seconds=request["seconds"], memory_mb=request["memory_mb"])
    try:
        problems = documents.inspect_template(content, request["sample"])
    except MemoryError:
        sys.exit(_OUT_OF_MEMORY)
    except Exception as err:  # whatever breaks the trial render is the template's problem
        problems = [f"The trial render failed: {err}"]
    sys.stdout.write(json.dumps(problems))
