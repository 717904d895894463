#!/usr/bin/env bash
# Runs the concurrency tests under ThreadSanitizer, again and again, and fails on any report:
#
#   bash scripts/tsan.sh             # the conformance tests once, the concurrency tests 20 times
#   TSAN_ITERATIONS=100 bash scripts/tsan.sh
#
# The build defines IDENTITY_RECONCILIATION_TSAN, which makes the stores' lock (StoreLock) a
# pthread mutex: ThreadSanitizer intercepts pthread_mutex_lock, but not the futexes under
# Synchronization.Mutex, and would report every access that lock guards. It uses its own
# scratch path (.build-tsan, gitignored). halt_on_error makes the first report fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

iterations=${TSAN_ITERATIONS:-20}
flags=(--sanitize=thread --scratch-path .build-tsan -Xswiftc -DIDENTITY_RECONCILIATION_TSAN)
export TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}"

step "build the tests with ThreadSanitizer"
swift build --build-tests "${flags[@]}"

step "conformance tests under ThreadSanitizer"
swift test --skip-build "${flags[@]}" --filter "ConformanceTests"

step "concurrency tests under ThreadSanitizer, $iterations times"
for iteration in $(seq 1 "$iterations"); do
    swift test --skip-build "${flags[@]}" --filter "ConcurrencyTests|GroupedReadTests|MaintenanceConcurrencyTests|GroupLimitsTests/limitsUnderConcurrency" \
        > .build-tsan/last-run.log 2>&1 || {
        cat .build-tsan/last-run.log
        fail "ThreadSanitizer run $iteration of $iterations failed (its output is above)"
    }
done
echo "$iterations runs, no report"
