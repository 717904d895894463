#!/usr/bin/env bash
# CI step for the benchmark package (Benchmarks/): checks that it builds, that its SQLite
# baseline passes the test kit's conformance check, and that `--quick` runs end to end.
# It checks that the benchmark runs, not how fast: CI machines are shared and noisy.
#
# Usage: bash scripts/bench.sh           (what CI runs)
#        bash scripts/bench.sh --full    (the full benchmark, as in Documentation/Performance.md)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$*"; }

# GRDB links the system SQLite.
if ! dpkg -s libsqlite3-dev >/dev/null 2>&1; then
    step "install libsqlite3-dev"
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsqlite3-dev
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsqlite3-dev
    fi
fi

# The same flags for every command, so `swift run` reuses the build instead of redoing it.
flags=(-c release --package-path Benchmarks -Xswiftc -warnings-as-errors)

step "build the benchmark (release, warnings as errors)"
swift build "${flags[@]}"

step "format lint"
swift format lint --strict --recursive Benchmarks/Package.swift Benchmarks/Sources

if [ "${1:-}" = "--full" ]; then
    step "full benchmark"
    swift run "${flags[@]}" identity-benchmark --json Benchmarks/results.json
    exit 0
fi

step "self-test: conformance of every target, workload shapes, O(1) merge growth"
swift run "${flags[@]}" identity-benchmark --self-test --quick

step "quick benchmark"
json="$(mktemp)"
trap 'rm -f "$json"' EXIT
swift run "${flags[@]}" identity-benchmark --quick --json "$json"
# The JSON must hold a result for every run.
python3 - "$json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["runs"], "no runs in the JSON report"
assert report["probe"]["overwritesPerSecond"] > 0, "no durable-write rate"
print(f"JSON report: {len(report['runs'])} runs")
PY
