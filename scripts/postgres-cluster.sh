# A throwaway PostgreSQL cluster for scripts that need a server. Sourced, not run:
#
#   source scripts/lib.sh                     # step, apt_install, free_port
#   source scripts/postgres-cluster.sh
#   trap 'postgres_cluster_stop "$?"' EXIT    # before starting: a failed start cleans up too
#   postgres_cluster_start                    # exports PGHOST PGPORT PGUSER PGDATABASE PGSSLMODE
#
# postgres_cluster_start installs PostgreSQL from Debian's packages when it is missing (needs
# root), creates a cluster under a new temporary directory (in $TMPDIR, default /tmp) on a
# free loopback port with the server's default settings (fsync and synchronous_commit on)
# except max_connections=400 and pg_stat_statements loaded (shared_preload_libraries; it
# ships with Debian's postgresql package; the benchmark counts round trips with it), and
# runs it as an unprivileged user when started as root (PostgreSQL refuses to run as root).
# postgres_cluster_stop [status] stops the server (immediate shutdown), prints the end of
# its log when status is not 0, and removes the directory; it does nothing when no cluster
# was started, so calling it twice is safe.
# postgres_cluster_start also writes $postgres_cluster_work/server-control, exported as
# POSTGRES_TEST_SERVER_CONTROL, which the store's fault tests run to stop, start and restart
# the server: `server-control stop|start|restart` (fast shutdown, waiting).
# Used by scripts/postgres.sh (the store's tests) and scripts/bench.sh (the benchmark).

postgres_cluster_work=""
postgres_cluster_bin=""

postgres_cluster_find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# Runs a command as the user that owns the cluster.
postgres_cluster_as_server() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$postgres_cluster_user" -- "$@"
    else
        "$@"
    fi
}

postgres_cluster_start() {
    postgres_cluster_bin=$(postgres_cluster_find_bin)
    if [ -z "$postgres_cluster_bin" ] || [ ! -x "$postgres_cluster_bin/initdb" ]; then
        if [ "$(id -u)" -ne 0 ]; then
            # Named after the script that sourced this one ($0), as postgres.sh always said.
            echo "$(basename "$0"): PostgreSQL is not installed; run as root, or: apt-get install -y postgresql" >&2
            return 1
        fi
        apt_install postgresql
        postgres_cluster_bin=$(postgres_cluster_find_bin)
    fi
    local bin=$postgres_cluster_bin

    postgres_cluster_work=$(mktemp -d "${TMPDIR:-/tmp}/identity-postgres.XXXXXX")
    local work=$postgres_cluster_work
    # PostgreSQL refuses to run as root: run the cluster as an unprivileged user.
    if [ "$(id -u)" -eq 0 ]; then
        postgres_cluster_user=postgres
        if ! id -u "$postgres_cluster_user" >/dev/null 2>&1; then
            postgres_cluster_user=pgtest
            id -u "$postgres_cluster_user" >/dev/null 2>&1 \
                || useradd --system --no-create-home --shell /usr/sbin/nologin "$postgres_cluster_user"
        fi
        chown "$postgres_cluster_user" "$work"
    fi

    local port
    port=$(free_port)
    mkdir -p "$work/socket"
    if [ "$(id -u)" -eq 0 ]; then chown "$postgres_cluster_user" "$work/socket"; fi

    step "starting a throwaway PostgreSQL ($("$bin/postgres" --version)) on 127.0.0.1:$port"
    postgres_cluster_as_server "$bin/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$work/initdb.log" 2>&1 || {
        cat "$work/initdb.log" >&2
        return 1
    }
    # The same options for the first start and for server-control's.
    local options="-p $port -k $work/socket -c listen_addresses=127.0.0.1 -c max_connections=400"
    options+=" -c shared_preload_libraries=pg_stat_statements"
    postgres_cluster_as_server "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 start -o "$options"

    export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=postgres PGSSLMODE=disable

    # For the fault tests: the same server, stopped, started and restarted as its owner.
    local run_as=""
    if [ "$(id -u)" -eq 0 ]; then run_as="runuser -u $postgres_cluster_user --"; fi
    cat >"$work/server-control" <<CONTROL
#!/usr/bin/env bash
set -euo pipefail
case "\$1" in
    stop) $run_as "$bin/pg_ctl" -D "$work/data" -m fast -w -t 60 stop ;;
    start) $run_as "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 start \\
        -o "$options" ;;
    restart) $run_as "$bin/pg_ctl" -D "$work/data" -m fast -w -t 60 restart ;;
    *) echo "usage: server-control stop|start|restart" >&2; exit 2 ;;
esac
CONTROL
    chmod +x "$work/server-control"
    export POSTGRES_TEST_SERVER_CONTROL="$work/server-control"
}

postgres_cluster_stop() {
    local status=${1:-0}
    local work=$postgres_cluster_work
    [ -n "$work" ] || return 0
    if [ -f "$work/data/postmaster.pid" ]; then
        postgres_cluster_as_server "$postgres_cluster_bin/pg_ctl" -D "$work/data" -m immediate -w stop \
            >/dev/null 2>&1 || true
    fi
    if [ "$status" -ne 0 ] && [ -f "$work/server.log" ]; then
        echo "--- last lines of the PostgreSQL log ---" >&2
        tail -n 30 "$work/server.log" >&2 || true
    fi
    rm -rf "$work"
    postgres_cluster_work=""
}
