"""A small HTTP backend for the nginx lab: /code/NNN answers NNN, /slow sleeps, /close drops the connection."""
import http.server
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/slow"):
            time.sleep(3)
        if self.path.startswith("/close"):
            self.connection.close()  # no response: nginx reports 502
            return
        code = 200
        if self.path.startswith("/code/"):
            code = int(self.path.split("/")[2][:3])
        body = b"" if code in (204, 304) else f"code {code}\n".encode()
        self.send_response(code)
        if code in (301, 302):
            self.send_header("Location", "/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
