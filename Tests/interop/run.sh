#!/usr/bin/env bash
# Cairn's interop suite: real clients (redis-cli, redis-benchmark, redis-py)
# against a real server process, plus a kill -9 durability check.
#
#   bash Tests/interop/run.sh                        # against cairn-server
#   bash Tests/interop/run.sh path/to/cairn-server   # the same, naming the binary
#   INTEROP_TARGET=redis bash Tests/interop/run.sh   # against redis-server 7 (the reference)
#
# Environment:
#   INTEROP_TARGET   cairn (default) or redis
#   CAIRN_SERVER     cairn-server binary (default .build/debug/cairn-server)
#   CAIRN_SERVER_ARGS / REDIS_SERVER_ARGS   extra arguments for the server
#   REDIS_SERVER     redis-server binary (default: redis-server on PATH)
#   INTEROP_PORTS    port range to pick a free port from (default 7440-7460)
#   INTEROP_KEEP     1 keeps the temp directory (logs, data) for inspection
#   INTEROP_ONLY     space-separated test names to run (default: all)
#
# Prints one line per test, `PASS name` or `FAIL name: reason`, then
# `interop: N passed, N failed`; exits non-zero if any test failed or the
# server could not be started. Every process it starts and its temp directory
# are cleaned up on exit, also on failure or Ctrl-C.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TARGET="${INTEROP_TARGET:-cairn}"
CAIRN_SERVER="${1:-${CAIRN_SERVER:-$ROOT/.build/debug/cairn-server}}"
REDIS_SERVER="${REDIS_SERVER:-redis-server}"
PORTS="${INTEROP_PORTS:-7440-7460}"
HOST=127.0.0.1
PYTHON="${PYTHON:-python3}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cairn-interop.XXXXXX")"
DATA="$WORK/data"
mkdir -p "$DATA"
SERVER_PID=""
PASSED=0
FAILED=0
FAILED_NAMES=()
START_TIME=$SECONDS

# --- process management ------------------------------------------------------

stop_server() {
    local pid="$SERVER_PID"
    SERVER_PID=""
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_server
    # Anything else this script started in the background (writers, clients).
    local children
    children="$(jobs -p)"
    [ -n "$children" ] && kill -KILL $children 2>/dev/null
    wait 2>/dev/null
    if [ "${INTEROP_KEEP:-0}" = 1 ]; then
        echo "interop: kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_is_free() {
    "$PYTHON" - "$1" <<'EOF'
import socket, sys
s = socket.socket()
# Like the servers do, so a port whose last connections sit in TIME_WAIT counts as free.
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
}

pick_port() {
    local low="${PORTS%-*}" high="${PORTS#*-}" p
    for p in $(seq "$low" "$high"); do
        if port_is_free "$p"; then echo "$p"; return 0; fi
    done
    return 1
}

# The command line that starts the server on $PORT with data in $DATA,
# write-ahead log synced before every reply.
server_command() {
    case "$TARGET" in
        redis)
            # shellcheck disable=SC2206
            SERVER_CMD=("$REDIS_SERVER" --port "$PORT" --bind "$HOST" --dir "$DATA"
                --appendonly yes --appendfsync always --save '' --daemonize no
                ${REDIS_SERVER_ARGS:-}) ;;
        cairn)
            # shellcheck disable=SC2206
            SERVER_CMD=("$CAIRN_SERVER" --port "$PORT" --dir "$DATA" --appendfsync always
                ${CAIRN_SERVER_ARGS:-}) ;;
        *)
            echo "interop: INTEROP_TARGET must be cairn or redis, not '$TARGET'" >&2
            exit 2 ;;
    esac
}

# Starts the server and waits (up to 30 s, recovery included) until PING answers PONG.
start_server() {
    server_command
    "${SERVER_CMD[@]}" >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    local _
    for _ in $(seq 1 300); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            wait "$SERVER_PID" 2>/dev/null
            SERVER_PID=""
            echo "interop: the server exited while starting; its log:" >&2
            tail -n 20 "$WORK/server.log" >&2
            return 1
        fi
        [ "$(timeout 2 redis-cli -h "$HOST" -p "$PORT" PING 2>/dev/null)" = PONG ] && return 0
        sleep 0.1
    done
    echo "interop: the server did not answer PING within 30 s; its log:" >&2
    tail -n 20 "$WORK/server.log" >&2
    return 1
}

# --- test plumbing ---------------------------------------------------------------

