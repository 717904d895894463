#!/usr/bin/env python3
"""Connection flood against a running identify-server: run by scripts/server.sh.

usage: server-flood.py PORT IDLE SLOW TIMEOUT

Opens IDLE connections that send nothing and SLOW connections that send half a request head
and then one more byte after each pair of requests (the head never ends), all on 127.0.0.1:PORT. While they are open, asks GET
/health and POST /identify ten times each on a fresh connection and requires every answer
within a second. Then waits up to TIMEOUT seconds (the server's idle and request timeouts plus
a margin) and requires the server to have closed every flood connection. Prints the figures
and exits 1 on the first check that fails.
"""
import resource
import socket
import sys
import time

port, idle_count, slow_count, timeout = (int(arg) for arg in sys.argv[1:5])

# The flood needs a descriptor per connection on this side too.
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
needed = idle_count + slow_count + 64
if soft < needed:
    if hard != resource.RLIM_INFINITY and hard < needed:
        sys.exit(f"FAIL: the client needs {needed} descriptors; its hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def connect():
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def connect_idle():
    """A connection for the flood: non-blocking, so that `closed_by_server` never waits."""
    sock = connect()
    sock.setblocking(False)
    return sock


def closed_by_server(sock):
    """Whether the server has closed the connection (end of file or reset), without blocking."""
    try:
        return sock.recv(4096, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True


def ask(request):
    """Sends one request on a fresh connection; returns (status line, seconds)."""
    start = time.monotonic()
    with connect() as sock:
        sock.settimeout(5)
        sock.sendall(request)
        received = b""
        while b"\r\n" not in received:
            chunk = sock.recv(4096)
            if not chunk:
                break
            received += chunk
    return received.split(b"\r\n", 1)[0].decode("latin-1"), time.monotonic() - start


HEALTH = b"GET /health HTTP/1.1\r\nHost: flood\r\nConnection: close\r\n\r\n"


def identify(n):
    body = b'{"email":"flood%d@example.com"}' % n
    return (b"POST /identify HTTP/1.1\r\nHost: flood\r\nContent-Type: application/json\r\n"
            b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)) + body


start = time.monotonic()
flood = []
refused = 0
for _ in range(idle_count):
    try:
        flood.append(connect_idle())
    except OSError:
        refused += 1
slow = []
for _ in range(slow_count):
    try:
        sock = connect_idle()
        sock.send(b"POST /identify HTTP/1.1\r\nHost: flood\r\nX-Slow: ")
        slow.append(sock)
    except OSError:
        refused += 1
opened = time.monotonic() - start
held = sum(not closed_by_server(sock) for sock in flood + slow)
print(f"opened {len(flood)} idle and {len(slow)} slow-header connections in {opened:.1f} s "
      f"({refused} refused); {held} still open (accepted, or waiting in the backlog)")

served = 0
slowest = 0.0
for n in range(10):
    for request in (HEALTH, identify(n)):
        status, seconds = ask(request)
        slowest = max(slowest, seconds)
        if status != "HTTP/1.1 200 OK":
            fail(f"a fresh connection during the flood got {status!r}")
        if seconds > 1:
            fail(f"a fresh connection during the flood waited {seconds:.2f} s")
        served += 1
    for sock in slow:
        try:
            sock.send(b"x")  # a byte a second: the head never ends
        except OSError:
            pass
    time.sleep(0.1)
print(f"served {served} requests on fresh connections during the flood, slowest {slowest * 1000:.0f} ms")

deadline = time.monotonic() + timeout
while True:
    still_open = [sock for sock in flood + slow if not closed_by_server(sock)]
    if not still_open:
        break
    if time.monotonic() > deadline:
        fail(f"{len(still_open)} flood connections still open {timeout} s after the flood")
    time.sleep(0.2)
print(f"the server closed every flood connection within {time.monotonic() - start:.1f} s of the flood's start")
for sock in flood + slow:
    sock.close()

status, seconds = ask(HEALTH)
if status != "HTTP/1.1 200 OK":
    fail(f"after the flood GET /health got {status!r}")
print("flood: all checks passed")
