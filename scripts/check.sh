#!/usr/bin/env bash
# Reproduces CI locally: `bash scripts/check.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

step "tests (the README's test command)"
swift test

step "build with warnings as errors (separate build folder, so the test build above stays as users get it)"
swift build --build-tests --scratch-path .build-strict -Xswiftc -warnings-as-errors

step "format lint"
swift format lint --strict --recursive Package.swift Sources Tests Examples Benchmarks Fuzz

step "layers: the library's folders use only what Documentation/Architecture.md's table allows"
python3 scripts/layers.py

step "documentation (DocC with --warnings-as-errors, doc comments, README links)"
bash scripts/docs.sh

step "ThreadSanitizer: the conformance tests once, the concurrency tests 6 times, no report allowed"
TSAN_ITERATIONS=6 bash scripts/tsan.sh

step "libFuzzer: the request decoder, the file store's opening, the import parsers and the CSV tokenizer, 30 s each"
FUZZ_SECONDS=30 bash scripts/fuzz.sh

# Every example package with tests is built (no warnings in its own files) and tested. Two
# need more than `swift test`, and their scripts do that too: the PostgreSQL store runs
# against a throwaway cluster, the server also against a real socket.
for manifest in Examples/*/Package.swift; do
    package="$(dirname "$manifest")"
    [[ -d "$package/Tests" ]] || continue
    case "$package" in
    Examples/PostgresContactStore)
        step "example: $package (against a throwaway PostgreSQL cluster)"
        bash scripts/postgres.sh
        ;;
    Examples/IdentifyServer)
        step "example: $package (in-process tests and a real-socket test)"
        bash scripts/server.sh
        ;;
    *)
        step "example: $package"
        check_package "$package"
        ;;
    esac
done

step "example: IdentifyServer under wrk (--quick: the debug build above; checks that it runs, not how fast)"
bash scripts/http-bench.sh --quick

step "benchmark --quick"
bash scripts/bench.sh

step "all checks passed"
