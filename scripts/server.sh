#!/usr/bin/env bash
# CI step for Examples/IdentifyServer, runnable by hand: `bash scripts/server.sh`.
#
# 1. Builds the package and runs its in-process tests (HummingbirdTesting).
# 2. Real-socket test: starts the built server on a free loopback port with a temporary
#    store file, runs the task's official examples and the error cases with curl, stops it
#    with SIGTERM and checks it exited cleanly, restarts it on the same store file and
#    checks that every row is still there, byte for byte; the last restart has an admin
#    token, and checks the corrections (401s, a forget, a delete that splits, an erase).
#    Then the graph protection flags: refused mistakes, and a server with the common preset,
#    a block file and --max-emails answering as the library decides.
# 3. Connection flood (scripts/server-flood.py): a server at `ulimit -n 1024` with short
#    timeouts holds 2,000 idle and 50 slow-header connections, keeps answering fresh ones
#    within a second, and closes every flood connection after its timeouts.
# 4. schemathesis (pinned, from PyPI; installed when CI=true or when missing) against the
#    server with the admin token: every phase and check, a fixed seed, zero failures.
#
# Needs curl (installed with apt-get when missing). The server is always killed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGE=Examples/IdentifyServer

source scripts/lib.sh

command -v curl >/dev/null 2>&1 || apt_install curl

step "build $PACKAGE"
swift build --package-path "$PACKAGE" --build-tests

step "in-process tests"
swift test --package-path "$PACKAGE" --skip-build

step "real-socket test"
BIN="$(swift build --package-path "$PACKAGE" --show-bin-path)/identify-server"
[[ -x "$BIN" ]] || fail "no executable at $BIN"
WORK="$(mktemp -d)"
STORE="$WORK/contacts.store"
PID=""
LOG=""
trap cleanup EXIT

# stop SIGNAL: stops the server and checks that it closed the store before exiting 0.
stop() {
    stop_server "$1"
    grep -q 'store closed' "$LOG" || fail "the server did not log closing the store after SIG$1"
    echo "server stopped cleanly on SIG$1"
}

# request METHOD PATH [curl options...]: sets STATUS and BODY (the headers go to $WORK/headers).
request() {
    local method="$1" path="$2"
    shift 2
    STATUS="$(curl -sS -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' -X "$method" "$@" "$URL$path")"
    BODY="$(cat "$WORK/body")"
}

# expect STATUS BODY: the last response, exactly.
expect() {
    [[ "$STATUS" == "$1" ]] || fail "expected HTTP $1, got $STATUS: $BODY"
    [[ "$BODY" == "$2" ]] || fail "expected body $2, got $BODY"
}

# expect_error STATUS CODE: the last response is an error with this code.
expect_error() {
    [[ "$STATUS" == "$1" ]] || fail "expected HTTP $1, got $STATUS: $BODY"
    [[ "$BODY" == *"\"code\":\"$2\""* ]] || fail "expected error code $2, got $BODY"
}

identify() {
    request POST /identify -H 'Content-Type: application/json' --data-binary "$1"
}

# Flag mistakes are refused before anything is opened.
if "$BIN" --in-memory --store "$STORE" </dev/null >"$WORK/flags.log" 2>&1; then fail "--in-memory with --store was accepted"; fi
grep -q 'cannot be used together' "$WORK/flags.log" || fail "no message for --in-memory with --store: $(cat "$WORK/flags.log")"
if "$BIN" --in-memory --port 70000 </dev/null >"$WORK/flags.log" 2>&1; then fail "--port 70000 was accepted"; fi
# An admin token file that cannot be used stops the server before the store is opened.
if "$BIN" --store "$STORE" --admin-token-file "$WORK/no-such.token" </dev/null >"$WORK/flags.log" 2>&1; then
    fail "a missing admin token file was accepted"
fi
grep -q 'cannot read the admin token file' "$WORK/flags.log" || fail "no message for a missing token file: $(cat "$WORK/flags.log")"
printf '\n' >"$WORK/empty.token"
if "$BIN" --store "$STORE" --admin-token-file "$WORK/empty.token" </dev/null >"$WORK/flags.log" 2>&1; then
    fail "an empty admin token file was accepted"
fi
grep -q 'is empty' "$WORK/flags.log" || fail "no message for an empty token file: $(cat "$WORK/flags.log")"
[[ ! -e "$STORE" ]] || fail "a refused command line created the store file"

start_server first "$BIN" --store "$STORE" --durability grouped

