#!/usr/bin/python3
"""Writes truth.json from the cases and from what each tool really wrote.

For every case it reads the HAR entry with the case's URL path and decides,
from the HAR itself, whether the piece of the request that carries each honey
value (URL, header, cookie, body, WebSocket message) is in the capture, and in
what form (the bytes as sent, the body with Content-Encoding undone, name/value
params only, or nothing). What is there becomes an expected detection (or a
decoy); what is not goes to not_recorded with the reason.

With --work DIR (regenerate.sh's scratch directory) it also compares with what
the stand-in server received (received-<tool>.jsonl) and, for Chromium, with the
DevTools events (chromium-events.json), to say why a body is missing.

  make_truth.py [--work DIR] [--summary FILE]
"""

import argparse
import base64
import gzip
import json
import os
import sys
import urllib.parse
import zlib

import brotli
import zstandard

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases  # noqa: E402

CAPTURES = [("mitmproxy.har", "mitmproxy"), ("chromium.har", "chromium")]


def load_jsonl(path):
    if not path or not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def decode_content(data, ce):
    """Undoes Content-Encoding `ce` ("gzip, br" = gzip applied first)."""
    for enc in reversed([e.strip().lower() for e in ce.split(",") if e.strip()]):
        if enc == "gzip":
            data = gzip.decompress(data)
        elif enc == "deflate":
            try:
                data = zlib.decompress(data)
            except zlib.error:
                data = zlib.decompress(data, -15)
        elif enc == "br":
            data = brotli.decompress(data)
        elif enc == "zstd":
            data = zstandard.ZstdDecompressor().decompress(data, max_output_size=1 << 24)
        else:
            raise ValueError(enc)
    return data


def header(headers, name):
    for h in headers:
        if h["name"].lower() == name.lower():
            return h["value"]
    return None


def text_bytes(text):
    """Byte readings of a HAR body text: (how, bytes)."""
    if text.isascii():
        return [("ASCII text", text.encode())]
    out = []
    if all(ord(ch) < 256 for ch in text):
        out.append(("one character per byte, Latin-1", text.encode("latin-1")))
    surrogates = any(0xDC80 <= ord(ch) <= 0xDCFF for ch in text)
    out.append(("UTF-8, invalid bytes as lone surrogates" if surrogates else "UTF-8",
                text.encode("utf-8", "surrogateescape")))
    return out


