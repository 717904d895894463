#!/usr/bin/env bash
# HTTP figures for Examples/IdentifyServer with wrk (issue 5's performance section), runnable
# by hand: `bash scripts/http-bench.sh [options]`.
#
# For each store (in memory, then a file store with grouped-commit durability) it starts the
# server on a free loopback port and, in that one server process, measures the trivial route
# `GET /health` and a realistic `POST /identify` mix (scripts/http-bench.lua: the benchmark's
# `orders` stream shape, deterministic from a seed) with wrk: 64 connections, 2 threads,
# after a short warm-up of both routes. It prints requests/s, p50 and p99 latency, the ratio
# of identify to /health, the CPU time per request of the server and of wrk, and the issue's
# targets: identify in memory >= 60% of /health's requests/s, grouped >= 40%, p99 under 20 ms.
# Before and after the grouped store's run it also measures the disk's durable-write latency
# (100-byte O_DSYNC overwrites with dd), which bounds grouped commit.
#
# Options:
#   --quick            CI mode: the debug build scripts/server.sh makes (no release build of
#                      Hummingbird), 2 s per measurement and a 1 s warm-up; checks that every
#                      measurement ran (requests > 0, no socket errors, no non-2xx answers),
#                      never how fast. Targets are printed but not checked.
#   --json PATH        Also write the figures as JSON to PATH.
#   --duration S       Seconds per measurement (default 10; 2 with --quick).
#   --warmup S         Seconds of warm-up per route before measuring (default 3; 1 with --quick).
#   --rounds N         Rounds of /health then identify per store (default 3; 1 with --quick);
#                      the table shows the medians of the rounds (and the worst p99); the
#                      ratio to /health is the median of each round's identify over the
#                      /health run just before it.
#   --connections N    wrk connections (default 64).
#   --threads N        wrk threads (default 2).
#   --seed N           The request mix's seed (default 1).
#   --server PATH      Measure this identify-server executable instead of building one (to
#                      compare two builds on the same machine state).
#   --log-level LEVEL  The server's --log-level (default warning, which the server's README
#                      advises under heavy load; `info` logs a line per request).
#
# The full run builds the server in release mode first (over 10 minutes from scratch on a
# 2-core machine). Whatever the run measures, it fails (exit 1) when a measurement made no
# requests, saw socket errors or timeouts, or got a non-2xx answer; missing a speed target
# is reported, not a failure. Needs wrk (installed with apt-get when missing). The
# servers and the temporary directory are removed on any exit.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGE=Examples/IdentifyServer
LUA_SCRIPT=scripts/http-bench.lua

QUICK=0
JSON=""
DURATION=""
WARMUP=""
ROUNDS=""
CONNECTIONS=64
THREADS=2
SEED=1
LOG_LEVEL=warning
SERVER=""
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --json) JSON="${2:?--json needs a path}"; shift ;;
        --duration) DURATION="${2:?--duration needs seconds}"; shift ;;
        --warmup) WARMUP="${2:?--warmup needs seconds}"; shift ;;
        --rounds) ROUNDS="${2:?--rounds needs a number}"; shift ;;
        --connections) CONNECTIONS="${2:?--connections needs a number}"; shift ;;
        --threads) THREADS="${2:?--threads needs a number}"; shift ;;
        --seed) SEED="${2:?--seed needs a number}"; shift ;;
        --log-level) LOG_LEVEL="${2:?--log-level needs a level}"; shift ;;
        --server) SERVER="${2:?--server needs a path}"; shift ;;
        -h | --help) usage; exit 0 ;;
        *) printf 'unknown option %s (see --help)\n' "$1" >&2; exit 2 ;;
    esac
    shift
done
if [[ "$QUICK" == 1 ]]; then
    DURATION="${DURATION:-2}"
    WARMUP="${WARMUP:-1}"
    ROUNDS="${ROUNDS:-1}"
    CONFIGURATION=debug
else
    DURATION="${DURATION:-10}"
    WARMUP="${WARMUP:-3}"
    ROUNDS="${ROUNDS:-3}"
    CONFIGURATION=release
fi
for number in "$DURATION" "$WARMUP" "$ROUNDS" "$CONNECTIONS" "$THREADS" "$SEED"; do
    [[ "$number" =~ ^[1-9][0-9]*$ ]] || { printf 'not a positive whole number: %s\n' "$number" >&2; exit 2; }
