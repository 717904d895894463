# Shared by scripts/server.sh and scripts/http-bench.sh, which both run the IdentifyServer
# example: sourced, not run. The caller sets PID (the server's), LOG (its log file) and WORK
# (a temporary directory) as it goes; they may be empty.

step() { printf '\n=== %s ===\n' "$*"; }

# fail MESSAGE: prints it and the tail of the server's log, and exits 1.
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    if [[ -n "${LOG:-}" && -f "$LOG" ]]; then
        printf -- '--- server log (last 40 lines) ---\n' >&2
        tail -n 40 "$LOG" >&2
    fi
    exit 1
}

# apt_install PACKAGE...: installs Debian packages (through sudo when not root).
apt_install() {
    step "install $*"
    local sudo=""
    if [[ "$(id -u)" != 0 ]]; then sudo="sudo"; fi
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "$@"
}

# cleanup: kills the server if it still runs and removes WORK; for `trap cleanup EXIT`.
cleanup() {
    if [[ -n "${PID:-}" ]] && kill -0 "$PID" 2>/dev/null; then
        kill -KILL "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    if [[ -n "${WORK:-}" ]]; then rm -rf "$WORK"; fi
}