def canonical(v):
    """JSON value with integral floats as ints (JavaScript writes 8.0 as 8)."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, list):
        return [canonical(x) for x in v]
    if isinstance(v, dict):
        return {k: canonical(x) for k, x in v.items()}
    return v


def chrome_har_params(plain, ctype):
    """The params chrome-har 1.3.1 makes of a JSON or form body."""
    if ctype.startswith("application/json"):
        obj = json.loads(plain)
        out = []
        for k, v in obj.items():
            out += [{"name": k, "value": x} for x in v] if isinstance(v, list) else [{"name": k, "value": v}]
        return out
    if ctype.startswith("application/x-www-form-urlencoded"):
        grouped = {}
        for k, v in urllib.parse.parse_qsl(plain.decode(), keep_blank_values=True):
            grouped.setdefault(k, []).append(v)
        out = []
        for k, vs in grouped.items():
            out += [{"name": k, "value": v} for v in vs]
        return out
    return None


class Capture:
    def __init__(self, name, tool, work):
        self.name, self.tool = name, tool
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            self.har = json.load(f)
        self.entries = self.har["log"]["entries"]
        self.received = load_jsonl(work and os.path.join(work, f"received-{tool}.jsonl"))
        self.events = []
        self.tool_log = ""
        if work and tool == "mitmproxy" and os.path.exists(os.path.join(work, "mitmdump.log")):
            with open(os.path.join(work, "mitmdump.log"), encoding="utf-8", errors="replace") as f:
                self.tool_log = f.read()
        if work and tool == "chromium" and os.path.exists(os.path.join(work, "chromium-events.json")):
            with open(os.path.join(work, "chromium-events.json"), encoding="utf-8") as f:
                self.events = json.load(f)

    def entries_for(self, path):
        return [e for e in self.entries if urllib.parse.urlsplit(e["request"]["url"]).path == path]

    def wire(self, c):
        for r in self.received:
            if r["path"].split("?", 1)[0] == c.path:
                return r
        return None

    def extra_info_order(self, c):
        """Says whether Network.requestWillBeSentExtraInfo (which carries the
        Cookie header) came before Network.requestWillBeSent for the case."""
        rid, seen_extra, cookie = None, False, False
        for m in self.events:
            p = m["params"]
            if m["method"] == "Network.requestWillBeSent" and \
                    urllib.parse.urlsplit(p["request"]["url"]).path == c.path:
                rid = p["requestId"]
                break
        if rid is None:
            return ""
        for m in self.events:
            p = m["params"]
            if p.get("requestId") != rid:
                continue
            if m["method"] == "Network.requestWillBeSentExtraInfo":
                seen_extra = True
                cookie = any(k.lower() == "cookie" for k in p.get("headers", {}))
            if m["method"] == "Network.requestWillBeSent":
                break
        if seen_extra:
            return ("the DevTools event requestWillBeSentExtraInfo"
                    + (" (which had the Cookie header)" if cookie else "")
                    + " arrived before requestWillBeSent, and chrome-har drops extra info "
                    "for a request it has not seen yet")
        return ""

    def cdp_request(self, c):
        for m in self.events:
            if m["method"] == "Network.requestWillBeSent":
                if urllib.parse.urlsplit(m["params"]["request"]["url"]).path == c.path:
                    return m["params"]["request"]
        return None


def body_state(cap, c, entry):
    """(recorded?, description) of the case's body in the HAR entry."""
    wire = cap.wire(c)
    wire_body = base64.b64decode(wire["body_b64"]) if wire else (c.body if cap.tool == "mitmproxy" else None)
    wire_ce = (header([{"name": k, "value": v} for k, v in wire["headers"]], "Content-Encoding")
               if wire else c.content_encoding) or ""
    try:
        plain = decode_content(wire_body, wire_ce) if (wire_body is not None and wire_ce) else wire_body
    except Exception:  # noqa: BLE001
        plain = None
    if plain is None:
        plain = c.plain
    pd = entry["request"].get("postData")
    if not pd or (not pd.get("text") and not pd.get("params")):
        reason = "the entry has no postData" if not pd else "postData has neither text nor params"
        req = cap.cdp_request(c)
        if req is not None:
            entries = req.get("postDataEntries")
            reason += (f"; the DevTools event Network.requestWillBeSent had hasPostData="
                       f"{str(req.get('hasPostData', False)).lower()}, "
                       f"{'a' if 'postData' in req else 'no'} request.postData and "
                       + (f"{len(entries)} postDataEntries ("
                          + ", ".join("bytes" if "bytes" in e else "no bytes" for e in entries) + ")"
                          if entries is not None else "no postDataEntries")
                       + ", so chrome-har (which reads request.postData only) wrote no body")
        if wire_body is not None:
            reason += f"; the server received {len(wire_body)} bytes"
        return False, reason
    if pd.get("text"):
        for how, data in text_bytes(pd["text"]):
            if wire_body is not None and data == wire_body:
                extra = ""
                if wire_ce:
                    extra = f", still compressed (Content-Encoding: {wire_ce})"
                    visible = [h for h in honey_strings(c) if h.encode() in data]
                    if visible:
                        extra += "; some values show plainly inside the compressed bytes"
                return True, f"postData.text holds the body bytes as sent ({how}){extra}"
            if wire_ce and plain is not None and data == plain:
                return True, (f"postData.text holds the body after Content-Encoding "
                              f"({wire_ce}) was undone ({how}), while the Content-Encoding "
                              f"header is kept")
        return True, "postData.text differs from the bytes the server received (look by hand)"
    expected = chrome_har_params(plain, pd.get("mimeType", "")) if plain is not None else None
    if expected is not None and canonical(expected) == canonical(pd["params"]):
        kind = "JSON members" if "json" in pd.get("mimeType", "") else "form fields"
        return True, (f"postData has params only (no text): the {kind} as name/value pairs"
                      + (", nested objects and numbers kept as JSON values, arrays spread into "
                         "repeated names" if kind == "JSON members" else ", values percent-decoded"))
    return True, "postData has params only, not matching the body sent (look by hand)"


def honey_strings(c):
    return [cases.EMAIL, cases.EMAIL_LC, cases.SIM_E164, cases.ADID, cases.ANDROID_ID, cases.IMEI,
            cases.IDFV, cases.USER_ID, cases.NAME, cases.CONTACT_NAME, cases.CONTACT_EMAIL,
            cases.CONTACT_PHONE, cases.LAT_S, cases.LNG_S]


