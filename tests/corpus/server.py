#!/usr/bin/python3
"""The stand-in app's server, on 127.0.0.1 only.

Accepts any request and answers 200 (a WebSocket upgrade: 101, then reads the
client's frames until it closes). Serves the Chromium page (page.html,
page.js, cases.json). With --log, appends one JSON line per request as it
arrived on the wire (method, path, headers, base64 body, WebSocket messages),
so make_truth.py can compare a capture with what was really sent.

  server.py --port PORT (0: any; a taken port falls back to any) --port-file FILE|FIFO [--log FILE]
"""

import argparse
import base64
import hashlib
import http.server
import json
import os
import socketserver
import struct
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases  # noqa: E402

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
LOG_LOCK = threading.Lock()
LOG_FILE = None
STATIC = {
    "/page.html": ("text/html; charset=utf-8", "page.html"),
    "/page.js": ("text/javascript; charset=utf-8", "page.js"),
}


def log_request(record):
    if LOG_FILE is None:
        return
    with LOG_LOCK, open(LOG_FILE, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "corpus-standin/1"
    sys_version = ""

    def log_message(self, fmt, *args):  # quiet
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, status, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        path = self.path
        if path.startswith("http://") or path.startswith("https://"):
            # absolute-form (should not happen: the proxy rewrites it)
            path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
        body = self.read_body()
        record = {"method": self.command, "path": path, "headers": list(self.headers.items()),
                  "body_b64": base64.b64encode(body).decode()}
        if self.headers.get("Upgrade", "").lower() == "websocket":
            record["ws_messages"] = self.websocket()
            log_request(record)
            return
        log_request(record)
        bare = path.split("?", 1)[0]
        if self.command == "GET" and bare in STATIC:
            ctype, name = STATIC[bare]
            with open(os.path.join(HERE, name), "rb") as f:
                self.reply(200, ctype, f.read())
        elif self.command == "GET" and bare == "/cases.json":
            self.reply(200, "application/json", json.dumps(cases.page_cases()).encode())
        else:
            self.reply(200, "application/json", b'{"ok":true}')

    def websocket(self):
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        messages = []
        fragments = b""
        while True:
            head = self.rfile.read(2)
            if len(head) < 2:
                break
            opcode = head[0] & 0x0F
            masked = head[1] & 0x80
            n = head[1] & 0x7F
            if n == 126:
                n = struct.unpack("!H", self.rfile.read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self.rfile.read(8))[0]
            mask = self.rfile.read(4) if masked else b"\0\0\0\0"
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(n)))
            if opcode in (0x0, 0x1, 0x2):
                fragments += data
                if head[0] & 0x80:
                    messages.append(fragments.decode("utf-8", "replace") if opcode != 0x2
                                    else "base64:" + base64.b64encode(fragments).decode())
                    fragments = b""
            elif opcode == 0x8:  # close: echo it and stop
                self.wfile.write(bytes([0x88, len(data)]) + data)
                self.wfile.flush()
                break
            elif opcode == 0x9:  # ping -> pong
                self.wfile.write(bytes([0x8A, len(data)]) + data)
                self.wfile.flush()
        self.close_connection = True
        return messages

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global LOG_FILE
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    a = ap.parse_args()
    LOG_FILE = a.log
    try:
        srv = Server(("127.0.0.1", a.port), Handler)
    except OSError:  # the preferred port is taken: any free one
        srv = Server(("127.0.0.1", 0), Handler)
    if a.port_file:
        # The socket listens once Server() returns: writing the port (to a
        # FIFO the caller reads) tells it so, without polling.
        with open(a.port_file, "w") as f:
            f.write(str(srv.server_address[1]) + "\n")
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
