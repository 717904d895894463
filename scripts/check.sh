#!/usr/bin/env bash
# Reproduces CI locally: `bash scripts/check.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$*"; }

step "tests (the README's test command)"
swift test

step "build with warnings as errors (separate build folder, so the test build above stays as users get it)"
swift build --build-tests --scratch-path .build-strict -Xswiftc -warnings-as-errors

step "format lint"
swift format lint --strict --recursive Package.swift Sources Tests Examples Benchmarks

step "documentation (DocC with --warnings-as-errors, doc comments, README links)"
bash scripts/docs.sh

step "example: Reconcile (the reconcile tool's package; its tests run the built binary)"
swift test --package-path Examples/Reconcile

step "example: IdentifyServer (in-process tests and a real-socket test)"
bash scripts/server.sh

step "example: IdentifyServer under wrk (--quick: the debug build above; checks that it runs, not how fast)"
bash scripts/http-bench.sh --quick

step "example: PostgresContactStore (against a throwaway PostgreSQL cluster)"
bash scripts/postgres.sh

step "benchmark --quick"
bash scripts/bench.sh

step "all checks passed"