# The file is locked: a second server on it refuses to start.
if "$BIN" --store "$STORE" --port 0 </dev/null >"$WORK/second.log" 2>&1; then fail "a second server opened a locked store"; fi
grep -q 'alreadyLocked' "$WORK/second.log" || fail "no alreadyLocked error: $(cat "$WORK/second.log")"

request GET /health
expect 200 '{"status":"ok"}'

# The task's first example: lorraine, then mcfly with the same phone number.
identify '{"email":"lorraine@hillvalley.edu","phoneNumber":"123456"}'
expect 200 '{"contact":{"primaryContatctId":1,"emails":["lorraine@hillvalley.edu"],"phoneNumbers":["123456"],"secondaryContactIds":[]}}'
MCFLY='{"contact":{"primaryContatctId":1,"emails":["lorraine@hillvalley.edu","mcfly@hillvalley.edu"],"phoneNumbers":["123456"],"secondaryContactIds":[2]}}'
identify '{"email":"mcfly@hillvalley.edu","phoneNumber":"123456"}'
expect 200 "$MCFLY"
# The task says these all answer the same.
for body in '{"email":null,"phoneNumber":"123456"}' '{"email":"lorraine@hillvalley.edu","phoneNumber":null}' \
    '{"email":"mcfly@hillvalley.edu","phoneNumber":null}' '{"email":"mcfly@hillvalley.edu","phoneNumber":123456}'; do
    identify "$body"
    expect 200 "$MCFLY"
done

# The task's second example: two primaries merged by a request joining them.
identify '{"email":"george@hillvalley.edu","phoneNumber":"919191"}'
expect 200 '{"contact":{"primaryContatctId":3,"emails":["george@hillvalley.edu"],"phoneNumbers":["919191"],"secondaryContactIds":[]}}'
identify '{"email":"biffsucks@hillvalley.edu","phoneNumber":"717171"}'
expect 200 '{"contact":{"primaryContatctId":4,"emails":["biffsucks@hillvalley.edu"],"phoneNumbers":["717171"],"secondaryContactIds":[]}}'
GEORGE='{"contact":{"primaryContatctId":3,"emails":["george@hillvalley.edu","biffsucks@hillvalley.edu"],"phoneNumbers":["919191","717171"],"secondaryContactIds":[4]}}'
identify '{"email":"george@hillvalley.edu","phoneNumber":"717171"}'
expect 200 "$GEORGE"
request GET /contacts/4
expect 200 "$GEORGE"

# Client mistakes over a real socket: never a 500.
identify '{"email":"not-an-email"}'
expect_error 400 invalid_email
identify '{"phoneNumber":"12ab"}'
expect_error 400 invalid_phone_number
identify '{}'
expect_error 400 missing_email_and_phone_number
identify 'not json'
expect_error 400 invalid_json
request POST /identify -H 'Content-Type: text/plain' --data-binary '{"email":"a@b.co"}'
expect_error 415 unsupported_media_type
head -c 20000 /dev/zero | tr '\0' ' ' >"$WORK/big.json"
request POST /identify -H 'Content-Type: application/json' --data-binary @"$WORK/big.json"
expect_error 413 payload_too_large
# A chunked body announces no length: the limit holds while reading.
request POST /identify -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
    --data-binary @"$WORK/big.json"
expect_error 413 payload_too_large
request GET /identify
expect_error 405 method_not_allowed
request GET /contacts/99
expect_error 404 contact_not_found
request GET '/contacts?limit=0'
expect_error 400 invalid_parameter
# Without --admin-token-file the corrections are not routed, token or not.
request POST /forget -H 'Authorization: Bearer anything' -H 'Content-Type: application/json' \
    --data-binary '{"phoneNumber":"123456"}'
expect_error 404 not_found
request DELETE /contacts/1
expect_error 405 method_not_allowed
# A body cut short by a half-close is the client's doing: a 400, not a 500.
CUT="$(printf 'POST /identify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":' |
    python3 -c 'import socket, sys; s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); s.sendall(sys.stdin.buffer.read()); s.shutdown(socket.SHUT_WR); print(s.makefile("rb").read().decode())' "$PORT")"
[[ "$CUT" == "HTTP/1.1 400 "* && "$CUT" == *'"code":"incomplete_body"'* ]] || fail "a body cut short answered: $CUT"
# Requests the HTTP parser refuses get a JSON 400 too.
for raw in 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n' 'GET / HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n' \
    'POST /identify HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' \
    '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03'; do
    ANSWER="$(printf "$raw" | python3 -c 'import socket, sys; s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); s.sendall(sys.stdin.buffer.read()); print(s.makefile("rb").read().decode("latin-1"))' "$PORT")"
    [[ "$ANSWER" == "HTTP/1.1 400 "* && "$ANSWER" == *'"code":"malformed_request"'* ]] || fail "$raw answered: $ANSWER"
