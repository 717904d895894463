#!/usr/bin/env bash
# Builds the libFuzzer targets under Fuzz/ and runs each for a fixed time; fails if any finds
# a crash, a failed check, a leak of time (a hang) or runs out of memory.
#
#   bash scripts/fuzz.sh                     # every target, FUZZ_SECONDS (60) each
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh FuzzStoreLoader
#   FUZZ_RUNS=10000000 bash scripts/fuzz.sh  # a fixed number of executions instead of a time
#                                            # (stopped after FUZZ_TIMEOUT seconds, default 6 h)
#
# The targets exist only when IDENTITY_RECONCILIATION_FUZZ is set (see Package.swift), and are
# built with a separate scratch path (.build-fuzz, gitignored) so a developer's .build is left
# alone. Each target starts from its checked-in seed corpus, Fuzz/Corpus/<name without Fuzz> in
# its package, and adds what it finds to a scratch copy (.build-fuzz/corpus), never to the
# checked-in one. FuzzCSVTable (the CSV tokenizer of `reconcile import`) is a target of
# Examples/Reconcile, gated the same way, built in Examples/Reconcile/.build-fuzz.
# A crashing input is written to .build-fuzz/artifacts/<target>/ and the script prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

export IDENTITY_RECONCILIATION_FUZZ=1
scratch=.build-fuzz
seconds=${FUZZ_SECONDS:-60}
runs=${FUZZ_RUNS:-}
targets=("$@")
if [[ ${#targets[@]} == 0 ]]; then targets=(FuzzRequestDecoder FuzzStoreLoader FuzzRowImport FuzzCSVTable); fi

# The package that holds a target: the root, or Examples/Reconcile for the tool's CSV tokenizer.
package_of() {
    case "$1" in
    FuzzCSVTable) echo Examples/Reconcile ;;
    *) echo . ;;
    esac
}

# --sanitize=fuzzer alone: adding address to it silently drops the coverage instrumentation.
# Release: the coverage instrumentation is the same and the targets run several times faster
# than in debug (Documentation/Fuzzing.md); the library has no assert() that -O would remove, and
# preconditions, overflow checks and the targets' own checks (fatalError) stay.
build() { swift build --package-path "$1" --scratch-path "$1/$scratch" -c release --sanitize=fuzzer "${@:2}"; }

step "build ${targets[*]} (swift build -c release --sanitize=fuzzer)"
for target in "${targets[@]}"; do
    build "$(package_of "$target")" --product "$target"
done

status=0
for target in "${targets[@]}"; do
    package=$(package_of "$target")
    bin=$(build "$package" --show-bin-path)
    seeds=$package/Fuzz/Corpus/${target#Fuzz}
    corpus=$scratch/corpus/$target
    artifacts=$scratch/artifacts/$target/
    mkdir -p "$corpus" "$artifacts"
    limit=(-max_total_time="$seconds")
    outer=$((seconds + 120))
    if [[ -n "$runs" ]]; then
        limit=(-runs="$runs")
        outer=${FUZZ_TIMEOUT:-21600}
    fi
    step "$target: ${limit[*]}"
    LOG=$scratch/$target.log
    # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: one over 2 GiB a leak.
    # The outer timeout stops a run whose time limit libFuzzer itself cannot enforce.
    if SWIFT_BACKTRACE=enable=no timeout --kill-after=30 "$outer" \
        "$bin/$target" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="$artifacts" "$corpus" "$seeds" >"$LOG" 2>&1; then
        grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "$LOG" || true
    else
        status=1
        printf 'FAIL: %s (log: %s)\n' "$target" "$LOG" >&2
        tail -n 30 "$LOG" >&2
        ls -l "$artifacts" >&2
    fi
    LOG=
done
exit $status
