#!/usr/bin/env bash
# CI step for the benchmark package (Benchmarks/): checks that it builds, that its SQLite
# baseline and the PostgreSQL store pass the test kit's conformance check, that the PostgreSQL
# reference (postgres-reference) answers as the store on a random workload, and that `--quick`
# runs end to end, round trips per identify included. It checks that the benchmark runs, not how fast: CI machines are shared
# and noisy.
#
# Usage: bash scripts/bench.sh           (what CI runs)
#        bash scripts/bench.sh --full [OPTIONS]   (the full benchmark, as in
#            Documentation/Performance.md; OPTIONS go to identity-benchmark, e.g. --target)
#        bash scripts/bench.sh --postgres [OPTIONS]   (the PostgreSQL figures of
#            Documentation/Performance.md#postgresql-store, about 10 minutes once built: the
#            store, its reference and SQLite FULL at 1, 8 and 64 tasks with round trips per
#            identify, and the store on tables of 10,000 and 1,000,000 existing rows)
#
# The `postgres` target runs against a throwaway PostgreSQL cluster (scripts/postgres-cluster.sh:
# installed from Debian's packages when missing, which needs root; default settings, so
# fsync and synchronous_commit are on; removed on exit). BENCH_POSTGRES=0 leaves it out, and
# the report then lists the target as skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib.sh

# GRDB links the system SQLite.
dpkg -s libsqlite3-dev >/dev/null 2>&1 || apt_install libsqlite3-dev

# The same flags for every command, so `swift run` reuses the build instead of redoing it.
flags=(-c release --package-path Benchmarks -Xswiftc -warnings-as-errors)

step "build the benchmark (release, warnings as errors)"
swift build "${flags[@]}"

step "format lint"
swift format lint --strict --recursive Benchmarks/Package.swift Benchmarks/Sources

scratch=""
source scripts/postgres-cluster.sh
# Whatever happens, the cluster and the temporary files go.
trap 'status=$?; postgres_cluster_stop "$status"; [ -z "$scratch" ] || rm -rf "$scratch"; exit "$status"' EXIT
postgres="${BENCH_POSTGRES:-1}"
if [ "$postgres" != 0 ]; then
    postgres_cluster_start
else
    unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSSLMODE
fi

if [ "${1:-}" = "--full" ]; then
    step "full benchmark"
    shift
    swift run "${flags[@]}" identity-benchmark --json Benchmarks/results.json "$@"
    exit 0
fi

if [ "${1:-}" = "--postgres" ]; then
    [ "$postgres" != 0 ] || fail "--postgres needs the PostgreSQL cluster (BENCH_POSTGRES=0 was given)"
    step "PostgreSQL figures: the store, its reference (one PL/pgSQL call per identify), SQLite FULL"
    shift
    swift run "${flags[@]}" identity-benchmark --workload orders --target postgres,postgres-reference,sqlite-full \
        --tasks 1,8,64 --no-storage --probe-iterations 0 --existing-rows 10000,1000000 \
        --json Benchmarks/results-postgres.json "$@"
    exit 0
fi

scratch="$(mktemp -d)"
json="$scratch/report.json"
step "self-test: conformance of every target, workload shapes, O(1) merge growth"
swift run "${flags[@]}" identity-benchmark --self-test --quick | tee "$scratch/self-test.txt"
# With a server, the PostgreSQL store must have run the conformance check, not skipped it.
if [ "$postgres" != 0 ] && ! grep -q '^ok   conformance of postgres$' "$scratch/self-test.txt"; then
    echo "bench.sh: the postgres target did not pass its conformance check" >&2
    exit 1
fi
# ... and the reference must have answered as the store on the random workload.
if [ "$postgres" != 0 ] && ! grep -q '^ok   postgres-reference answers as postgres$' "$scratch/self-test.txt"; then
    echo "bench.sh: postgres-reference was not checked against the store" >&2
    exit 1
fi

step "quick benchmark"
swift run "${flags[@]}" identity-benchmark --quick --json "$json"
# The JSON must hold a result for every run, the postgres target's included.
python3 - "$json" "$postgres" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["runs"], "no runs in the JSON report"
assert report["probe"]["overwritesPerSecond"] > 0, "no durable-write rate"
if sys.argv[2] != "0":
    assert any(run["target"] == "postgres" for run in report["runs"]), f"no postgres runs: {report['notes']}"
    assert any(run["target"] == "postgres-reference" for run in report["runs"]), "no postgres-reference runs"
    assert all(run.get("statementsPerIdentify") for run in report["runs"] if run["target"].startswith("postgres")), \
        "no round trips per identify (pg_stat_statements)"
    server = report["postgresServer"]["settings"]
    assert server["fsync"] == "on" and server["synchronous_commit"] == "on", f"server settings: {server}"
print(f"JSON report: {len(report['runs'])} runs")
PY