done
if grep -qE ' (error|critical) identify-server' "$LOG"; then fail "client mistakes were logged as errors"; fi

request GET /openapi.yaml
[[ "$STATUS" == 200 ]] || fail "GET /openapi.yaml answered $STATUS"
cmp -s "$WORK/body" "$PACKAGE/openapi.yaml" || fail "GET /openapi.yaml differs from $PACKAGE/openapi.yaml"

# One structured log line per request.
grep -q 'http.method=POST http.path=/identify http.status=200' "$LOG" || fail "no request log line for a 200"
grep -q 'error.code=payload_too_large' "$LOG" || fail "no request log line with an error code"

request GET '/contacts?limit=1000'
[[ "$STATUS" == 200 ]] || fail "GET /contacts answered $STATUS"
cp "$WORK/body" "$WORK/contacts-before.json"
ROWS="$(grep -o '"id":' "$WORK/contacts-before.json" | wc -l)"
[[ "$ROWS" == 4 ]] || fail "expected 4 rows, listed $ROWS: $(cat "$WORK/contacts-before.json")"

stop TERM

# expect_same_rows: every row listed before the restart is listed again, byte for byte.
expect_same_rows() {
    request GET '/contacts?limit=1000'
    [[ "$STATUS" == 200 ]] || fail "GET /contacts answered $STATUS after restart"
    cmp -s "$WORK/body" "$WORK/contacts-before.json" ||
        fail "rows differ after restart: before $(cat "$WORK/contacts-before.json"), after $BODY"
}

step "restart on the same store file"
start_server second "$BIN" --store "$STORE" --durability deferred
expect_same_rows
request GET /contacts/1
expect 200 "$MCFLY"
# Known values write nothing; new ones continue the ids.
identify '{"email":"george@hillvalley.edu","phoneNumber":"717171"}'
expect 200 "$GEORGE"
DOC='{"contact":{"primaryContatctId":5,"emails":["doc@hillvalley.edu"],"phoneNumbers":["555"],"secondaryContactIds":[]}}'
identify '{"email":"doc@hillvalley.edu","phoneNumber":"555"}'
expect 200 "$DOC"
request GET '/contacts?limit=1000'
cp "$WORK/body" "$WORK/contacts-before.json"
# Deferred changes reach the file when the server closes the store on SIGINT.
stop INT

step "restart again, with an admin token"
TOKEN="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
echo "$TOKEN" >"$WORK/admin.token"
start_server third "$BIN" --store "$STORE" --durability immediate --admin-token-file "$WORK/admin.token"
expect_same_rows
request GET /contacts/5
expect 200 "$DOC"

# admin METHOD PATH [curl options...]: a request with the admin token.
admin() {
    local method="$1" path="$2"
    shift 2
    request "$method" "$path" -H "Authorization: Bearer $TOKEN" "$@"
}
request DELETE /contacts/5
expect_error 401 unauthorized
grep -qi '^www-authenticate: Bearer' "$WORK/headers" || fail "no WWW-Authenticate challenge: $(cat "$WORK/headers")"
request POST /forget -H "Authorization: Bearer ${TOKEN}x" -H 'Content-Type: application/json' \
    --data-binary '{"phoneNumber":"555"}'
expect_error 401 unauthorized
admin POST /forget -H 'Content-Type: application/json' --data-binary '{"phoneNumber":555}'
expect 200 '{"contacts":[{"primaryContatctId":5,"emails":["doc@hillvalley.edu"],"phoneNumbers":[],"secondaryContactIds":[]}]}'
admin POST /forget -H 'Content-Type: application/json' --data-binary '{"phoneNumber":"555"}'
expect_error 404 phone_number_not_found
# Deleting biffsucks's row splits george's person: nothing else joins them.
admin DELETE /contacts/4
expect 200 '{"contacts":[{"primaryContatctId":3,"emails":["george@hillvalley.edu"],"phoneNumbers":["919191"],"secondaryContactIds":[]}]}'
admin DELETE /contacts/4
expect_error 404 contact_not_found
admin POST /contacts/5/erase
expect 200 '{"contacts":[]}'
request GET /contacts/5
expect_error 404 contact_not_found
# The erased values have left the store file before the answer.
if grep -qa 'doc@hillvalley.edu' "$STORE"; then fail "the erased email is still in the store file"; fi
grep -q 'admin routes enabled' "$LOG" || fail "the server did not log that the admin routes are enabled"
if grep -q "$TOKEN" "$LOG"; then fail "the admin token was logged"; fi
stop TERM

