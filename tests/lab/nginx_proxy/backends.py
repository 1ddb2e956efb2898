"""Upstreams that fail the ways production upstreams do, one per port, for the proxy labs (nginx and Apache).

    python3 backends.py BASE_PORT READY_FILE

BASE_PORT + n, by n: 1 a good app (``?fail=close|reset|slow`` makes one request misbehave), 2 a listener whose
accept queue is full (connects time out), 3 slow (answers after 3 s), 4 closes without answering, 5 sends half a
status line and closes, 6 resets the connection (RST), 7 sends a header line that is not a header, 8 sends a
16 KiB header. READY_FILE is written once every port listens.
"""

import socket
import struct
import sys
import threading
import time

OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"


def read_request(conn):
    """The request head (bodies are not sent to these upstreams)."""
    conn.settimeout(5)
    data = b""
    try:
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data.split(b"\r\n", 1)[0].decode("latin-1")


def reset(conn):
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close() sends RST
    conn.close()


def app(conn):
    line = read_request(conn)
    if "fail=close" in line:
        conn.close()
    elif "fail=reset" in line:
        reset(conn)
    else:
        if "fail=slow" in line:
            time.sleep(3)
        conn.sendall(OK)
        conn.close()


def slow(conn):
    read_request(conn)
    time.sleep(3)
    try:
        conn.sendall(OK)
    except OSError:
        pass
    conn.close()


def closes(conn):
    read_request(conn)
    conn.close()


def half(conn):
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Ty")
    conn.close()


def resets(conn):
    read_request(conn)
    reset(conn)


def invalid_header(conn):
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Broken Header\x01: yes\r\n\r\nok\n")
    conn.close()


def big_header(conn):
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nSet-Cookie: session=" + b"a" * 16384 + b"\r\nContent-Length: 3\r\n\r\nok\n")
    conn.close()


def serve(sock, handler):
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=handler, args=(conn,), daemon=True).start()


def main(base, ready):
    handlers = {1: app, 3: slow, 4: closes, 5: half, 6: resets, 7: invalid_header, 8: big_header}
    for n, handler in handlers.items():
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", base + n))
        s.listen(64)
        threading.Thread(target=serve, args=(s, handler), daemon=True).start()
    # Never accepted, backlog 0: one connection fills the queue, and Linux then drops further SYNs, so a
    # connect() waits until the proxy's connect timeout.
    full = socket.socket()
    full.bind(("127.0.0.1", base + 2))
    full.listen(0)
    filler = socket.create_connection(("127.0.0.1", base + 2))
    open(ready, "w").close()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