done
# Each identify run has its own customer numbers (see measure), below the warm-up's 300,000,000.
((ROUNDS * THREADS <= 30)) || { printf -- '--rounds × --threads must be at most 30\n' >&2; exit 2; }
if [[ -n "$JSON" ]]; then JSON="$(cd "$(dirname "$JSON")" && pwd)/$(basename "$JSON")"; fi

source scripts/lib.sh

# wrk for the load.
command -v wrk >/dev/null 2>&1 || apt_install wrk

if [[ -n "$SERVER" ]]; then
    BIN="$SERVER"
    CONFIGURATION="$CONFIGURATION, given executable $SERVER"
else
    step "build $PACKAGE ($CONFIGURATION)"
    swift build -c "$CONFIGURATION" --package-path "$PACKAGE" --product identify-server
    BIN="$(swift build -c "$CONFIGURATION" --package-path "$PACKAGE" --show-bin-path)/identify-server"
fi
[[ -x "$BIN" ]] || fail "no executable at $BIN"

WORK="$(mktemp -d)"
PID=""
LOG=""
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The server's CPU time so far (user + system), in clock ticks.
server_ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
CLOCK_TICKS="$(getconf CLK_TCK)"

# run_wrk SECONDS MODE BASE: runs wrk with the Lua mix against the running server; sets RESULT
# to its WRK_RESULT line (without the tag) followed by server_us= and wrk_us=, the CPU time
# per completed request of the server and of wrk itself (both share the machine's cores).
run_wrk() {
    local output="$WORK/wrk.out" before after
    before="$(server_ticks)"
    local TIMEFORMAT='%U %S'
    { time wrk -t"$THREADS" -c"$CONNECTIONS" -d"${1}s" --timeout 10s -s "$LUA_SCRIPT" "$URL" \
        -- "$2" "$SEED" "$3" >"$output" 2>&1; } 2>"$WORK/wrk.time" || { cat "$output" >&2; fail "wrk failed ($2)"; }
    after="$(server_ticks)"
    RESULT="$(grep '^WRK_RESULT ' "$output" | sed 's/^WRK_RESULT //' || true)"
    [[ -n "$RESULT" ]] || { cat "$output" >&2; fail "wrk printed no result ($2)"; }
    RESULT="$RESULT $(awk -v ticks=$((after - before)) -v hz="$CLOCK_TICKS" -v n="$(field requests)" '
        { printf "server_us=%.1f wrk_us=%.1f", n ? ticks / hz * 1e6 / n : 0, n ? ($1 + $2) * 1e6 / n : 0 }' \
        "$WORK/wrk.time")"
}

