"""Writes every byte received on one TCP port (127.0.0.1) to a file, until terminated: rsyslog's
octet-counted forwarding exactly as it is sent."""
import signal
import socket
import sys

port, out = int(sys.argv[1]), sys.argv[2]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(4)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
with open(out, "ab", buffering=0) as f:
    while True:
        conn, _ = srv.accept()
        with conn:
            while chunk := conn.recv(65536):
                f.write(chunk)
