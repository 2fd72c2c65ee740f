#!/usr/bin/python3
"""The stand-in app's Python client: sends every case through an HTTP proxy.

Plain HTTP through the proxy in absolute form (as an SDK configured with a
proxy does), one keep-alive connection; the WebSocket case is an absolute-form
GET with Upgrade on its own connection, then masked text frames.

  client_mitm.py --proxy 127.0.0.1:PORT --server-port PORT
"""

import argparse
import base64
import http.client
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402

UA = "corpus-sdk/3.2.1 (Linux; Android 14; Pixel 7)"


def send_http(conn, origin, c):
    headers = {"User-Agent": UA, "Accept": "application/json"}
    headers.update(dict(c.headers))
    if c.cookie:
        headers["Cookie"] = f"{c.cookie[0]}={c.cookie[1]}; theme=dark"
    conn.request(c.method, origin + c.url_path, body=c.body, headers=headers)
    r = conn.getresponse()
    r.read()
    return r.status


def ws_frame(text, mask):
    data = text.encode()
    head = bytes([0x81])
    n = len(data)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def send_ws(proxy, origin, host, c):
    s = socket.create_connection(proxy, timeout=10)
    key = base64.b64encode(b"corpus-ws-key-16").decode()
    req = (f"GET {origin}{c.url_path} HTTP/1.1\r\n"
           f"Host: {host}\r\n"
           f"User-Agent: {UA}\r\n"
           "Upgrade: websocket\r\n"
           "Connection: Upgrade\r\n"
           f"Sec-WebSocket-Key: {key}\r\n"
           "Sec-WebSocket-Version: 13\r\n\r\n")
    s.sendall(req.encode())
    resp = b""
    while b"\r\n\r\n" not in resp:
        chunk = s.recv(4096)
        if not chunk:
            raise RuntimeError("proxy closed the WebSocket handshake")
        resp += chunk
    status = int(resp.split(b" ", 2)[1])
    if status != 101:
        raise RuntimeError(f"WebSocket handshake answered {status}")
    for i, m in enumerate(c.ws_messages):
        s.sendall(ws_frame(m, bytes([0x11 + i, 0x22, 0x33, 0x44])))
    s.sendall(bytes([0x88, 0x82, 1, 2, 3, 4]) + bytes(b ^ k for b, k in zip(b"\x03\xe8", b"\x01\x02")))
    s.settimeout(5)
    try:
        while s.recv(4096):
            pass
    except socket.timeout:
        pass
    s.close()
    return status


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--proxy", required=True)
    ap.add_argument("--server-port", type=int, required=True)
    a = ap.parse_args()
    ph, pp = a.proxy.rsplit(":", 1)
    proxy = (ph, int(pp))
    host = f"127.0.0.1:{a.server_port}"
    origin = f"http://{host}"
    conn = http.client.HTTPConnection(*proxy, timeout=10)
    failures = 0
    for c in cases.CASES:
        try:
            if c.api == "ws":
                status = send_ws(proxy, origin, host, c)
            else:
                status = send_http(conn, origin, c)
        except (OSError, http.client.HTTPException, RuntimeError) as e:
            status = f"error {e}"
            conn.close()
            conn = http.client.HTTPConnection(*proxy, timeout=10)
        ok = status in (200, 101)
        failures += not ok
        print(f"  {c.id:22s} {status}", file=sys.stderr)
    conn.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
