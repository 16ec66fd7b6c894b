#!/usr/bin/env python3
"""Slow and odd clients against a zoneplan server on 127.0.0.1:PORT (bounded, loopback only).
Prints one JSON object: how long the server took to close each kind of connection."""
import json, socket, sys, time

port = int(sys.argv[1])
out = {}

def closed_after(sock, limit):
    """Seconds until the server closes the connection (reads until EOF), or None past `limit`."""
    sock.settimeout(0.5)
    t = time.time()
    while time.time() - t < limit:
        try:
            d = sock.recv(65536)
            if not d:
                return round(time.time() - t, 2)
        except socket.timeout:
            pass
        except ConnectionResetError:
            return round(time.time() - t, 2)
    return None

# HTTP/1.0 without keep-alive: the answer, then the connection ends.
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET /health HTTP/1.0\r\nHost: x\r\n\r\n")
out["http10_closed_after"] = closed_after(s, 8)

# Headers trickled and never finished.
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
out["trickled_head_closed_after"] = closed_after(s, 8)

# A body announced and never sent.
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"POST /vet HTTP/1.1\r\nHost: x\r\nContent-Type: application/geo+json\r\nContent-Length: 100000\r\n\r\n{\"type\":")
out["slow_body_closed_after"] = closed_after(s, 8)

# More idle connections than the cap: a request on a further one is still answered once the
# deadline has closed the idle ones.
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(int(sys.argv[2]) + 2)]
t = time.time()
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(10)
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
try:
    data = s.recv(4096)
    out["answered_past_cap_after"] = round(time.time() - t, 2) if data.startswith(b"HTTP/1.1 200") else None
except socket.timeout:
    out["answered_past_cap_after"] = None
for c in idle:
    c.close()
# And the server still answers a plain request.
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(10)
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
out["final_health_ok"] = s.recv(4096).startswith(b"HTTP/1.1 200")
print(json.dumps(out))
