#!/usr/bin/env bash
# Runs the PostgresContactStore tests against a throwaway PostgreSQL cluster:
#   bash scripts/postgres.sh
# Installs PostgreSQL from Debian's packages when it is missing (needs root), creates a
# cluster under a temporary directory on a free loopback port, runs the package's tests
# with PG* pointing at it, and stops and removes the cluster on exit. The fault tests, which
# stop and restart the server, run alone afterwards. Extra arguments go to the first
# `swift test` run only (for example `--filter CrossProcess`): the fault tests terminate
# every busy backend of the cluster, so a test selected beside them would fail.
set -euo pipefail
cd "$(dirname "$0")/.."

package=Examples/PostgresContactStore

source scripts/lib.sh

# The cluster: install when missing, start, export PG*; removed on exit, whatever happens.
source scripts/postgres-cluster.sh
trap 'status=$?; postgres_cluster_stop "$status"; exit "$status"' EXIT
postgres_cluster_start
work=$postgres_cluster_work

# Without a server the tests skip; here a missing server must fail them.
export POSTGRES_TESTS_REQUIRED=1

step "building $package"
# -Xswiftc -warnings-as-errors would also apply to postgres-nio and its dependencies, so
# warnings are refused in this package's own files only (a fresh clone compiles them all).
build_log="$work/build.log"
swift build --package-path "$package" --build-tests 2>&1 | tee "$build_log"
if grep -E "$package/(Sources|Tests)/.*: warning:" "$build_log"; then
    fail "warnings in $package (listed above)"
fi
step "testing $package"
swift test --package-path "$package" --skip-build --skip FaultTests "$@"
step "fault tests of $package (the server is stopped and restarted)"
POSTGRES_FAULT_TESTS=1 swift test --package-path "$package" --skip-build --filter FaultTests