# cli ARGS...: redis-cli against the server under test, bounded in time.
cli() { timeout 10 redis-cli -h "$HOST" -p "$PORT" "$@"; }

# A test is a shell function; it calls `fail "reason"` (which returns 1) or
# returns 0. Its output goes to $WORK/NAME.log, shown on failure.
REASON_FILE="$WORK/reason"
fail() { printf '%s' "$*" >"$REASON_FILE"; return 1; }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
    [ "$2" = "$3" ] || fail "$1: expected $(printf '%q' "$2"), got $(printf '%q' "$3")"
}

selected() {
    [ -z "${INTEROP_ONLY:-}" ] && return 0
    case " $INTEROP_ONLY " in *" $1 "*) return 0 ;; esac
    return 1
}

record() {  # record pass|fail NAME [REASON]
    if [ "$1" = pass ]; then
        PASSED=$((PASSED + 1)); echo "PASS $2"
    else
        FAILED=$((FAILED + 1)); FAILED_NAMES+=("$2"); echo "FAIL $2: $3"
    fi
}

run_test() {
    local name="$1"
    selected "$name" || return 0
    rm -f "$REASON_FILE"
    local t0=$SECONDS
    if "test_$name" >"$WORK/$name.log" 2>&1; then
        record pass "$name"
    else
        local reason="exit status $?"
        [ -s "$REASON_FILE" ] && reason="$(cat "$REASON_FILE")"
        record fail "$name" "$reason"
        sed 's/^/    | /' "$WORK/$name.log" | tail -n 15
    fi
    [ $((SECONDS - t0)) -gt 30 ] && echo "    ($name took $((SECONDS - t0)) s)"
    # A test that killed or lost the server leaves it down: bring it back for the rest.
    if [ -z "$SERVER_PID" ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
        SERVER_PID=""
        start_server || { record fail server-restart "could not restart the server after $name"; exit 1; }
    fi
}

# Python files print their own PASS/FAIL lines, one per test method.
run_python() {
    local name="$1" file="$2"
    selected "$name" || return 0
    local out="$WORK/$name.out"
    INTEROP_HOST="$HOST" INTEROP_PORT="$PORT" INTEROP_TARGET="$TARGET" \
        timeout 120 "$PYTHON" "$HERE/$file" >"$out" 2>"$WORK/$name.err"
    local status=$?
    cat "$out"
    local p f
    p=$(grep -c '^PASS ' "$out"); f=$(grep -c '^FAIL ' "$out")
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
    while IFS= read -r line; do FAILED_NAMES+=("${line%%:*}"); done < <(grep '^FAIL ' "$out" | sed 's/^FAIL //')
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        record fail "$name" "$file exited with status $status"
        tail -n 15 "$WORK/$name.err" | sed 's/^/    | /'
    fi
    if [ -z "$SERVER_PID" ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
        SERVER_PID=""
        start_server || { record fail server-restart "could not restart the server after $name"; exit 1; }
    fi
}

# --- redis-cli ---------------------------------------------------------------------

test_cli_basic() {
    cli FLUSHALL >/dev/null
    expect_eq "SET" OK "$(cli SET greeting hello)" || return 1
    expect_eq "GET" hello "$(cli GET greeting)" || return 1
    expect_eq "INCR" 1 "$(cli INCR visits)" || return 1
    expect_eq "INCR again" 2 "$(cli INCR visits)" || return 1
    expect_eq "INCRBY" 12 "$(cli INCRBY visits 10)" || return 1
    expect_eq "HSET" 2 "$(cli HSET user:1 name ada lang swift)" || return 1
    expect_eq "HGETALL" $'name\nada\nlang\nswift' "$(cli HGETALL user:1)" || return 1
    expect_eq "EXPIRE" 1 "$(cli EXPIRE greeting 100)" || return 1
    local ttl; ttl="$(cli TTL greeting)"
    [ "$ttl" = 100 ] || [ "$ttl" = 99 ] || fail "TTL: expected 99 or 100, got '$ttl'" || return 1
    expect_eq "TTL without expiry" -1 "$(cli TTL visits)" || return 1
    expect_eq "TTL missing key" -2 "$(cli TTL nope)" || return 1
    expect_eq "DEL" 2 "$(cli DEL greeting user:1 nope)" || return 1
    expect_eq "EXISTS after DEL" 0 "$(cli EXISTS greeting user:1)" || return 1
    expect_eq "GET missing (--no-raw)" "(nil)" "$(cli --no-raw GET greeting)" || return 1
    expect_eq "formatted integer" "(integer) 13" "$(cli --no-raw INCR visits)" || return 1
    expect_eq "formatted HGETALL" $'1) "f"\n2) "v"' "$(cli HSET h f v >/dev/null; cli --no-raw HGETALL h)" || return 1
    expect_eq "WRONGTYPE error" "(error) WRONGTYPE Operation against a key holding the wrong kind of value" \
        "$(cli --no-raw GET h)" || return 1
    expect_eq "arity error" "(error) ERR wrong number of arguments for 'get' command" "$(cli --no-raw GET)" || return 1

    # Binary safety: -x sends stdin verbatim as the last argument.
    local blob="$WORK/blob.bin" back="$WORK/blob.back"
    { printf 'a\0b\r\nc\377\n'; head -c 65536 /dev/urandom; printf '\r\n'; } >"$blob"
    local size; size=$(stat -c %s "$blob")
    expect_eq "SET -x" OK "$(cli -x SET blob <"$blob")" || return 1
    expect_eq "STRLEN of binary value" "$size" "$(cli STRLEN blob)" || return 1
    # --raw prints the bulk's bytes then one newline.
    cli --raw GET blob | head -c "$size" >"$back"
    cmp -s "$blob" "$back" || fail "binary value did not round-trip through SET -x / GET --raw" || return 1
    cli DEL blob h visits >/dev/null
}

test_cli_pipe() {
    # Mass insertion as documented for Redis: a file of RESP commands through --pipe.
    local proto="$WORK/mass.resp" out
    "$PYTHON" - "$proto" <<'EOF' || { fail "could not generate the RESP file"; return 1; }
import sys
with open(sys.argv[1], "wb") as f:
    parts = []
    for i in range(100000):
        k = b"key:%d" % i
        v = b"value:%d" % i
        parts.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
    f.write(b"".join(parts))
EOF
    cli -n 9 FLUSHDB >/dev/null
    out="$(timeout 120 redis-cli -h "$HOST" -p "$PORT" -n 9 --pipe <"$proto" 2>&1)"
    echo "$out"
    grep -q "errors: 0, replies: 100000" <<<"$out" ||
        fail "--pipe: expected 'errors: 0, replies: 100000', got: $(tail -n 1 <<<"$out")" || return 1
    expect_eq "DBSIZE after --pipe" 100000 "$(cli -n 9 DBSIZE)" || return 1
    expect_eq "GET first" value:0 "$(cli -n 9 GET key:0)" || return 1
    expect_eq "GET last" value:99999 "$(cli -n 9 GET key:99999)" || return 1
    expect_eq "db 0 untouched" "" "$(cli GET key:0)" || return 1
    cli -n 9 FLUSHDB >/dev/null
}

test_cli_resp3() {
    cli DEL h3 >/dev/null
    local hello; hello="$(cli -3 --no-raw HELLO 3)"
    echo "$hello"
    grep -q '"proto" => (integer) 3' <<<"$hello" || fail "HELLO 3: no '\"proto\" => (integer) 3' in: $hello" || return 1
    for field in server version id mode role modules; do
        grep -q "\"$field\" =>" <<<"$hello" || fail "HELLO 3: no '$field' field in: $hello" || return 1
    done
    expect_eq "HSET over RESP3" "(integer) 1" "$(cli -3 --no-raw HSET h3 f v)" || return 1
    expect_eq "HGETALL as a RESP3 map" '1# "f" => "v"' "$(cli -3 --no-raw HGETALL h3)" || return 1
    expect_eq "empty map" "(empty hash)" "$(cli -3 --no-raw HGETALL nope)" || return 1
    expect_eq "RESP3 null" "(nil)" "$(cli -3 --no-raw GET nope)" || return 1
    expect_eq "RESP3 --raw map (field value on one line)" 'f v' "$(cli -3 --raw HGETALL h3)" || return 1
    cli DEL h3 >/dev/null
}

test_cli_raw() {
    cli DEL r:s r:h r:n >/dev/null
    cli SET r:s $'two\nlines' >/dev/null
    expect_eq "--raw bulk" $'two\nlines' "$(cli --raw GET r:s)" || return 1
    expect_eq "--no-raw bulk is quoted and escaped" '"two\nlines"' "$(cli --no-raw GET r:s)" || return 1
    expect_eq "--raw integer" 5 "$(cli --raw INCRBY r:n 5)" || return 1
    expect_eq "--raw status" OK "$(cli --raw SET r:s x)" || return 1
    cli HSET r:h a 1 b 2 >/dev/null
    expect_eq "--raw array" $'a\n1\nb\n2' "$(cli --raw HGETALL r:h)" || return 1
    expect_eq "--raw nil" "" "$(cli --raw GET nope)" || return 1
    expect_eq "--raw error" "WRONGTYPE Operation against a key holding the wrong kind of value" \
        "$(cli --raw GET r:h | head -n 1)" || return 1
    cli DEL r:s r:h r:n >/dev/null
}

# redis-cli's MONITOR mode streams another client's commands as Redis
# prints them: "<time> [<db> <ip:port>] "ARG" ...".
test_cli_monitor() {
    local out="$DATA/../monitor.out"
    timeout 3 redis-cli -h "$HOST" -p "$PORT" MONITOR >"$out" 2>&1 &
    local watcher=$!
    local i
    for i in $(seq 1 50); do
        grep -q '^OK' "$out" 2>/dev/null && break
        sleep 0.05
    done
    cli SET mon:key $'a "b"' >/dev/null
    cli -n 3 LPUSH mon:list x >/dev/null
    wait "$watcher" 2>/dev/null
    grep -Eq '^[0-9]+\.[0-9]{6} \[0 127\.0\.0\.1:[0-9]+\] "SET" "mon:key" "a \\"b\\""$' "$out" \
        || fail "no SET line in MONITOR output: $(head -c 400 "$out")" || return 1
    grep -Eq '^[0-9]+\.[0-9]{6} \[3 127\.0\.0\.1:[0-9]+\] "LPUSH" "mon:list" "x"$' "$out" \
        || fail "no LPUSH line in db 3 in MONITOR output: $(head -c 400 "$out")" || return 1
    cli DEL mon:key >/dev/null
    cli -n 3 DEL mon:list >/dev/null
}

# The README's redis-py example (Examples/redis-py/session.py), run as
# printed but against this run's port.
test_readme_redis_py() {
    local script="$WORK/readme-session.py" out
    sed "s/port=6379/port=$PORT/" "$ROOT/Examples/redis-py/session.py" >"$script"
    grep -q "port=$PORT" "$script" || { echo "the example names no port=6379 to replace"; return 1; }
    out="$(timeout 60 "$PYTHON" -W ignore "$script" 2>&1)" || { echo "$out"; return 1; }
    expect_eq "printed session" "{'user': 'ada', 'cart': '3'}" "$out" || return 1
    expect_eq "TTL" 1800 "$(cli TTL session:42)" || return 1
    cli DEL session:42 >/dev/null
}

# --- redis-benchmark --------------------------------------------------------------

# bench_run LABEL ARGS...: runs redis-benchmark and checks every test reported a rate.
bench_run() {
    local label="$1"; shift
    local out
    out="$(timeout 120 redis-benchmark -h "$HOST" -p "$PORT" -t set,get,incr,mset -n 20000 -q "$@" 2>&1)"
    local status=$?
    # -q writes progress with carriage returns; keep the final text of each line.
    out="$(tr '\r' '\n' <<<"$out" | grep -v '^ *$')"
    echo "== $label"; echo "$out"
    [ "$status" -eq 0 ] || fail "$label: redis-benchmark exited with status $status" || return 1
    # "WARNING: Could not fetch server CONFIG" means CONFIG GET save/appendonly failed.
    if grep -qiE 'error|unexpected|invalid|warning' <<<"$out"; then
        fail "$label: $(grep -iE 'error|unexpected|invalid|warning' <<<"$out" | head -n 1)"; return 1
    fi
    local t
    for t in SET GET INCR 'MSET \(10 keys\)'; do
        grep -qE "^$t: [0-9.]+ requests per second" <<<"$out" ||
            fail "$label: no '$t: N requests per second' line" || return 1
    done
}

test_benchmark() {
    cli DEL counter:__rand_int__ >/dev/null
    bench_run "benchmark" || return 1
    bench_run "benchmark -P 16" -P 16 || return 1
    # Without -r every INCR hits the same key: 2 runs x 20000 increments, none lost.
    expect_eq "INCR total after both runs" 40000 "$(cli GET counter:__rand_int__)" || return 1
    expect_eq "SET value" 3 "$(cli STRLEN key:__rand_int__)" || return 1
    cli DEL counter:__rand_int__ key:__rand_int__ mylist >/dev/null
}

# --- crash durability ---------------------------------------------------------------

test_crash_durability() {
    local acked="$WORK/acked.json"
    cli DEL crash:counter >/dev/null
    local pid="$SERVER_PID"
    INTEROP_HOST="$HOST" INTEROP_PORT="$PORT" timeout 60 "$PYTHON" "$HERE/crash.py" \
        write --pid "$pid" --writers 4 --kill-after 1.5 --out "$acked" ||
        { fail "the writers failed (see log)"; return 1; }
    # The writers sent SIGKILL; reap the server and start it again on the same data dir.
    wait "$pid" 2>/dev/null
    SERVER_PID=""
    start_server || { fail "the server did not restart after kill -9"; return 1; }
    INTEROP_HOST="$HOST" INTEROP_PORT="$PORT" timeout 30 "$PYTHON" "$HERE/crash.py" \
        check --in "$acked" >"$WORK/crash-check.txt" 2>&1
    local status=$?
    cat "$WORK/crash-check.txt"
    [ "$status" -eq 0 ] || { fail "$(tail -n 1 "$WORK/crash-check.txt")"; return 1; }
}

# kill -9 while snapshots run: BGSAVE over a loaded database, BGREWRITEAOF
# again and again while writers run, then SIGKILL; after the restart every
# acknowledged write and every loaded key is there (recovery loads the last
# published snapshot and replays the log after it).
test_snapshot_crash() {
    local proto="$WORK/snap.resp" acked="$WORK/snap-acked.json" out
    "$PYTHON" - "$proto" <<'EOF2' || { fail "could not generate the RESP file"; return 1; }
import sys
with open(sys.argv[1], "wb") as f:
    parts = []
    for i in range(50000):
        k = b"snap:%d" % i
        v = b"v" * (i % 200)
        parts.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
    f.write(b"".join(parts))
EOF2
    cli FLUSHALL >/dev/null  # crash.py's keys start afresh
    out="$(timeout 120 redis-cli -h "$HOST" -p "$PORT" -n 8 --pipe <"$proto" 2>&1)"
    grep -q "errors: 0, replies: 50000" <<<"$out" || fail "--pipe: $(tail -n 1 <<<"$out")" || return 1
    expect_eq "BGSAVE" "Background saving started" "$(cli BGSAVE)" || return 1
    local pid="$SERVER_PID"
    ( for _ in $(seq 1 40); do cli BGREWRITEAOF >/dev/null 2>&1; sleep 0.05; done ) &
    local rewriter=$!
    INTEROP_HOST="$HOST" INTEROP_PORT="$PORT" timeout 60 "$PYTHON" "$HERE/crash.py" \
        write --pid "$pid" --writers 4 --kill-after 1.5 --out "$acked" ||
        { kill "$rewriter" 2>/dev/null; fail "the writers failed (see log)"; return 1; }
    kill "$rewriter" 2>/dev/null; wait "$rewriter" 2>/dev/null
    wait "$pid" 2>/dev/null
    SERVER_PID=""
    start_server || { fail "the server did not restart after kill -9 during rewrites"; return 1; }
    ls -l "$DATA"
    INTEROP_HOST="$HOST" INTEROP_PORT="$PORT" timeout 30 "$PYTHON" "$HERE/crash.py" \
        check --in "$acked" >"$WORK/snap-check.txt" 2>&1
    local status=$?
    cat "$WORK/snap-check.txt"
    [ "$status" -eq 0 ] || { fail "$(tail -n 1 "$WORK/snap-check.txt")"; return 1; }
    expect_eq "DBSIZE of the loaded database" 50000 "$(cli -n 8 DBSIZE)" || return 1
    expect_eq "GET the last loaded key" "$(printf 'v%.0s' $(seq 1 199))" "$(cli -n 8 GET snap:49999)" || return 1
    cli -n 8 FLUSHDB >/dev/null
}

# The README's CI recipe: cairn-dump verify on a live server's directory
# (no LOCK needed), then after kill -9 mid-benchmark (0 clean or 1 torn tail:
# what opening handles by itself), the server reopens it; a copy with a byte
# of its snapshot flipped is corrupt (2) and a missing directory a usage
# error (3). Skipped against redis-server.
test_dump_verify_after_crash() {
    [ "$TARGET" = cairn ] || return 0
    local dump="${CAIRN_DUMP:-$(dirname "$CAIRN_SERVER")/cairn-dump}" status
    [ -x "$dump" ] || { fail "no cairn-dump at $dump"; return 1; }
    expect_eq "SAVE" OK "$(cli SAVE)" || return 1
    "$dump" verify "$DATA" >"$WORK/verify-live.txt" 2>&1; status=$?
    [ "$status" -eq 0 ] || { fail "verify of the live directory exited $status: $(tail -n 2 "$WORK/verify-live.txt")"; return 1; }
    local pid="$SERVER_PID"
    timeout 60 redis-benchmark -h "$HOST" -p "$PORT" -t set,lpush,hset -n 1000000 -r 10000 -c 20 -q >/dev/null 2>&1 &
    local bench=$!
    sleep 1.5
    kill -KILL "$pid"; wait "$pid" 2>/dev/null; SERVER_PID=""
    kill "$bench" 2>/dev/null; wait "$bench" 2>/dev/null
    "$dump" verify --json "$DATA" >"$WORK/verify.json" 2>&1; status=$?
    case $status in
        0|1) echo "verify after kill -9: exit $status: $(head -c 300 "$WORK/verify.json")" ;;
        *) fail "verify after kill -9 exited $status: $(head -c 500 "$WORK/verify.json")"; return 1 ;;
    esac
    "$dump" info "$DATA" >"$WORK/info.txt" 2>&1 || { fail "info exited $?: $(tail -n 2 "$WORK/info.txt")"; return 1; }
    local snap copy="$WORK/damaged"
    snap="$(cd "$DATA" && ls -- *.snap | head -n 1)"
    [ -n "$snap" ] || { fail "no snapshot after SAVE: $(ls "$DATA")"; return 1; }
    rm -rf "$copy"; cp -r "$DATA" "$copy"
    "$PYTHON" - "$copy/$snap" <<'EOF2' || { fail "could not damage the copy"; return 1; }
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
data[len(data) // 2] ^= 0x01
open(path, "wb").write(bytes(data))
EOF2
    "$dump" verify "$copy" >"$WORK/verify-damaged.txt" 2>&1; status=$?
    expect_eq "verify exit for a flipped snapshot byte" 2 "$status" || return 1
    grep -q "^corrupt .*$snap" "$WORK/verify-damaged.txt" ||
        { fail "the finding does not name $snap: $(cat "$WORK/verify-damaged.txt")"; return 1; }
    "$dump" verify "$WORK/no-such-directory" >/dev/null 2>&1; status=$?
    expect_eq "verify exit for a missing directory" 3 "$status" || return 1
    start_server || { fail "the server did not reopen what verify called recoverable"; return 1; }
    "$dump" verify "$DATA" >"$WORK/verify-reopened.txt" 2>&1; status=$?
    expect_eq "verify exit after the reopen" 0 "$status" || return 1
}

# --- main ------------------------------------------------------------------------------

if [ "$TARGET" = cairn ] && [ ! -x "$CAIRN_SERVER" ]; then
    echo "interop: no cairn-server at $CAIRN_SERVER (build it: swift build --product cairn-server," >&2
    echo "         or set CAIRN_SERVER; INTEROP_TARGET=redis runs the suite against redis-server)" >&2
    exit 2
fi
for tool in redis-cli redis-benchmark "$PYTHON"; do
    command -v "$tool" >/dev/null || { echo "interop: $tool is missing: run scripts/install-interop-deps.sh" >&2; exit 2; }
done
"$PYTHON" -c 'import redis' 2>/dev/null ||
    { echo "interop: the Python redis package is missing: run scripts/install-interop-deps.sh" >&2; exit 2; }

PORT="$(pick_port)" || { echo "interop: no free port in $PORTS" >&2; exit 2; }
echo "interop: target=$TARGET port=$PORT dir=$DATA"
start_server || { echo "FAIL server-start: the server did not come up"; echo "interop: 0 passed, 1 failed"; exit 1; }

run_test cli_basic
run_test cli_raw
run_test cli_resp3
run_test cli_pipe
run_test cli_monitor
run_test readme_redis_py
run_python redis_py test_redis_py.py
run_test benchmark
run_test crash_durability
run_test snapshot_crash
run_test dump_verify_after_crash

echo "interop: $PASSED passed, $FAILED failed ($((SECONDS - START_TIME)) s, target=$TARGET)"
if [ "$FAILED" -gt 0 ]; then
    echo "interop: failed: ${FAILED_NAMES[*]}"
    exit 1
fi
[ "$PASSED" -gt 0 ] || { echo "interop: no test ran"; exit 1; }
exit 0
