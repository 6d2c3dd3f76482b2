#!/usr/bin/env bash
# Memory per connection: RSS (VmRSS) of a release cairn-server and of
# redis-server 7 before and after CYCLES connect/PING/close cycles over raw
# sockets (one connection at a time), and again after 2 s idle. A server
# that frees its connections stays flat. Then client-buffers.py: the output
# buffer limit against a pipeline that never reads, and clients that close
# holding big buffers (issue 12 items 1 and 5).
# Usage: Benchmarks/connections.sh [CYCLES]   (default 20000)
#   CAIRN_SERVER=path/to/cairn-server  measures another build (default: builds
#   and uses .build/release/cairn-server)
set -euo pipefail
cd "$(dirname "$0")/.."
cycles=${1:-20000}
port=${BENCH_PORT:-16410}
command -v redis-server >/dev/null || { echo "needs redis-server (apt-get install redis-server)" >&2; exit 1; }
cairn=${CAIRN_SERVER:-}
if [ -z "$cairn" ]; then
    swift build -c release --product cairn-server >/dev/null
    cairn=.build/release/cairn-server
fi

# shellcheck source=server-lib.sh
. Benchmarks/server-lib.sh  # (the working directory is the repository root)

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status"; }

cycle() {  # cycle COUNT: connect, PING, read +PONG, close, COUNT times
    python3 - "$port" "$1" <<'PY'
import socket, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
for _ in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"*1\r\n$4\r\nPING\r\n")
    reply = b""
    while not reply.endswith(b"\r\n"):
        chunk = s.recv(64)
        if not chunk:
            sys.exit("connection closed before +PONG")
        reply += chunk
    assert reply == b"+PONG\r\n", reply
    s.close()
PY
}

for server in cairn redis; do
    work=$(mktemp -d)
    if [ "$server" = cairn ]; then
        "$cairn" --port "$port" --dir "$work" --save '' >"$work/log" 2>&1 &
    else
        redis-server --port "$port" --dir "$work" --save '' --appendonly no --daemonize no >"$work/log" 2>&1 &
    fi
    server_pid=$!
    for _ in $(seq 100); do cycle 1 2>/dev/null && break; sleep 0.1; done
    cycle 100  # warm up: allocator arenas, NIO's buffers
    before=$(rss_kb)
    cycle "$cycles"
    after=$(rss_kb)
    sleep 2
    idle=$(rss_kb)
    printf '%-6s %6d cycles: VmRSS %7d kB before, %7d kB after, %7d kB after 2 s idle (%+d bytes/connection)\n' \
        "$server" "$cycles" "$before" "$after" "$idle" $(( (idle - before) * 1024 / cycles ))
    python3 Benchmarks/client-buffers.py "$port" "$server_pid"
    stop_server
done
