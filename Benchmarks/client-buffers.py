"""What a server holds for clients that misbehave (issue 12 items 1 and 5);
run by connections.sh against a server on PORT with process id PID.

1. Output buffer limit: client-output-buffer-limit "normal 8mb 4mb 5", one
   client pipelines 400 GETs of a 1 MB value and never reads. Prints the
   RSS growth over the next 3 s (Redis closes it at ~8 MB).
2. Closes: ROUNDS rounds of 10 clients that close holding a partial 40 MB
   bulk (20 MB sent), 20 unread 1 MB replies, or a subscription with 5 MB
   of queued messages. Prints RSS before and after 10 s idle.

Usage: python3 Benchmarks/client-buffers.py PORT PID [ROUNDS]   (default 4)
"""
import socket
import sys
import time

port, pid = int(sys.argv[1]), int(sys.argv[2])
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 4


def rss_mb():
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024


def encode(*arguments):
    return ("*%d\r\n" % len(arguments)
            + "".join("$%d\r\n%s\r\n" % (len(a), a) for a in arguments)).encode()


admin = socket.create_connection(("127.0.0.1", port))
replies = admin.makefile("rb")


def request(*arguments):
    admin.sendall(encode(*arguments))
    return replies.readline()


request("SET", "big", "v" * (1 << 20))

before = rss_mb()
request("CONFIG", "SET", "client-output-buffer-limit", "normal 8mb 4mb 5")
greedy = socket.create_connection(("127.0.0.1", port))
greedy.sendall(encode("GET", "big") * 400)
peak = before
for _ in range(30):
    time.sleep(0.1)
    peak = max(peak, rss_mb())
print("  400 pipelined 1 MB GETs, normal 8mb: RSS %d MB before, peak %d MB in 3 s (+%d MB)"
      % (before, peak, peak - before))
greedy.close()
request("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0")
time.sleep(1)

before = rss_mb()
for _ in range(rounds):
    clients = []
    for i in range(10):
        client = socket.create_connection(("127.0.0.1", port))
        if i % 3 == 0:
            client.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$40000000\r\n" + b"x" * (20 << 20))
        elif i % 3 == 1:
            client.sendall(encode("GET", "big") * 20)
        else:
            client.sendall(encode("SUBSCRIBE", "news"))
        clients.append(client)
    time.sleep(0.5)
    for _ in range(20):
        request("PUBLISH", "news", "m" * (256 << 10))
    time.sleep(0.5)
    for client in clients:
        client.close()
time.sleep(10)
print("  %d rounds of 10 clients closing with buffers: RSS %d MB before, %d MB after 10 s idle"
      % (rounds, before, rss_mb()))
