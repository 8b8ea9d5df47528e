#!/usr/bin/env bash
# Production start of tlo (`make serve`): migrate the database once, then run TLO_PROCESSES
# Streamlit processes on TLO_ADDRESS, ports TLO_PORT .. TLO_PORT+N-1, for nginx to balance
# (deploy/nginx/). Never loads demo data. Stops every process when it is stopped, and stops
# them all when one of them exits, so that a supervisor (systemd, Docker) restarts the whole.
# See deploy/README.md.
#
# Settings, from the environment or from TLO_ENV_FILE (KEY=value lines, e.g. /etc/tlo/tlo.env):
#   TLO_DATABASE_URL                 the one database of every process (PostgreSQL)
#   TLO_DATA_DIR                     the stored files: one directory every process sees
#   STREAMLIT_SERVER_COOKIE_SECRET   the cookie secret every process shares (32+ characters),
#     or TLO_COOKIE_SECRET_FILE      a file holding it
#   TLO_SECRETS_FILE                 optional Streamlit secrets.toml ([auth] for single sign-on;
#                                    default .streamlit/secrets.toml of this checkout)
#   TLO_PROCESSES (2), TLO_PORT (8501), TLO_ADDRESS (127.0.0.1)
#   TLO_PYTHON                       the Python that runs tlo (default .venv/bin/python)
# Any other STREAMLIT_* variable (e.g. STREAMLIT_SERVER_ALLOWED_HOSTS) reaches every process.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

fail() {
    echo "deploy/start.sh: $*" >&2
    exit 2
}

if [ -n "${TLO_ENV_FILE:-}" ]; then
    [ -r "$TLO_ENV_FILE" ] || fail "cannot read TLO_ENV_FILE $TLO_ENV_FILE."
    set -a
    # shellcheck disable=SC1090
    . "$TLO_ENV_FILE"
    set +a
fi

[ -n "${TLO_DATABASE_URL:-}" ] || fail "set TLO_DATABASE_URL: every process must use the one \
database (postgresql+psycopg://user:password@host/dbname)."
case "$TLO_DATABASE_URL" in
    sqlite*) [ "${TLO_PROCESSES:-2}" = 1 ] || fail "several processes need PostgreSQL, not \
SQLite (or set TLO_PROCESSES=1)." ;;
esac
[ -n "${TLO_DATA_DIR:-}" ] || fail "set TLO_DATA_DIR to the directory of stored files that \
every process sees."
mkdir -p "$TLO_DATA_DIR"
[ -w "$TLO_DATA_DIR" ] || fail "TLO_DATA_DIR $TLO_DATA_DIR is not writable."

# One cookie secret for all: a cookie signed by one process is then valid on every other.
# Without it each process would invent its own.
if [ -z "${STREAMLIT_SERVER_COOKIE_SECRET:-}" ] && [ -n "${TLO_COOKIE_SECRET_FILE:-}" ]; then
    [ -r "$TLO_COOKIE_SECRET_FILE" ] || fail "cannot read TLO_COOKIE_SECRET_FILE."
    STREAMLIT_SERVER_COOKIE_SECRET=$(tr -d '[:space:]' <"$TLO_COOKIE_SECRET_FILE")
fi
secret=${STREAMLIT_SERVER_COOKIE_SECRET:-}
[ "${#secret}" -ge 32 ] || fail "set \
STREAMLIT_SERVER_COOKIE_SECRET (or TLO_COOKIE_SECRET_FILE) to one secret of 32 or more \
characters, the same for every process: python3 -c 'import secrets; print(secrets.token_hex(32))'"
export STREAMLIT_SERVER_COOKIE_SECRET
if [ -n "${TLO_SECRETS_FILE:-}" ]; then
    [ -r "$TLO_SECRETS_FILE" ] || fail "cannot read TLO_SECRETS_FILE $TLO_SECRETS_FILE."
    export STREAMLIT_SECRETS_FILES=$TLO_SECRETS_FILE
fi
export TLO_ENV=${TLO_ENV:-production}
if [ -z "${STREAMLIT_SERVER_ALLOWED_HOSTS:-}" ]; then
    echo "deploy/start.sh: warning: STREAMLIT_SERVER_ALLOWED_HOSTS is not set, so the app \
accepts a websocket for any host name; set it to the names users type (DNS rebinding)." >&2
fi

PYTHON=${TLO_PYTHON:-$ROOT/.venv/bin/python}
PROCESSES=${TLO_PROCESSES:-2}
PORT=${TLO_PORT:-8501}
ADDRESS=${TLO_ADDRESS:-127.0.0.1}
case "$PROCESSES$PORT" in *[!0-9]*) fail "TLO_PROCESSES and TLO_PORT must be numbers." ;; esac
[ "$PROCESSES" -ge 1 ] || fail "TLO_PROCESSES must be 1 or more."

# Once, before any process serves: the app itself only checks the revision (tlo_app.py).
"$PYTHON" -m tlo migrate

pids=()
stop_all() {
    trap - TERM INT
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait || true
}
trap 'stop_all; exit 143' TERM
trap 'stop_all; exit 130' INT

for ((i = 0; i < PROCESSES; i++)); do
    "$PYTHON" -m streamlit run tlo_app.py \
        --server.headless true \
        --server.address "$ADDRESS" \
        --server.port $((PORT + i)) \
        --server.fileWatcherType none \
        --browser.gatherUsageStats false &
    pids+=("$!")
done
echo "deploy/start.sh: $PROCESSES tlo process(es) on $ADDRESS:$PORT..$((PORT + PROCESSES - 1))."

status=0
wait -n || status=$?
echo "deploy/start.sh: a tlo process exited (status $status); stopping the others." >&2
stop_all
exit "$((status == 0 ? 1 : status))"
