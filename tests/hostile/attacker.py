#!/usr/bin/env python3
"""attacker.py - a hostile client for the hostile_* tests: from one loopback
address (standing for another machine) it opens connections that announce a
large body and send most of it, then many that send one header line every two
seconds and never finish their request head.  It runs until killed or until
every slow connection has been closed by the server, and writes what it saw
to the status file: held=<bodies that got no answer> refused=<bodies answered
at once> closed=<slow connections closed by the server> open=<still open>.
Usage: attacker.py SRC_ADDR HOST PORT N_SLOW N_BODIES STATUS_FILE"""
import socket
import sys
import time

src, host, port, n_slow, n_bodies, status = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
ANNOUNCED = 32 << 20
SENT = 31 << 20


def connect():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.connect((host, port))
    return s


held = refused = 0
bodies = []
chunk = b"x" * (1 << 20)
for _ in range(n_bodies):
    s = connect()
    s.settimeout(5)
    try:
        s.sendall(("POST /api/v1/changesets HTTP/1.1\r\nHost: %s:%d\r\n"
                   "Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n"
                   % (host, port, ANNOUNCED)).encode())
        for _ in range(SENT >> 20):
            s.sendall(chunk)
    except OSError:
        pass
    s.setblocking(False)
    bodies.append(s)
time.sleep(0.5)
for s in bodies:
    try:
        got = s.recv(4096)
        refused += 1 if got.startswith(b"HTTP/1.1 503") else 0
    except BlockingIOError:
        held += 1
    except OSError:
        pass

slow = []
for _ in range(n_slow):
    try:
        s = connect()
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\n")
        s.setblocking(False)
        slow.append(s)
    except OSError:
        pass


def write_status(closed, still):
    with open(status + ".tmp", "w") as f:
        f.write("held=%d refused=%d closed=%d open=%d\n" % (held, refused, closed, still))
    import os
    os.replace(status + ".tmp", status)


closed = set()
i = 0
while True:
    for k, s in enumerate(slow):
        if k in closed:
            continue
        try:
            if s.recv(4096) == b"":
                closed.add(k)
                continue
        except BlockingIOError:
            pass
        except OSError:
            closed.add(k)
            continue
        try:
            s.send(b"X-Slow-%d: %d\r\n" % (i, i))
        except OSError:
            closed.add(k)
    write_status(len(closed), len(slow) - len(closed))
    i += 1
    if len(closed) == len(slow):
        break
    time.sleep(2)
# keep the held bodies open until killed
while True:
    time.sleep(5)