# field NAME: a number from RESULT.
field() { printf '%s\n' "$RESULT" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# check_result STORE ROUTE: fails unless the measurement made requests without any socket
# error, timeout or non-2xx answer.
check_result() {
    local requests errors
    requests="$(field requests)"
    [[ "$requests" -gt 0 ]] || fail "$2 on $1 made no requests: $RESULT"
    errors="connect=$(field connect) read=$(field read) write=$(field write) timeout=$(field timeout)"
    [[ "$errors" == "connect=0 read=0 write=0 timeout=0" ]] || fail "$2 on $1 had socket errors: $errors"
    [[ "$(field status)" == 0 ]] || fail "$2 on $1 got $(field status) non-2xx answers"
}

# One line per measurement:
# "store route round rps p50_us p99_us requests generated new_values server_us wrk_us".
MEASUREMENTS="$WORK/measurements"
: >"$MEASUREMENTS"
LOADS=()
# measure STORE SERVER-ARGS...: one server process; a warm-up of both routes, then ROUNDS
# rounds of /health followed by the identify mix. Every identify run (warm-up, each round)
# uses its own customers: base 300,000,000 for the warm-up, round × threads × 10,000,000
# for the rounds.
measure() {
    local store="$1"
    shift
    step "$store store"
    start_server "$store" "$BIN" "$@" --log-level "$LOG_LEVEL"
    run_wrk "$WARMUP" health 0
    run_wrk "$WARMUP" identify 300000000
    check_result "$store" "warm-up identify"
    LOADS+=("$store: $(cut -d' ' -f1-3 /proc/loadavg)")
    local round mode route rps
    for round in $(seq 1 "$ROUNDS"); do
        for mode in health identify; do
            route="GET_/health"
            [[ "$mode" == identify ]] && route="POST_/identify"
            run_wrk "$DURATION" "$mode" $(((round - 1) * THREADS * 10000000))
            check_result "$store" "${route/_/ }"
            rps="$(awk -v n="$(field requests)" -v us="$(field duration_us)" 'BEGIN { printf "%.0f", n / (us / 1e6) }')"
            printf 'round %s %-15s %7s requests: %6s req/s, p50 %6s us, p99 %6s us, CPU per request: server %s us, wrk %s us' \
                "$round" "${route/_/ }" "$(field requests)" "$rps" "$(field p50_us)" "$(field p99_us)" \
                "$(field server_us)" "$(field wrk_us)"
            if [[ "$mode" == identify ]]; then
                printf ', %s of %s requests with a new value' "$(field new_values)" "$(field generated)"
            fi
            printf '\n'
            printf '%s %s %s %s %s %s %s %s %s %s %s\n' "$store" "$route" "$round" "$rps" "$(field p50_us)" \
                "$(field p99_us)" "$(field requests)" "$(field generated)" "$(field new_values)" \
                "$(field server_us)" "$(field wrk_us)" >>"$MEASUREMENTS"
        done
    done
    if [[ -f "$WORK/contacts.store" ]]; then
        echo "store file after the run: $(stat -c %s "$WORK/contacts.store") bytes"
    fi
    stop_server
}

# The disk's durable-write latency where the grouped store lives: 200 overwrites of 100
# bytes of a preallocated file with O_DSYNC (each one a write + fdatasync). Grouped commit
# waits for one such sync per batch, so its figures move with this.
probe_durable_write() {
    local file="$WORK/probe"
    dd if=/dev/zero of="$file" bs=1M count=1 conv=fsync status=none
    LC_ALL=C dd if=/dev/zero of="$file" bs=100 count=200 oflag=dsync conv=notrunc 2>&1 |
        awk '/copied/ { for (i = 1; i <= NF; i++) if ($(i + 1) == "s,") printf "%.3f", $i / 200 * 1000 }'
    rm -f "$file"
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "load average before: $LOAD_BEFORE ($(nproc) cores), $DATE"
measure memory --in-memory
PROBE_BEFORE="$(probe_durable_write)"
echo "durable write (100 B, O_DSYNC) on the grouped store's disk: $PROBE_BEFORE ms"
measure grouped --store "$WORK/contacts.store" --durability grouped
PROBE_AFTER="$(probe_durable_write)"
echo "durable write after the grouped run: $PROBE_AFTER ms"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# Per store and route over the rounds: the median requests/s, p50 and p99, the highest p99,
# and the share of identify requests that wrote a row. The ratio to /health is the median
# over the rounds of identify's requests/s over the /health run just before it (the two
# share the machine's conditions best: on a shared machine the rate drifts between rounds).
# The targets are the issue's: >= 60% in memory, >= 40% grouped, p99 under 20 ms (the
# median round's).
SUMMARY="$(awk -v quick="$QUICK" '
    function median(list,   values, n, a, b, t) {
        n = split(substr(list, 2), values, " ")
        for (a = 2; a <= n; a++) {
            for (b = a; b > 1 && values[b - 1] + 0 > values[b] + 0; b--) {
                t = values[b]; values[b] = values[b - 1]; values[b - 1] = t
            }
        }
        return n % 2 ? values[(n + 1) / 2] : (values[n / 2] + values[n / 2 + 1]) / 2
    }
    {
        key = $1 " " $2
        if (!(key in requests)) { order[++keys] = key }
        rps[key] = rps[key] " " $4; p50[key] = p50[key] " " $5; p99[key] = p99[key] " " $6
        if ($6 > worst[key]) worst[key] = $6
        requests[key] += $7; generated[key] += $8; written[key] += $9
        server[key] = server[key] " " $10; client[key] = client[key] " " $11
        if ($2 == "GET_/health") health[$1 " " $3] = $4
        ratios[key] = ratios[key] " " ($4 / health[$1 " " $3])
    }
    END {
        minimum["memory"] = 60; minimum["grouped"] = 40
        for (i = 1; i <= keys; i++) {
            key = order[i]; split(key, part, " ")
            ratio = median(ratios[key]); p99median = median(p99[key]) / 1000
            writes = generated[key] ? sprintf("%.0f%%", 100 * written[key] / generated[key]) : "-"
            if (part[2] == "GET_/health") { target = "-"; met = "-" }
            else {
                target = sprintf(">= %d%%, p99 < 20 ms", minimum[part[1]])
                met = (ratio * 100 >= minimum[part[1]] && p99median < 20) ? "met" : "missed"
                if (quick) met = met " (not checked)"
            }
            printf "%s|%s|%.0f|%.2f|%.2f|%d|%.4f|%s|%s|%s|%.2f|%.0f|%.0f\n", part[1], part[2], median(rps[key]),
                median(p50[key]) / 1000, p99median, requests[key], ratio, target, met, writes, worst[key] / 1000,
                median(server[key]), median(client[key])
        }
    }' "$MEASUREMENTS")"
# SUMMARY fields: store|route|rps|p50_ms|p99_ms|requests|ratio|target|met|writes|worst_p99_ms|server_us|wrk_us

step "results ($CONFIGURATION build; wrk -t$THREADS -c$CONNECTIONS, $ROUNDS × ${DURATION} s per route; seed $SEED; server log level $LOG_LEVEL)"
{
    printf '| route | store | requests/s | p50 (ms) | p99 (ms) | worst p99 (ms) | vs /health | target | | writing requests | CPU/request server, wrk (µs) |\n'
    printf '|---|---|---:|---:|---:|---:|---:|---|---|---:|---:|\n'
    printf '%s\n' "$SUMMARY" | sort -t'|' -k1,1r -k2,2 | awk -F'|' '{
        route = $2; sub("_", " ", route)
        printf "| `%s` | %s | %s | %s | %s | %s | %.0f%% | %s | %s | %s | %s, %s |\n", route, $1, $3, $4, $5, $11, $7 * 100, $8, $9, $10, $12, $13 }'
} | tee "$WORK/table.md"
echo "median of $ROUNDS rounds; vs /health: the median of each round's identify over the /health run before it;"
echo "CPU/request: user + system time of the server process and of wrk per completed request"
echo "load average: $LOAD_BEFORE before; after the warm-ups ${LOADS[*]}; $LOAD_AFTER after"
echo "durable write (100 B + fdatasync): $PROBE_BEFORE ms before the grouped store's run, $PROBE_AFTER ms after"

if [[ -n "$JSON" ]]; then
    {
        printf '{\n  "date": "%s",\n  "configuration": "%s",\n  "quick": %s,\n' "$DATE" "$CONFIGURATION" \
            "$([[ "$QUICK" == 1 ]] && echo true || echo false)"
        printf '  "wrk": {"threads": %s, "connections": %s, "durationSeconds": %s, "warmupSeconds": %s, "rounds": %s, "seed": %s},\n' \
            "$THREADS" "$CONNECTIONS" "$DURATION" "$WARMUP" "$ROUNDS" "$SEED"
        printf '  "serverLogLevel": "%s",\n  "cores": %s,\n' "$LOG_LEVEL" "$(nproc)"
        printf '  "loadAverage": {"before": "%s", "after": "%s"},\n' "$LOAD_BEFORE" "$LOAD_AFTER"
        printf '  "durableWriteMilliseconds": {"beforeGrouped": %s, "afterGrouped": %s},\n' "$PROBE_BEFORE" "$PROBE_AFTER"
        printf '  "summary": [\n'
        printf '%s\n' "$SUMMARY" | awk -F'|' '
            { route = $2; sub("_", " ", route)
              line[NR] = sprintf("    {\"store\": \"%s\", \"route\": \"%s\", \"requestsPerSecond\": %s, \"p50Milliseconds\": %s, \"p99Milliseconds\": %s, \"worstP99Milliseconds\": %s, \"requests\": %s, \"ratioToHealth\": %s, \"target\": \"%s\", \"met\": \"%s\", \"writingRequests\": \"%s\", \"serverCPUMicrosecondsPerRequest\": %s, \"wrkCPUMicrosecondsPerRequest\": %s}", $1, route, $3, $4, $5, $11, $6, $7, $8, $9, $10, $12, $13) }
            END { for (i = 1; i <= NR; i++) printf "%s%s\n", line[i], (i < NR ? "," : "") }'
        printf '  ],\n  "rounds": [\n'
        awk '{ route = $2; sub("_", " ", route)
               line[NR] = sprintf("    {\"store\": \"%s\", \"route\": \"%s\", \"round\": %s, \"requestsPerSecond\": %s, \"p50Microseconds\": %s, \"p99Microseconds\": %s, \"requests\": %s, \"generated\": %s, \"newValues\": %s, \"serverCPUMicroseconds\": %s, \"wrkCPUMicroseconds\": %s}", $1, route, $3, $4, $5, $6, $7, $8, $9, $10, $11) }
             END { for (i = 1; i <= NR; i++) printf "%s%s\n", line[i], (i < NR ? "," : "") }' "$MEASUREMENTS"
        printf '  ]\n}\n'
    } >"$JSON"
    echo "JSON written to $JSON"
fi
echo
echo "http-bench.sh: every measurement ran without errors"
