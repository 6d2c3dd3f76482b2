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
#   REDIS_SERVER     redis-server binary (default: redis-server on PATH; the
#                    dump_export_* tests load exports into it whatever the target)
#   CAIRN_DUMP       cairn-dump binary (default: next to cairn-server)
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
CAIRN_DUMP="${CAIRN_DUMP:-$(dirname "$CAIRN_SERVER")/cairn-dump}"
PORTS="${INTEROP_PORTS:-7440-7460}"
HOST=127.0.0.1
PYTHON="${PYTHON:-python3}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cairn-interop.XXXXXX")"
DATA="$WORK/data"
mkdir -p "$DATA"
SERVER_PID=""
AUX_PIDS=()  # helper servers some tests start beside the one under test
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
    local aux
    for aux in "${AUX_PIDS[@]}"; do stop_aux "$aux"; done
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

# The first port of $PORTS nothing is bound to; one interpreter for the
# whole range (starting Python costs more than the probes).
pick_port() {
    "$PYTHON" - "${PORTS%-*}" "${PORTS#*-}" <<'EOF2'
import socket, sys
for port in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    s = socket.socket()
    # Like the servers do, so a port whose last connections sit in TIME_WAIT counts as free.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    sys.exit(0)
sys.exit(1)
EOF2
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

# --- helper servers ----------------------------------------------------------------
# Tests of cairn-dump start servers of their own beside the one under test:
# each on its own data directory and on the next free port of $PORTS, with
# DEBUG enabled (DEBUG DIGEST; Redis 7 refuses DEBUG by default).

# start_aux NAME KIND DIR [PORT]: starts cairn-server (KIND cairn) or
# redis-server (KIND redis, no persistence; redis-aof: appendonly.aof in DIR)
# on DIR and PORT (default: pick_port's) and waits until PING answers; sets
# AUX_PID and AUX_PORT. Its output goes to $WORK/NAME.server.log.
start_aux() {
    local name="$1" kind="$2" dir="$3" log="$WORK/$1.server.log"
    mkdir -p "$dir"
    if [ -n "${4:-}" ]; then
        AUX_PORT="$4"
    else
        AUX_PORT="$(pick_port)" || { echo "no free port in $PORTS for $name"; return 1; }
    fi
    local cmd
    case "$kind" in
        # shellcheck disable=SC2206
        cairn) cmd=("$CAIRN_SERVER" --port "$AUX_PORT" --dir "$dir" --appendfsync always
                    --enable-debug-command yes ${CAIRN_SERVER_ARGS:-}) ;;
        redis) cmd=("$REDIS_SERVER" --port "$AUX_PORT" --bind "$HOST" --dir "$dir" --save ''
                    --appendonly no --daemonize no --enable-debug-command yes) ;;
        redis-aof) cmd=("$REDIS_SERVER" --port "$AUX_PORT" --bind "$HOST" --dir "$dir" --save ''
                        --appendonly yes --appendfilename appendonly.aof --daemonize no
                        --enable-debug-command yes) ;;
    esac
    echo "starting $name: ${cmd[*]}"
    "${cmd[@]}" >>"$log" 2>&1 &
    AUX_PID=$!
    AUX_PIDS+=("$AUX_PID")
    local _
    for _ in $(seq 1 300); do
        if ! kill -0 "$AUX_PID" 2>/dev/null; then
            echo "$name exited while starting; its log:"; tail -n 20 "$log"
            return 1
        fi
        [ "$(timeout 2 redis-cli -h "$HOST" -p "$AUX_PORT" PING 2>/dev/null)" = PONG ] && return 0
        sleep 0.05
    done
    echo "$name did not answer PING within 15 s; its log:"; tail -n 20 "$log"
    return 1
}