def part_state(cap, c, entry, part):
    req = entry["request"]
    if part == "url":
        return True, "in the entry's URL"
    if part == "header":
        names = {h["name"].lower() for h in req["headers"]}
        want = {k.lower() for k, _ in c.headers if k.lower().startswith("x-")}
        missing = want - names
        return (not missing, "headers present" if not missing else f"headers missing: {sorted(missing)}")
    if part == "cookie":
        value = c.cookie[1]
        in_header = any(h["name"].lower() == "cookie" and value in h["value"] for h in req["headers"])
        in_list = any(ck.get("value") == value for ck in req.get("cookies", []))
        if in_header or in_list:
            where = " and ".join(x for x, y in (("the Cookie header", in_header),
                                                 ("request.cookies", in_list)) if y)
            return True, f"in {where}"
        why = "neither a Cookie header nor request.cookies holds the cookie in this run"
        order = cap.extra_info_order(c)
        if order:
            why += f"; {order}"
        return False, why
    if part == "ws":
        msgs = entry.get("_webSocketMessages")
        if msgs:
            return True, f"{len(msgs)} _webSocketMessages"
        wire = cap.wire(c)
        got = f"; the server received {len(wire.get('ws_messages', []))} text messages" if wire else ""
        return False, f"the tool wrote no WebSocket messages (entry status {entry['response']['status']}){got}"
    if part == "body":
        return body_state(cap, c, entry)
    raise ValueError(part)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work")
    ap.add_argument("--summary", help="write a per-case summary (markdown) here")
    a = ap.parse_args()
    truth = {"version": 1, "identities": "identities.json",
             "captures": [n for n, _ in CAPTURES],
             "expected": [], "decoys": [], "not_recorded": []}
    summary = ["| case | path | " + " | ".join(t for _, t in CAPTURES) + " |",
               "|---|---|" + "---|" * len(CAPTURES)]
    rows = {c.id: [] for c in cases.CASES}
    for name, tool in CAPTURES:
        cap = Capture(name, tool, a.work)
        for c in cases.CASES:
            found = cap.entries_for(c.path)
            if not found:
                reason = "no entry with this path in the HAR"
                if tool == "chromium" and c.api == "ws":
                    reason += " (chrome-har ignores every Network.webSocket* event)"
                if (c.content_encoding and cap.tool_log
                        and f"with '{c.content_encoding}'" in cap.tool_log):
                    reason += (f" (mitmdump logged an addon error: har_dump's response hook raised "
                               f"ValueError because mitmproxy cannot decode Content-Encoding "
                               f"'{c.content_encoding}', so no entry was appended)")
                wire = cap.wire(c)
                if wire:
                    reason += "; the server did receive the request"
                rows[c.id].append("no entry")
                if c.expect:
                    truth["not_recorded"].append({
                        "capture": name, "path": c.path,
                        "honey": sorted({e["honey"] for e in c.expect}),
                        "what": f"case {c.id}: all of it", "reason": reason})
                for d in c.decoys:
                    truth["not_recorded"].append({
                        "capture": name, "path": c.path, "not_honey": d["not_honey"],
                        "what": f"decoy {c.id}: {d['what']}", "reason": reason})
                continue
            entry = found[-1]
            notes = []
            if len(found) > 1:
                notes.append(f"{len(found)} entries")
            by_part = {}
            for e in c.expect:
                by_part.setdefault(e["part"], []).append(e)
            parts = list(by_part) or (["body"] if c.plain is not None else ["url"])
            states = {p: part_state(cap, c, entry, p) for p in parts}
            for p, (ok, why) in states.items():
                notes.append(f"{p}: {why}" if ok else f"{p}: NOT RECORDED ({why})")
            for p, items in by_part.items():
                ok, why = states[p]
                if ok:
                    for e in items:
                        how = e["how"] + (f"; {tool}: {why}" if p == "body" else "")
                        truth["expected"].append({
                            "capture": name, "path": c.path, "honey": e["honey"],
                            "data_type": e["data_type"], "where": e["where"], "name": e["name"],
                            "how": how})
                else:
                    truth["not_recorded"].append({
                        "capture": name, "path": c.path,
                        "honey": sorted({e["honey"] for e in items}),
                        "what": f"case {c.id}: " + "; ".join(f"{e['honey']} ({e['how']})" for e in items),
                        "reason": why})
            for d in c.decoys:
                ok, why = states[parts[0]]
                if ok:
                    truth["decoys"].append({"capture": name, "path": c.path,
                                            "what": f"{d['what']}; {tool}: {why}",
                                            "not_honey": d["not_honey"]})
                else:
                    truth["not_recorded"].append({
                        "capture": name, "path": c.path, "not_honey": d["not_honey"],
                        "what": f"decoy {c.id}: {d['what']}", "reason": why})
            rows[c.id].append("; ".join(notes))
    with open(os.path.join(HERE, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, indent=2, ensure_ascii=False)
        f.write("\n")
    for c in cases.CASES:
        summary.append(f"| {c.id} | `{c.path}` | " + " | ".join(r.replace("|", "/") for r in rows[c.id]) + " |")
    if a.summary:
        with open(a.summary, "w", encoding="utf-8") as f:
            f.write("\n".join(summary) + "\n")
    n = {k: len(truth[k]) for k in ("expected", "decoys", "not_recorded")}
    print(f"truth.json: {n['expected']} expected, {n['decoys']} decoys, {n['not_recorded']} not recorded",
          file=sys.stderr)


if __name__ == "__main__":
    main()
