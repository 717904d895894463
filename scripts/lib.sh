# Shared by every script under scripts/: sourced, not run (`source scripts/lib.sh`).
#
#   step TITLE...              prints a section title
#   fail MESSAGE...            prints the message (and the tail of $LOG when set), exits 1
#   apt_install PACKAGE...     installs Debian packages, through sudo when not root
#   free_port                  prints a loopback TCP port that is free now
#   start_server NAME CMD...   starts a server on a free port; sets PID, PORT, URL, LOG
#   stop_server [SIGNAL]       stops it (TERM by default) and fails unless it exits 0
#   cleanup                    kills the server if it still runs and removes $WORK
#   check_package PACKAGE [SWIFT TEST ARGUMENTS...]
#                              builds a package with its tests (refusing warnings in its own
#                              files) and runs the tests
#
# Server helpers use WORK (a temporary directory the caller creates) and keep PID and LOG
# current, so that `trap cleanup EXIT` and `fail` can do their part at any moment.

step() { printf '\n=== %s ===\n' "$*"; }

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    if [[ -n "${LOG:-}" && -f "$LOG" ]]; then
        printf -- '--- %s (last 40 lines) ---\n' "$LOG" >&2
        tail -n 40 "$LOG" >&2
    fi
    exit 1
}

apt_install() {
    step "install $*"
    local sudo=()
    if [[ "$(id -u)" != 0 ]]; then sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# The kernel picks the port; it is free when printed, so a server started right after gets it
# unless another process takes it in between.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server NAME COMMAND [ARGUMENTS...]: runs the command with `--host 127.0.0.1 --port
# PORT` appended, its output in $WORK/server-NAME.log, and waits up to 60 s until the port
# accepts connections.
start_server() {
    local name="$1"
    shift
    PORT="$(free_port)"
    LOG="$WORK/server-$name.log"
    "$@" --host 127.0.0.1 --port "$PORT" </dev/null >"$LOG" 2>&1 &
    PID=$!
    local attempt
    for attempt in $(seq 1 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
        kill -0 "$PID" 2>/dev/null || fail "the server ($name) exited while starting"
        [[ "$attempt" != 300 ]] || fail "the server ($name) was not listening on port $PORT within 60 s"
        sleep 0.2
    done
    URL="http://127.0.0.1:$PORT"
    echo "server $name listening on $URL (pid $PID)"
}

stop_server() {
    local signal="${1:-TERM}" status=0
    kill "-$signal" "$PID"
    wait "$PID" || status=$?
    PID=""
    [[ "$status" == 0 ]] || fail "the server exited with status $status after SIG$signal"
}

cleanup() {
    if [[ -n "${PID:-}" ]] && kill -0 "$PID" 2>/dev/null; then
        kill -KILL "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    if [[ -n "${WORK:-}" ]]; then rm -rf "$WORK"; fi
}

# -Xswiftc -warnings-as-errors would also apply to a package's dependencies (GRDB, NIO), so
# warnings are refused in the package's own files only.
check_package() {
    local package="$1" log
    shift
    log="$(mktemp)"
    swift build --package-path "$package" --build-tests 2>&1 | tee "$log"
    if grep -E "$package/(Sources|Tests)/.*: warning:" "$log"; then
        rm -f "$log"
        fail "warnings in $package (listed above)"
    fi
    rm -f "$log"
    swift test --package-path "$package" --skip-build "$@"
}