# stop_aux PID: SIGTERM (a clean shutdown for both servers), SIGKILL after 10 s.
stop_aux() {
    local pid="$1" i rest=()
    for i in "${AUX_PIDS[@]}"; do [ "$i" = "$pid" ] || rest+=("$i"); done
    AUX_PIDS=("${rest[@]}")
    kill -TERM "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
    for _ in $(seq 1 200); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
        sleep 0.05
    done
    echo "pid $pid did not stop within 10 s of SIGTERM: SIGKILL"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

# acli PORT ARGS...: redis-cli against a helper server.
acli() { local port="$1"; shift; timeout 10 redis-cli -h "$HOST" -p "$port" "$@"; }

# pipe_into PORT FILE: sends a file of RESP commands with redis-cli --pipe; fails unless no reply was an error.
pipe_into() {
    local out
    out="$(timeout 60 redis-cli -h "$HOST" -p "$1" --pipe <"$2" 2>&1)"
    echo "$out"
    grep -q "errors: 0, replies: [1-9]" <<<"$out" ||
        fail "redis-cli --pipe of $(basename "$2") into port $1: $(tail -n 1 <<<"$out")"
}

# files_digest DIR: sha256 of every file in DIR, one line each, to show a directory was not written.
files_digest() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

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
    # Helper servers a failing test left running.
    local aux
    for aux in "${AUX_PIDS[@]}"; do stop_aux "$aux"; done
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

# --- cairn-dump export and restore ------------------------------------------------------

need_dump() {
    [ -x "$CAIRN_DUMP" ] ||
        fail "no cairn-dump at $CAIRN_DUMP (swift build --product cairn-dump, or set CAIRN_DUMP)"
}

need_redis_server() {
    command -v "$REDIS_SERVER" >/dev/null ||
        fail "no redis-server ($REDIS_SERVER) to load the export into: run scripts/install-interop-deps.sh"
}

# compare_pictures DIR A B WHAT: dataset.py compare of two keyspace pictures in DIR.
compare_pictures() {
    local out status
    out="$(cd "$1" && "$PYTHON" "$HERE/dataset.py" compare "$2" "$3" 2>&1)"; status=$?
    echo "$out"
    [ "$status" -eq 0 ] || fail "$4: $(head -n 1 <<<"$out") [$(tail -n 1 <<<"$out")]"
}

# cairn-dump export into real redis-server 7 processes (dump_export_resp and
# dump_export_aof share this fixture, built once). One dataset of every type
# (dataset.py: binary keys and values, integer and large sets, fractional and
# infinite scores, TTLs set every way, databases 0, 3 and 15) goes through
# redis-cli --pipe into a cairn-server and into a reference redis-server; each
# one's keyspace is read key by key by redis-py (type, value, scores as the
# server prints them, expiry time, DEBUG DIGEST-VALUE) and the two must
# agree, DEBUG DIGEST-VALUE of every key included; the cairn-server's DEBUG
# DIGEST must equal the reference's (Cairn computes Redis's SHA-1 digest,
# docs/ARCHITECTURE.md "Digest"); the cairn-server stops (SHUTDOWN) and
# cairn-dump digest of its directory must equal that same digest.
EXPORT_DIR="$WORK/export"
EXPORT_SRC="$EXPORT_DIR/cairn-data"
EXPORT_READY=0
# need_digest_values PICTURE: every key of a dataset.py picture has its DEBUG DIGEST-VALUE.
need_digest_values() {
    local missing
    missing="$("$PYTHON" -c '
import json, sys
p = json.load(open(sys.argv[1]))
print(sum(1 for e in p.values() if "digest_value" not in e) if p else "all (no keys)")' "$1")"
    [ "$missing" = 0 ] || fail "$(basename "$1"): $missing keys without DEBUG DIGEST-VALUE"
}
export_fixture() {
    [ "$EXPORT_READY" = 1 ] && return 0
    local dir="$EXPORT_DIR" src="$EXPORT_SRC" ds="$HERE/dataset.py"
    rm -rf "$dir"; mkdir -p "$dir"
    "$PYTHON" "$ds" load "$dir/load.resp" || { fail "dataset.py load failed"; return 1; }
    start_aux export-cairn cairn "$src" || { fail "the cairn-server to export did not start"; return 1; }
    local cairn_pid=$AUX_PID cairn_port=$AUX_PORT
    pipe_into "$cairn_port" "$dir/load.resp" || return 1
    start_aux export-reference redis "$dir/reference" || { fail "the reference redis-server did not start"; return 1; }
    local ref_pid=$AUX_PID ref_port=$AUX_PORT
    pipe_into "$ref_port" "$dir/load.resp" || return 1
    EXPORT_CAIRN_DIGEST="$(acli "$cairn_port" DEBUG DIGEST)"
    EXPORT_REDIS_DIGEST="$(acli "$ref_port" DEBUG DIGEST)"
    echo "DEBUG DIGEST: cairn-server $EXPORT_CAIRN_DIGEST, reference redis-server $EXPORT_REDIS_DIGEST"
    [[ "$EXPORT_REDIS_DIGEST" =~ ^[0-9a-f]{40}$ ]] && [ "$EXPORT_REDIS_DIGEST" != "$(printf '0%.0s' {1..40})" ] ||
        { fail "the reference's DEBUG DIGEST: $EXPORT_REDIS_DIGEST"; return 1; }
    "$PYTHON" "$ds" picture "$cairn_port" "$dir/cairn.json" || { fail "could not read the cairn-server's keys"; return 1; }
    "$PYTHON" "$ds" picture "$ref_port" "$dir/reference.json" || { fail "could not read the reference's keys"; return 1; }
    stop_aux "$ref_pid"
    acli "$cairn_port" SHUTDOWN >/dev/null 2>&1
    stop_aux "$cairn_pid"
    expect_eq "DEBUG DIGEST of the cairn-server vs the reference redis-server after the same commands" \
        "$EXPORT_REDIS_DIGEST" "$EXPORT_CAIRN_DIGEST" || return 1
    # compare_pictures checks DEBUG DIGEST-VALUE only where both pictures have it: both must.
    need_digest_values "$dir/cairn.json" || return 1
    need_digest_values "$dir/reference.json" || return 1
    # The same commands must have built the same keyspace in both, or the rest compares nothing.
    compare_pictures "$dir" cairn.json reference.json \
        "cairn-server and redis-server disagree after the same commands" || return 1
    EXPORT_FILES="$(files_digest "$src")"
    local digest
    digest="$("$CAIRN_DUMP" digest "$src")" || { fail "cairn-dump digest exited $?"; return 1; }
    expect_eq "cairn-dump digest vs the server's DEBUG DIGEST" "$EXPORT_CAIRN_DIGEST" "$digest" || return 1
    EXPORT_DUMP_DIGEST="$digest"
    EXPORT_READY=1
}

# The redis-server (pid, port) loaded with an export (label): its DEBUG DIGEST
# is the reference's and cairn-dump digest's of the exported directory; its
# keys (pictured in NAME.json) carry their DEBUG DIGEST-VALUE and match the
# cairn-server's and the reference's. Stops it.
check_redis_loaded() {
    local pid="$1" port="$2" label="$3" name="$4" dir="$EXPORT_DIR" loaded
    loaded="$(acli "$port" DEBUG DIGEST)"
    expect_eq "DEBUG DIGEST of redis-server loaded with $label, vs the reference" \
        "$EXPORT_REDIS_DIGEST" "$loaded" || return 1
    expect_eq "DEBUG DIGEST of redis-server loaded with $label, vs cairn-dump digest of the directory" \
        "$EXPORT_DUMP_DIGEST" "$loaded" || return 1
    "$PYTHON" "$HERE/dataset.py" picture "$port" "$dir/$name.json" || { fail "could not read redis-server's keys"; return 1; }
    need_digest_values "$dir/$name.json" || return 1
    stop_aux "$pid"
    compare_pictures "$dir" cairn.json "$name.json" "$label in redis-server vs the cairn-server" || return 1
    compare_pictures "$dir" reference.json "$name.json" "$label in redis-server vs the reference" || return 1
}

# export --format resp: the same bytes with -o FILE as on standard output; the
# json export has one line per key. The RESP piped (redis-cli --pipe) into a
# fresh redis-server gives the reference's DEBUG DIGEST, which is cairn-dump
# digest of the exported directory, and, key by key, the reference's and the
# cairn-server's DEBUG DIGEST-VALUE and keyspace; piped into a fresh
# cairn-server it gives the original's DEBUG DIGEST. The exported directory's
# files are byte for byte unchanged.
test_dump_export_resp() {
    [ "$TARGET" = cairn ] || return 0
    need_dump || return 1
    need_redis_server || return 1
    export_fixture || return 1
    local dir="$EXPORT_DIR" src="$EXPORT_SRC" ds="$HERE/dataset.py"
    "$CAIRN_DUMP" export "$src" --format resp -o "$dir/export.resp" ||
        { fail "export --format resp -o exited $?"; return 1; }
    "$CAIRN_DUMP" export "$src" --format resp >"$dir/export-stdout.resp" ||
        { fail "export --format resp exited $?"; return 1; }
    cmp -s "$dir/export.resp" "$dir/export-stdout.resp" ||
        { fail "export --format resp: -o FILE and standard output differ"; return 1; }
    "$CAIRN_DUMP" export "$src" --format json -o "$dir/export.json" ||
        { fail "export --format json exited $?"; return 1; }
    expect_eq "lines of the json export (one per key)" "$("$PYTHON" "$ds" count "$dir/cairn.json")" \
        "$(wc -l <"$dir/export.json" | tr -d ' ')" || return 1

    start_aux export-redis-resp redis "$dir/redis-resp" || { fail "redis-server did not start"; return 1; }
    local pid=$AUX_PID port=$AUX_PORT
    pipe_into "$port" "$dir/export.resp" || return 1
    check_redis_loaded "$pid" "$port" "the RESP export" redis-resp || return 1

    start_aux export-cairn-resp cairn "$dir/cairn-resp" || { fail "the second cairn-server did not start"; return 1; }
    pid=$AUX_PID port=$AUX_PORT
    pipe_into "$port" "$dir/export.resp" || return 1
    expect_eq "DEBUG DIGEST of a fresh cairn-server loaded with the RESP export" \
        "$EXPORT_CAIRN_DIGEST" "$(acli "$port" DEBUG DIGEST)" || return 1
    stop_aux "$pid"
    expect_eq "sha256 of the exported directory's files, before and after" "$EXPORT_FILES" "$(files_digest "$src")" || return 1
}

# export --format aof -o DIR/appendonly.aof, the only file of a fresh
# redis-server's --dir, started with --appendonly yes --appendfilename
# appendonly.aof: Redis 7 adopts it as the base of a new multi-part AOF
# (loadAppendOnlyFiles -> aofUpgradePrepare: "Successfully migrated an
# old-style AOF file", then "DB loaded from base file appendonly.aof") and
# then answers the reference's DEBUG DIGEST, which is cairn-dump digest of the
# exported directory, and, key by key, the reference's and the cairn-server's
# DEBUG DIGEST-VALUE and keyspace. The exported directory's files are byte for
# byte unchanged.
test_dump_export_aof() {
    [ "$TARGET" = cairn ] || return 0
    need_dump || return 1
    need_redis_server || return 1
    export_fixture || return 1
    local dir="$EXPORT_DIR" src="$EXPORT_SRC" log="$WORK/export-redis-aof.server.log"
    rm -rf "$dir/aof"; mkdir -p "$dir/aof"
    "$CAIRN_DUMP" export "$src" --format aof -o "$dir/aof/appendonly.aof" ||
        { fail "export --format aof exited $?"; return 1; }
    start_aux export-redis-aof redis-aof "$dir/aof" || { fail "redis-server did not start on the AOF export"; return 1; }
    local pid=$AUX_PID port=$AUX_PORT
    grep -q "Successfully migrated an old-style AOF file (appendonly.aof)" "$log" ||
        { fail "redis-server did not adopt appendonly.aof: $(grep -iE 'aof|append' "$log" | tail -n 3)"; return 1; }
    grep -q "DB loaded from base file appendonly.aof" "$log" ||
        { fail "redis-server did not load appendonly.aof as its base: $(tail -n 3 "$log")"; return 1; }
    check_redis_loaded "$pid" "$port" "the AOF export" redis-aof || return 1
    expect_eq "sha256 of the exported directory's files, before and after" "$EXPORT_FILES" "$(files_digest "$src")" || return 1
}

# cairn-dump restore through real cairn-server processes. 30 writes, each one
# log record (a MULTI/EXEC of three commands among them, two in db 3, TTLs
# set and removed), go to a cairn-server one client command at a time, its
# DEBUG DIGEST read after each; the server stops. cairn-dump log --json of the
# segments lists one record per write with as many effects as its commands:
# that maps write n to its sequence number. For sequence 0 and the first, the
# transaction's, a middle and the last write: restore --until-seq into a new
# directory; cairn-dump digest of it and a cairn-server on it answer the
# digest recorded after that write; a write there gets the next sequence
# number and is there after a restart. Restoring into a non-empty directory
# is refused (exit 3) and leaves it alone; the source directory's files are
# byte for byte unchanged.
test_dump_restore_until_seq() {
    [ "$TARGET" = cairn ] || return 0
    need_dump || return 1
    local dir="$WORK/restore"
    local src="$dir/source"
    rm -rf "$dir"; mkdir -p "$dir"
    local steps=(
        'SET k1 v1' 'SET k2 v2' 'INCR counter' 'INCR counter' 'HSET h f1 a f2 b'
        'SADD s 1 2 3' 'RPUSH l a b c' 'INCRBY counter 10' 'HSET h f3 c' 'DEL k1'
        'SET k3 "with space"' 'APPEND k2 -more' 'ZADD z 1.5 a 2.5 b' 'LPUSH l z' 'HDEL h f1'
        'SREM s 2' 'EXPIRE k3 100000' 'SET k4 v4 PX 9000000' $'SELECT 3\nSET k1 "db three"'
        $'SELECT 3\nINCR counter' $'MULTI\nSET t1 x\nINCR counter\nHSET h t y\nEXEC'
        'DEL k2' 'ZINCRBY z 0.25 a' 'RENAME k4 k5' 'SETRANGE k3 0 W'
        'LPOP l' 'PERSIST k3' 'HINCRBY h n 5' 'DEL counter' 'SET last done'
    )
    local total=${#steps[@]} tx=0 n out
    start_aux restore-source cairn "$src" || { fail "the source cairn-server did not start"; return 1; }
    local pid=$AUX_PID port=$AUX_PORT
    local digests=("$(acli "$port" DEBUG DIGEST)")  # [n]: after write n; [0]: empty
    for n in $(seq 1 "$total"); do
        # redis-cli reads the step's commands from standard input on one connection (SELECT, MULTI hold).
        out="$(printf '%s\n' "${steps[n-1]}" | acli "$port")"
        echo "write $n: ${steps[n-1]//$'\n'/; } -> ${out//$'\n'/ }"
        if grep -qE '^(ERR|WRONGTYPE|EXECABORT)' <<<"$out"; then fail "write $n (${steps[n-1]}): $out"; return 1; fi
        digests+=("$(acli "$port" DEBUG DIGEST)")
        [ "${digests[n]}" != "${digests[n-1]}" ] || { fail "write $n did not change DEBUG DIGEST"; return 1; }
        [[ "${steps[n-1]}" == MULTI* ]] && tx=$n
    done
    stop_aux "$pid"

    # Sequence numbers: one record per write, in order, each with an effect per command.
    local f records=() expected
    for f in $(cd "$src" && ls -- *.wal | sort); do
        "$CAIRN_DUMP" log "$src/$f" --json >>"$dir/records.ndjson" || { fail "cairn-dump log $f exited $?"; return 1; }
    done
    mapfile -t records < <("$PYTHON" -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(r["seq"], len(r["effects"]))' "$dir/records.ndjson")
    expect_eq "records in the log (one per write)" "$total" "${#records[@]}" || return 1
    for n in $(seq 1 "$total"); do
        expected="$(grep -cvE '^(SELECT|MULTI|EXEC)( |$)' <<<"${steps[n-1]}")"
        expect_eq "effects of record ${records[n-1]% *} (write $n)" "$expected" "${records[n-1]#* }" || return 1
        if [ "$n" -gt 1 ] && [ "${records[n-1]% *}" -le "${records[n-2]% *}" ]; then
            fail "sequence numbers do not increase: ${records[n-2]% *} then ${records[n-1]% *}"; return 1
        fi
    done
    "$CAIRN_DUMP" info "$src" --json >"$dir/info.json" || { fail "cairn-dump info exited $?"; return 1; }
    expect_eq "info's last_sequence" "${records[total-1]% *}" \
        "$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["last_sequence"])' "$dir/info.json")" || return 1

    local before seq new d2
    before="$(files_digest "$src")"
    for n in 0 1 "$tx" $((total / 2)) "$total"; do
        seq=0; [ "$n" -gt 0 ] && seq="${records[n-1]% *}"
        new="$dir/at-$seq"
        "$CAIRN_DUMP" restore "$src" --until-seq "$seq" --out "$new" --json >"$dir/restore-$seq.json" ||
            { fail "restore --until-seq $seq exited $?: $(cat "$dir/restore-$seq.json")"; return 1; }
        expect_eq "restore --until-seq $seq: the sequence it reports" "\"sequence\":$seq" \
            "$(grep -o '"sequence":[0-9]*' "$dir/restore-$seq.json")" || return 1
        expect_eq "cairn-dump digest of the directory restored to record $seq (after write $n)" \
            "${digests[n]}" "$("$CAIRN_DUMP" digest "$new")" || return 1
        start_aux "restore-at-$seq" cairn "$new" || { fail "cairn-server did not open the directory restored to record $seq"; return 1; }
        pid=$AUX_PID port=$AUX_PORT
        expect_eq "DEBUG DIGEST of cairn-server on the directory restored to record $seq (after write $n)" \
            "${digests[n]}" "$(acli "$port" DEBUG DIGEST)" || return 1
        expect_eq "SET on the restored directory" OK "$(acli "$port" SET restored:at "$seq")" || return 1
        d2="$(acli "$port" DEBUG DIGEST)"
        stop_aux "$pid"
        "$CAIRN_DUMP" info "$new" >"$dir/info-$seq.txt" || { fail "cairn-dump info of at-$seq exited $?"; return 1; }
        expect_eq "cairn-dump info's last record after one write on the directory restored to record $seq" \
            "$((seq + 1))" "$(sed -n 's/^last record: //p' "$dir/info-$seq.txt")" || return 1
        # On the port it just gave up.
        start_aux "restore-at-$seq-reopened" cairn "$new" "$port" || { fail "cairn-server did not reopen at-$seq"; return 1; }
        pid=$AUX_PID port=$AUX_PORT
        expect_eq "the write after restore $seq, after a restart" "$seq" "$(acli "$port" GET restored:at)" || return 1
        expect_eq "DEBUG DIGEST after the restart (restore $seq)" "$d2" "$(acli "$port" DEBUG DIGEST)" || return 1
        stop_aux "$pid"
    done

    local taken status
    taken="$(files_digest "$dir/at-0")"
    "$CAIRN_DUMP" restore "$src" --out "$dir/at-0" >"$dir/restore-nonempty.txt" 2>&1; status=$?
    expect_eq "restore into a non-empty directory: exit status" 3 "$status" || return 1
    expect_eq "the non-empty directory, after the refused restore" "$taken" "$(files_digest "$dir/at-0")" || return 1
    expect_eq "sha256 of the source directory's files, before and after the restores" "$before" "$(files_digest "$src")" || return 1
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
run_test dump_export_resp
run_test dump_export_aof
run_test dump_restore_until_seq

echo "interop: $PASSED passed, $FAILED failed ($((SECONDS - START_TIME)) s, target=$TARGET)"
if [ "$FAILED" -gt 0 ]; then
    echo "interop: failed: ${FAILED_NAMES[*]}"
    exit 1
fi
[ "$PASSED" -gt 0 ] || { echo "interop: no test ran"; exit 1; }
exit 0