step "graph protection from the command line"
# Mistakes in the protection flags are refused at start, naming the flag or the line.
if "$BIN" --in-memory --max-emails 0 </dev/null >"$WORK/flags.log" 2>&1; then fail "--max-emails 0 was accepted"; fi
grep -q -- '--max-emails' "$WORK/flags.log" || fail "no message for --max-emails 0: $(cat "$WORK/flags.log")"
printf 'email:shop@store.example\nphone 555\n' >"$WORK/bad.blocklist"
if "$BIN" --in-memory --block-file "$WORK/bad.blocklist" </dev/null >"$WORK/flags.log" 2>&1; then
    fail "a block file with a bad line was accepted"
fi
grep -q 'line 2' "$WORK/flags.log" || fail "no line number for a bad block file: $(cat "$WORK/flags.log")"
printf '# the shop\nphoneNumber:+1 555 0100\n' >"$WORK/blocklist"
start_server protection "$BIN" --in-memory --block-preset common --block-file "$WORK/blocklist" \
    --max-emails 2 --priority email
grep -q 'max_emails=2' "$LOG" || fail "the server did not log its protection: $(cat "$LOG")"
identify '{"email":"null","phoneNumber":"0000000000"}'
expect_error 400 blocked_value
# The preset's placeholder and the block file's number are left out; the emails are kept.
identify '{"email":"a@x.io","phoneNumber":"000-000-0000"}'
expect 200 '{"contact":{"primaryContatctId":1,"emails":["a@x.io"],"phoneNumbers":[],"secondaryContactIds":[]}}'
identify '{"email":"b@x.io","phoneNumber":"+1 555 0100"}'
expect 200 '{"contact":{"primaryContatctId":2,"emails":["b@x.io"],"phoneNumbers":[],"secondaryContactIds":[]}}'
identify '{"email":"a@x.io","phoneNumber":"123"}'
identify '{"email":"c@x.io","phoneNumber":"123"}'
expect 200 '{"contact":{"primaryContatctId":1,"emails":["a@x.io","c@x.io"],"phoneNumbers":["123"],"secondaryContactIds":[3,4]}}'
# A third email for that person would pass --max-emails 2: the phone number is dropped.
identify '{"email":"d@x.io","phoneNumber":"123"}'
expect 200 '{"contact":{"primaryContatctId":5,"emails":["d@x.io"],"phoneNumbers":[],"secondaryContactIds":[]}}'
stop TERM

step "connection flood at ulimit -n 1024"
# `ulimit -n` in a child shell lowers both limits, so the server cannot raise them back.
start_server flood bash -c 'ulimit -n 1024 && exec "$0" "$@"' "$BIN" --in-memory --idle-timeout 3 --request-timeout 2
grep -q 'open_files=soft 1024, hard 1024' "$LOG" || fail "the server did not log its open-file limit: $(cat "$LOG")"
grep -q 'max_connections=896' "$LOG" || fail "the server did not fit its connections under 1024 descriptors"
python3 scripts/server-flood.py "$PORT" 2000 50 15 || fail "the connection flood test failed"
kill -0 "$PID" 2>/dev/null || fail "the server died during the flood"
stop TERM

step "schemathesis"
SCHEMATHESIS_VERSION=4.32.5
if [[ "${CI:-}" == true ]] || ! python3 -c "import importlib.metadata as m, sys
sys.exit(m.version('schemathesis') != '$SCHEMATHESIS_VERSION')" 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
start_server schemathesis "$BIN" --in-memory --admin-token-file "$WORK/admin.token"
# Every phase and check over the document the server serves; the seed makes a failure
# reproducible with the same command. Bounded by the examples per operation (about 3,000
# cases, 1.5 minutes here). Run in $WORK, where it keeps its example database. Strings are
# generated in ASCII: openapi.yaml's patterns describe the input policy for ASCII values (the
# server also accepts other Unicode letters, which a pattern cannot describe exactly).
(cd "$WORK" && python3 -m schemathesis.cli run "$URL/openapi.yaml" --url "$URL" --checks all \
    --phases examples,coverage,fuzzing,stateful --mode all --seed 18 --max-examples 250 --workers 1 \
    --generation-codec ascii --no-color \
    -H "Authorization: Bearer $TOKEN") || fail "schemathesis found failures (above)"
stop TERM

echo
echo "server.sh: all checks passed"
