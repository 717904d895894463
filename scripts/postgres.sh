#!/usr/bin/env bash
# Runs the PostgresContactStore tests against a throwaway PostgreSQL cluster:
#   bash scripts/postgres.sh
# Installs PostgreSQL from Debian's packages when it is missing (needs root), creates a
# cluster under a temporary directory on a free loopback port, runs the package's tests
# with PG* pointing at it, and stops and removes the cluster on exit. Extra arguments go
# to `swift test` (for example `--filter CrossProcess`).
set -euo pipefail
cd "$(dirname "$0")/.."

package=Examples/PostgresContactStore

postgres_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

bin=$(postgres_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "postgres.sh: PostgreSQL is not installed; run as root, or: apt-get install -y postgresql" >&2
        exit 1
    fi
    echo "=== installing PostgreSQL from Debian's packages ==="
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends postgresql
    bin=$(postgres_bin)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/identity-postgres.XXXXXX")
# PostgreSQL refuses to run as root: run the cluster as an unprivileged user.
if [ "$(id -u)" -eq 0 ]; then
    server_user=postgres
    if ! id -u "$server_user" >/dev/null 2>&1; then
        server_user=pgtest
        id -u "$server_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$server_user"
    fi
    chown "$server_user" "$work"
    as_server() { runuser -u "$server_user" -- "$@"; }
else
    as_server() { "$@"; }
fi

cleanup() {
    status=$?
    if [ -f "$work/data/postmaster.pid" ]; then
        as_server "$bin/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ "$status" -ne 0 ] && [ -f "$work/server.log" ]; then
        echo "--- last lines of the PostgreSQL log ---" >&2
        tail -n 30 "$work/server.log" >&2 || true
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/socket"
[ "$(id -u)" -eq 0 ] && chown "$server_user" "$work/socket"

echo "=== starting a throwaway PostgreSQL ($("$bin/postgres" --version)) on 127.0.0.1:$port ==="
as_server "$bin/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; exit 1; }
as_server "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 start \
    -o "-p $port -k $work/socket -c listen_addresses=127.0.0.1 -c max_connections=400"

export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=postgres PGSSLMODE=disable
# Without a server the tests skip; here a missing server must fail them.
export POSTGRES_TESTS_REQUIRED=1

echo "=== building $package ==="
# -Xswiftc -warnings-as-errors would also apply to postgres-nio and its dependencies, so
# warnings are refused in this package's own files only (a fresh clone compiles them all).
build_log="$work/build.log"
swift build --package-path "$package" --build-tests 2>&1 | tee "$build_log"
if grep -E "$package/(Sources|Tests)/.*: warning:" "$build_log"; then
    echo "postgres.sh: warnings in $package (listed above)" >&2
    exit 1
fi
echo "=== testing $package ==="
swift test --package-path "$package" "$@"
