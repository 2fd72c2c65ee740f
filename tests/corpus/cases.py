"""The honey values and the requests of the capture corpus.

One module shared by the stand-in server (which hands the cases to the
Chromium page), the Python client (which sends them through mitmproxy) and
make_truth.py (which writes the ground truth from the captures).

Run with Debian's /usr/bin/python3: the br and zstd bodies need python3-brotli
and python3-zstandard. Everything here is deterministic (gzip without a
timestamp, fixed multipart boundaries), so the bodies are the same on every run.
"""

import base64
import gzip
import hashlib
import json
import os
import urllib.parse
import zlib

import brotli
import zstandard

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- honey values
SALT = "5eed0c0a5eed0c0a5eed0c0a5eed0c0a5eed0c0a5eed0c0a5eed0c0a5eed0c0a"

SIM_PHONE = "+44 20 7946 0587"
SIM_E164 = "+442079460587"
EMAIL = "Wren.Halloway@example.org"
EMAIL_LC = EMAIL.lower()
NAME = "Wrenna Halloway"
USER_ID = "uid-Qx73Lm0Vr"
CONTACT_PHONE = "07700 900461"
CONTACT_EMAIL = "perpetua.ashdown@example.net"
CONTACT_NAME = "Perpetua Ashdown"
ADID = "5d2f8a61-3c47-4b9e-a0d2-7e19c4b6f3a8"
ANDROID_ID = "8b3e1f07c2d94a65"
IDFV = "C3A1F5D2-9B84-4E07-B6A3-21D9F0E87C54"
IMEI = "358471029317048"
LAT_S, LNG_S = "52.247183", "0.184629"  # as written in identities.json
LAT, LNG = float(LAT_S), float(LNG_S)
STREET, POSTCODE, CITY = "14 Marrowbeck Lane", "CB25 9XQ", "Quillbury"

with open(os.path.join(HERE, "face_photo.jpg"), "rb") as f:
    PHOTO = f.read()
with open(os.path.join(HERE, "other_photo.jpg"), "rb") as f:
    OTHER_PHOTO = f.read()  # face_photo.jpg with byte 300 changed (a decoy)
PHOTO_SHA256 = hashlib.sha256(PHOTO).hexdigest()

# Near misses (decoys): none of these may be detected.
DECOY_LAT_S, DECOY_LNG_S = "52.283917", "0.251306"  # 6.1 km from the honey position
CITY_LAT_S, CITY_LNG_S = "52.2053", "0.1218"        # Cambridge city centre, 6.3 km away
DECOY_PHONE = "+44 20 7946 0588"                     # last digit off
DECOY_EMAIL = "Ada.Pemberton@example.org"            # another person
DECOY_IMEI = IMEI[:-1] + "9"                         # Luhn check digit wrong
DECOY_ADID = ADID[:-1] + "9"                         # one hex digit off

# label -> identities.json value (labels are what truth.json names).
IDENTITIES = [
    {"type": "personal_info.phone_number", "value": SIM_PHONE, "label": "sim_phone"},
    {"type": "personal_info.email_address", "value": EMAIL, "label": "email"},
    {"type": "personal_info.name", "value": NAME, "label": "name"},
    {"type": "personal_info.user_ids", "value": USER_ID, "label": "user_id"},
    {"type": "contacts.contacts", "kind": "phone", "value": CONTACT_PHONE, "label": "contact_phone"},
    {"type": "contacts.contacts", "kind": "email", "value": CONTACT_EMAIL, "label": "contact_email"},
    {"type": "contacts.contacts", "kind": "name", "value": CONTACT_NAME, "label": "contact_name"},
    {"type": "device_or_other_ids.device_or_other_ids", "kind": "advertising_id", "value": ADID,
     "label": "advertising_id"},
    {"type": "device_or_other_ids.device_or_other_ids", "kind": "android_id", "value": ANDROID_ID,
     "label": "android_id"},
    {"type": "device_or_other_ids.device_or_other_ids", "kind": "idfv", "value": IDFV, "label": "idfv"},
    {"type": "device_or_other_ids.device_or_other_ids", "kind": "imei", "value": IMEI, "label": "imei"},
    {"type": "location.precise", "latitude": "@LAT@", "longitude": "@LNG@", "label": "position"},
    {"type": "biometrics.face_data", "sha256": PHOTO_SHA256, "label": "face_photo"},
    {"type": "personal_info.address", "kind": "address", "street": STREET, "postcode": POSTCODE,
     "city": CITY, "country": "GB", "label": "address"},
]
DATA_TYPE = {v["label"]: v["type"] for v in IDENTITIES}


def identities_json():
    doc = {"version": 1, "salt": SALT, "default_country": "GB", "values": IDENTITIES}
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    # Positions are JSON numbers written exactly as planted (6 decimals).
    text = text.replace('"@LAT@"', LAT_S).replace('"@LNG@"', LNG_S)
    return text


# ---------------------------------------------------------------- encodings
def js(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def num(s):
    """A JSON number written exactly as `s` (json.dumps would reformat)."""
    return f"@N@{s}@N@"


def js_n(obj):
    return js(obj).replace(b'"@N@', b"").replace(b'@N@"', b"")


def gz(b):
    return gzip.compress(b, compresslevel=9, mtime=0)


def zlib_deflate(b):
    return zlib.compress(b, 9)


def raw_deflate(b):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(b) + c.flush()


def br(b):
    return brotli.compress(b)


def zstd(b):
    return zstandard.ZstdCompressor(level=3).compress(b)


def hexl(s):
    return s.encode().hex()


def hexu(s):
    return s.encode().hex().upper()


def b64(b):
    return base64.b64encode(b if isinstance(b, bytes) else b.encode()).decode()


def b64url(b):
    return base64.urlsafe_b64encode(b if isinstance(b, bytes) else b.encode()).decode().rstrip("=")


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def pb_len(field, payload):
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def pb_varint(field, n):
    return varint(field << 3 | 0) + varint(n)


def geohash(lat, lng, precision):
    alphabet = "0123456789bcdefghjkmnpqrstuvwxyz"
    lat_r, lng_r = [-90.0, 90.0], [-180.0, 180.0]
    bits, bit, ch, even, out = [16, 8, 4, 2, 1], 0, 0, True, ""
    while len(out) < precision:
        rng, v = (lng_r, lng) if even else (lat_r, lat)
        mid = (rng[0] + rng[1]) / 2
        if v > mid:
            ch |= bits[bit]
            rng[0] = mid
        else:
            rng[1] = mid
        even = not even
        if bit < 4:
            bit += 1
        else:
            out += alphabet[ch]
            bit, ch = 0, 0
    return out


def multipart(boundary, parts):
    """parts: (name, filename or None, content type or None, bytes)."""
    out = b""
    for name, filename, ctype, data in parts:
        out += b"--" + boundary.encode() + b"\r\n"
        disp = f'Content-Disposition: form-data; name="{name}"'
        if filename:
            disp += f'; filename="{filename}"'
        out += disp.encode() + b"\r\n"
        if ctype:
            out += f"Content-Type: {ctype}\r\n".encode()
        out += b"\r\n" + data + b"\r\n"
    return out + b"--" + boundary.encode() + b"--\r\n"


# ---------------------------------------------------------------- cases
class Case:
    """One request (or WebSocket) of the stand-in app.

    body: the bytes on the wire (after Content-Encoding) as the Python client
      sends them; plain: the body before Content-Encoding.
    chromium: how the page sends it: api is fetch, xhr, beacon, beacon-blob,
      formdata, ws; compress names a CompressionStream format applied in the
      page to `plain` (then the page's wire bytes differ from `body`).
    expect: (honey label, data_type or None, where, name, how, part); part says
      which piece of the request carries it: url, header, cookie, body, ws.
    decoys: (what, [labels it is a near miss of]).
    """

    def __init__(self, cid, method="POST", path=None, query="", headers=(), plain=None,
                 encode=None, content_encoding=None, api="fetch", compress=None,
                 formdata=None, cookie=None, ws_messages=(), expect=(), decoys=(), note=""):
        self.id = cid
        self.method = method
        self.path = path or f"/c/{cid}"
        self.query = query
        self.headers = list(headers)
        self.plain = plain
        self.content_encoding = content_encoding
        self.body = encode(plain) if encode else plain
        if content_encoding:
            self.headers.append(("Content-Encoding", content_encoding))
        self.api = api
        self.compress = compress
        self.formdata = formdata
        self.cookie = cookie
        self.ws_messages = list(ws_messages)
        self.expect = [dict(zip(("honey", "data_type", "where", "name", "how", "part"), e))
                       for e in expect]
        for e in self.expect:
            e["data_type"] = e["data_type"] or DATA_TYPE[e["honey"]]
        self.decoys = [{"what": w, "not_honey": list(n)} for w, n in decoys]
        self.note = note

    @property
    def url_path(self):
        return self.path + (("?" + self.query) if self.query else "")

    def content_type(self):
        for k, v in self.headers:
            if k.lower() == "content-type":
                return v
        return ""


JSON = ("Content-Type", "application/json; charset=utf-8")
MP_BOUNDARY = "----corpusBoundary7MA4YWxkTrZu0gW"
PRECISE, APPROX = "location.precise", "location.approximate"

protobuf_body = b"".join([
    pb_len(1, ADID.encode()), pb_varint(16, 1700000000),          # adid then 0x80 0x01 ...
    pb_len(2, EMAIL.encode()), pb_varint(17, 300),                # e-mail then 0x88 0x01 ...
    pb_len(3, pb_len(1, IMEI.encode()) + pb_varint(18, 150)),     # nested: imei then 0x90 0x01
    pb_len(4, hashlib.sha256(SIM_E164.encode()).digest()), pb_varint(19, 2),
])
octet_body = (b"\x01\x00\x10" + ANDROID_ID.encode() + b"\xff\xfe\x00\x0d"
              + USER_ID.encode() + b"\x80\x01\x9c\xc8\x00")

multipart_body = multipart(MP_BOUNDARY, [
    ("meta", None, "application/json", js({"uid": USER_ID, "adid": ADID})),
    ("note", None, "text/plain; charset=utf-8", f"contact me at {EMAIL}".encode()),
    ("photo", "face.jpg", "image/jpeg", PHOTO),
])
multipart_text_body = multipart(MP_BOUNDARY, [
    ("uid", None, None, USER_ID.encode()),
    ("email", None, None, EMAIL.encode()),
])
MP = ("Content-Type", f"multipart/form-data; boundary={MP_BOUNDARY}")

q = urllib.parse.quote
CASES = [
    # --- compressed JSON batches
    Case("json-gzip", headers=[JSON], content_encoding="gzip", encode=gz, compress="gzip",
         plain=js({"batch": [{"event": "session_start", "ts": 1700000000123,
                              "user": {"email": EMAIL, "phone": SIM_E164},
                              "device": {"adid": ADID, "os": "android 14"}}],
                   "sdk": "corpus-analytics/3.2.1"}),
         expect=[("email", None, "BODY_JSON", "$.batch[0].user.email", "gzip > json", "body"),
                 ("sim_phone", None, "BODY_JSON", "$.batch[0].user.phone", "gzip > json (E.164)", "body"),
                 ("advertising_id", None, "BODY_JSON", "$.batch[0].device.adid", "gzip > json", "body")]),
    Case("json-deflate-zlib", headers=[JSON], content_encoding="deflate", encode=zlib_deflate,
         compress="deflate",
         plain=js({"events": [{"name": "device_info", "android_id": ANDROID_ID, "imei": IMEI}]}),
         expect=[("android_id", None, "BODY_JSON", "$.events[0].android_id", "deflate (zlib-wrapped) > json", "body"),
                 ("imei", None, "BODY_JSON", "$.events[0].imei", "deflate (zlib-wrapped) > json", "body")]),
    Case("json-deflate-raw", headers=[JSON], content_encoding="deflate", encode=raw_deflate,
         compress="deflate-raw",
         plain=js({"events": [{"name": "login", "idfv": IDFV, "user_id": USER_ID}]}),
         expect=[("idfv", None, "BODY_JSON", "$.events[0].idfv", "deflate (raw, no zlib header) > json", "body"),
                 ("user_id", None, "BODY_JSON", "$.events[0].user_id", "deflate (raw, no zlib header) > json", "body")]),
    Case("json-br", headers=[JSON], content_encoding="br", encode=br,
         plain=js({"contacts": [
             {"display_name": CONTACT_NAME, "phones": [CONTACT_PHONE], "emails": [CONTACT_EMAIL]},
             {"display_name": "Cuthbert Example", "phones": ["+1 202 555 0143"], "emails": []}]}),
         expect=[("contact_name", None, "BODY_JSON", "$.contacts[0].display_name", "br > json", "body"),
                 ("contact_phone", None, "BODY_JSON", "$.contacts[0].phones[0]", "br > json (national form with a space)", "body"),
                 ("contact_email", None, "BODY_JSON", "$.contacts[0].emails[0]", "br > json", "body")]),
    Case("json-zstd", headers=[JSON], content_encoding="zstd", encode=zstd,
         plain=js_n({"profile": {"full_name": NAME, "home": {"lat": num(LAT_S), "lng": num(LNG_S)}},
                     # Enough text for zstd to Huffman-code its literals (a tiny
                     # body is stored raw, and the values would show plainly).
                     "recent": [{"event": "screen_view", "screen": s, "ms": 100 + i * 37} for i, s in
                                enumerate(["home", "map", "settings", "profile", "search", "home", "map", "home"])]}),
         expect=[("name", None, "BODY_JSON", "$.profile.full_name", "zstd > json", "body"),
                 ("position", PRECISE, "BODY_JSON", "$.profile.home", "zstd > json members lat/lng (numbers, 6 decimals)", "body")]),
    Case("json-gzip-br", headers=[JSON], content_encoding="gzip, br", encode=lambda b: br(gz(b)),
         plain=js({"u": {"email": EMAIL_LC, "adid": ADID}}),
         expect=[("email", None, "BODY_JSON", "$.u.email", "br > gzip > json (Content-Encoding: gzip, br)", "body"),
                 ("advertising_id", None, "BODY_JSON", "$.u.adid", "br > gzip > json (Content-Encoding: gzip, br)", "body")]),
    # --- NDJSON with a URL holding the position and the advertising ID
    Case("ndjson", headers=[("Content-Type", "application/x-ndjson")],
         plain=b"\n".join([
             js({"t": "app_open", "uid": USER_ID}),
             js({"t": "map_tile", "url": f"https://tiles.x.test/v1/t?lat={LAT_S}&lng={LNG_S}&aid={ADID}&z=15"}),
             js({"t": "app_close"})]) + b"\n",
         expect=[("user_id", None, "BODY_JSON", "line 1 > $.uid", "ndjson line 1 > json $.uid", "body"),
                 ("position", PRECISE, "BODY_JSON", "line 2 > $.url", "ndjson line 2 > json $.url > URL query lat, lng", "body"),
                 ("advertising_id", None, "BODY_JSON", "line 2 > $.url", "ndjson line 2 > json $.url > URL query aid", "body")]),
    # --- binary bodies
    Case("protobuf", headers=[("Content-Type", "application/x-protobuf")], plain=protobuf_body,
         expect=[("advertising_id", None, "BODY_TEXT", "", "protobuf field 1 (raw ASCII), followed by byte 0x80", "body"),
                 ("email", None, "BODY_TEXT", "", "protobuf field 2 (raw ASCII), followed by byte 0x88", "body"),
                 ("imei", None, "BODY_TEXT", "", "protobuf field 3.1 (raw ASCII), followed by byte 0x90", "body"),
                 ("sim_phone", None, "BODY_TEXT", "", "protobuf field 4: raw 32-byte SHA-256 digest of the E.164 form", "body")]),
    Case("octet-stream", headers=[("Content-Type", "application/octet-stream")], plain=octet_body,
         expect=[("android_id", None, "BODY_TEXT", "", "raw ASCII between binary bytes, followed by 0xff", "body"),
                 ("user_id", None, "BODY_TEXT", "", "raw ASCII followed by byte 0x80", "body")]),
    # --- multipart and photo uploads
    Case("multipart", headers=[MP], plain=multipart_body, api="formdata",
         formdata=[("meta", "text", js({"uid": USER_ID, "adid": ADID}).decode()),
                   ("note", "text", f"contact me at {EMAIL}"),
                   ("photo", "file:face.jpg:image/jpeg", b64(PHOTO))],
         expect=[("user_id", None, "BODY_MULTIPART", "meta", "multipart part meta > json $.uid", "body"),
                 ("advertising_id", None, "BODY_MULTIPART", "meta", "multipart part meta > json $.adid", "body"),
                 ("email", None, "BODY_MULTIPART", "note", "multipart text part", "body"),
                 ("face_photo", None, "BODY_MULTIPART", "photo", "multipart file part face.jpg: the photo file", "body")],
         note="Chromium sends it with FormData (browser's own boundary; meta is a plain text field there)"),
    Case("multipart-bytes", headers=[MP], plain=multipart_body,
         expect=[("user_id", None, "BODY_MULTIPART", "meta", "multipart part meta > json $.uid", "body"),
                 ("advertising_id", None, "BODY_MULTIPART", "meta", "multipart part meta > json $.adid", "body"),
                 ("email", None, "BODY_MULTIPART", "note", "multipart text part", "body"),
                 ("face_photo", None, "BODY_MULTIPART", "photo", "multipart file part face.jpg: the photo file", "body")],
         note="the same bytes as the Python client's multipart, sent by fetch as a Uint8Array"),
    Case("multipart-text", headers=[MP], plain=multipart_text_body, api="formdata",
         formdata=[("uid", "text", USER_ID), ("email", "text", EMAIL)],
         expect=[("user_id", None, "BODY_MULTIPART", "uid", "multipart text field", "body"),
                 ("email", None, "BODY_MULTIPART", "email", "multipart text field", "body")],
         note="Chromium sends it with FormData holding strings only"),
    Case("put-photo", method="PUT", headers=[("Content-Type", "image/jpeg")], plain=PHOTO,
         expect=[("face_photo", None, "BODY_TEXT", "", "the whole body is the photo file", "body")]),
    Case("photo-base64-json", headers=[JSON],
         plain=js({"selfie": {"mime": "image/jpeg", "data": b64(PHOTO)}}),
         expect=[("face_photo", None, "BODY_JSON", "$.selfie.data", "json > base64 > the photo file", "body")]),
    # --- forms and URLs in JSON
    Case("form", headers=[("Content-Type", "application/x-www-form-urlencoded")], api="xhr",
         plain=urllib.parse.urlencode([("phone", SIM_PHONE), ("full_name", NAME), ("lat", LAT_S),
                                       ("lon", LNG_S), ("v", "2")]).encode(),
         expect=[("sim_phone", None, "BODY_FORM", "phone", "form > phone written with spaces ('+' as %2B)", "body"),
                 ("name", None, "BODY_FORM", "full_name", "form ('+' for spaces)", "body"),
                 ("position", PRECISE, "BODY_FORM", "lat,lon", "form fields lat and lon", "body")]),
    Case("json-url", headers=[JSON],
         plain=js({"events": [{"e": "share", "u": f"https://x.test/p?email={q(EMAIL, safe='')}&lat={LAT_S}&lng={LNG_S}"}]}),
         expect=[("email", None, "BODY_JSON", "$.events[0].u", "json > URL query email > percent-encoding (%40)", "body"),
                 ("position", PRECISE, "BODY_JSON", "$.events[0].u", "json > URL query lat, lng", "body")]),
    # --- hex inside other layers
    Case("hex-b64-json", headers=[JSON],
         plain=js({"ctx": b64(hexl(EMAIL_LC)), "ext": b64(js({"dev": hexu(ANDROID_ID)}))}),
         expect=[("email", None, "BODY_JSON", "$.ctx", "json > base64 > hex (lower case) of the lower-cased e-mail", "body"),
                 ("android_id", None, "BODY_JSON", "$.ext", "json > base64 > json $.dev > hex (upper case) of the ASCII", "body")]),
    Case("hex-adid", headers=[JSON],
         plain=js({"aid_hex": hexl(ADID), "aid_hex_nodash": hexu(ADID.replace("-", ""))}),
         expect=[("advertising_id", None, "BODY_JSON", "$.aid_hex", "json > hex (lower case) of the ASCII, with dashes", "body"),
                 ("advertising_id", None, "BODY_JSON", "$.aid_hex_nodash", "json > hex (upper case) of the ASCII, without dashes", "body")]),
    Case("hex-query", method="GET", query=f"u={hexu(USER_ID)}&p={hexl(SIM_E164)}",
         expect=[("user_id", None, "QUERY", "u", "hex (upper case) of the ASCII", "url"),
                 ("sim_phone", None, "QUERY", "p", "hex (lower case) of the E.164 form", "url")]),
    # --- coordinates
    Case("coord-text-latlng", headers=[("Content-Type", "text/plain;charset=UTF-8")],
         plain=f"{LAT_S},{LNG_S}".encode(),
         expect=[("position", PRECISE, "BODY_TEXT", "", "text 'lat,lng'", "body")]),
    Case("coord-text-lnglat", headers=[("Content-Type", "text/plain;charset=UTF-8")],
         plain=f"{LNG_S},{LAT_S}".encode(),
         expect=[("position", PRECISE, "BODY_TEXT", "", "text 'lng,lat' (longitude first)", "body")]),
    Case("coord-geojson", headers=[("Content-Type", "application/geo+json")],
         plain=js_n({"type": "Feature", "geometry": {"type": "Point", "coordinates": [num(LNG_S), num(LAT_S)]},
                     "properties": {"acc": num("12.5")}}),
         expect=[("position", PRECISE, "BODY_JSON", "$.geometry.coordinates", "GeoJSON [lng, lat] array", "body")]),
    Case("coord-fields", headers=[JSON],
         plain=js_n({"loc": {"lat": num(LAT_S), "lng": num(LNG_S), "acc": num("8.0")}}),
         expect=[("position", PRECISE, "BODY_JSON", "$.loc", "json members lat/lng (numbers)", "body")]),
    Case("coord-query", method="GET", query=f"latitude={LAT_S}&longitude={LNG_S}",
         expect=[("position", PRECISE, "QUERY", "latitude,longitude", "query parameters latitude/longitude", "url")]),
    Case("coord-round2", headers=[JSON],
         plain=js_n({"geo": {"latitude": num("52.25"), "longitude": num("0.18")}}),
         expect=[("position", APPROX, "BODY_JSON", "$.geo", "members latitude/longitude rounded to 2 decimals (0.4 km off)", "body")]),
    Case("coord-round3", method="GET", query="ll=52.247,0.185",
         expect=[("position", PRECISE, "QUERY", "ll",
                  "text 'lat,lng' rounded to 3 decimals (32 m off); precise by IDENTITIES.md's rule "
                  "(3+ decimals, within 3 km), though the brief called 3-decimal rounding approximate", "url")]),
    Case("geohash6", headers=[JSON], plain=js({"geohash": geohash(LAT, LNG, 6), "src": "gps"}),
         expect=[("position", APPROX, "BODY_JSON", "$.geohash", "geohash, precision 6 (cell 1.2 x 0.6 km)", "body")]),
    Case("geohash5", headers=[JSON], plain=js({"geohash": geohash(LAT, LNG, 5), "src": "gps"}),
         expect=[("position", APPROX, "BODY_JSON", "$.geohash", "geohash, precision 5 (cell 4.9 x 4.9 km)", "body")]),
    # --- hashed identifiers
    Case("hashed-email", headers=[JSON], api="xhr",
         plain=js({"hem": {"sha256": hashlib.sha256(EMAIL_LC.encode()).hexdigest(),
                           "md5": hashlib.md5(EMAIL_LC.encode()).hexdigest()}}),
         expect=[("email", None, "BODY_JSON", "$.hem.sha256", "SHA-256 (lower-case hex) of the lower-cased e-mail", "body"),
                 ("email", None, "BODY_JSON", "$.hem.md5", "MD5 (lower-case hex) of the lower-cased e-mail", "body")]),
    Case("hashed-phone", headers=[JSON],
         plain=js({"ph": hashlib.sha256(SIM_E164[1:].encode()).hexdigest(),
                   "ph_md5": hashlib.md5(SIM_E164.encode()).hexdigest().upper()}),
         expect=[("sim_phone", None, "BODY_JSON", "$.ph", "SHA-256 (lower-case hex) of the digits with country code, no '+' (442079460587)", "body"),
                 ("sim_phone", None, "BODY_JSON", "$.ph_md5", "MD5 (upper-case hex) of the E.164 form", "body")]),
    # --- postal address
    Case("address-fields", headers=[JSON],
         plain=js({"shipping": {"street": STREET, "postcode": POSTCODE, "city": CITY, "country": "GB"}}),
         expect=[("address", None, "BODY_JSON", "$.shipping", "json members street/postcode/city", "body")]),
    Case("address-line", headers=[JSON],
         plain=js({"billing_address": f"{STREET}, {CITY} {POSTCODE}"}),
         expect=[("address", None, "BODY_JSON", "$.billing_address", "one line '<street>, <city> <postcode>'", "body")]),
    # --- URL path, query, header, cookie
    Case("url-path", method="GET", path=f"/c/url-path/{IMEI}/ping",
         expect=[("imei", None, "URL_PATH", "", "path segment", "url")]),
    Case("query", method="GET", query=f"email={q(EMAIL, safe='')}&cid=7",
         expect=[("email", None, "QUERY", "email", "percent-encoded (%40)", "url")]),
    Case("header", method="GET",
         headers=[("X-Device-Id", ANDROID_ID), ("X-User", b64url(js({"uid": USER_ID})))],
         expect=[("android_id", None, "HEADER", "x-device-id", "plain", "header"),
                 ("user_id", None, "HEADER", "x-user", "base64url > json $.uid", "header")]),
    Case("cookie", method="GET", cookie=("_idfv", IDFV),
         expect=[("idfv", None, "COOKIE", "_idfv", "plain (upper case, with dashes)", "cookie")]),
    # --- beacons
    Case("beacon-text", headers=[("Content-Type", "text/plain;charset=UTF-8")], api="beacon",
         plain=js({"ev": "unload", "adid": ADID}),
         expect=[("advertising_id", None, "BODY_JSON", "$.adid", "text/plain body holding JSON (navigator.sendBeacon with a string)", "body")]),
    Case("beacon-blob", headers=[("Content-Type", "text/plain")], api="beacon-blob",
         plain=js({"ev": "hide", "uid": USER_ID}),
         expect=[("user_id", None, "BODY_JSON", "$.uid", "text/plain body holding JSON (navigator.sendBeacon with a Blob)", "body")]),
    # --- WebSocket
    Case("ws", method="GET", query=f"sid={q(USER_ID)}", api="ws",
         ws_messages=[js({"type": "hello", "adid": ADID}).decode(),
                      js_n({"type": "loc", "lat": num(LAT_S), "lng": num(LNG_S)}).decode(),
                      js({"type": "invite", "to": CONTACT_EMAIL}).decode()],
         expect=[("user_id", None, "QUERY", "sid", "WebSocket handshake URL", "url"),
                 ("advertising_id", None, "BODY_JSON", "$.adid", "WebSocket text message 1 > json", "ws"),
                 ("position", PRECISE, "BODY_JSON", "$", "WebSocket text message 2 > json members lat/lng", "ws"),
                 ("contact_email", None, "BODY_JSON", "$.to", "WebSocket text message 3 > json", "ws")]),
    # --- near-miss decoys: nothing may be detected for these values
    Case("decoy-coord-6km", headers=[JSON],
         plain=js_n({"loc": {"lat": num(DECOY_LAT_S), "lng": num(DECOY_LNG_S)}}),
         decoys=[("a position with 6 decimals 6.1 km from the honey position", ["position"])]),
    Case("decoy-city-centre", headers=[JSON],
         plain=js_n({"city": {"name": "Cambridge", "latitude": num(CITY_LAT_S), "longitude": num(CITY_LNG_S)}}),
         decoys=[("a city-centre point (4 decimals) 6.3 km from the honey position", ["position"])]),
    Case("decoy-phone", headers=[JSON],
         plain=js({"phone": DECOY_PHONE, "phone_e164": DECOY_PHONE.replace(" ", "")}),
         decoys=[("a phone number whose last digit differs from the SIM's", ["sim_phone", "contact_phone"])]),
    Case("decoy-photo", method="PUT", headers=[("Content-Type", "image/jpeg")], plain=OTHER_PHOTO,
         decoys=[("another photo: face_photo.jpg with one byte changed", ["face_photo"])]),
    Case("decoy-photo-sha256", headers=[JSON],
         plain=js({"photo_sha256": hashlib.sha256(OTHER_PHOTO).hexdigest()}),
         decoys=[("the SHA-256 of the other photo", ["face_photo"])]),
    Case("decoy-email", headers=[JSON],
         plain=js({"email": DECOY_EMAIL, "hem": hashlib.sha256(DECOY_EMAIL.lower().encode()).hexdigest()}),
         decoys=[("another person's e-mail at example.org, and its SHA-256", ["email", "contact_email"])]),
    Case("decoy-imei", method="GET", query=f"imei={DECOY_IMEI}",
         decoys=[("a 15-digit IMEI-like number, the honey IMEI with a wrong Luhn check digit", ["imei"])]),
    Case("decoy-adid", headers=[JSON],
         plain=js({"adid": DECOY_ADID, "adid_nodash": DECOY_ADID.replace("-", "")}),
         decoys=[("a UUID one hex digit off the advertising ID", ["advertising_id"])]),
]

assert len({c.path for c in CASES}) == len(CASES)


def page_cases():
    """The cases as the Chromium page needs them (cases.json)."""
    out = []
    for c in CASES:
        headers = {k: v for k, v in c.headers}
        if c.compress:
            body_b64 = b64(c.plain)  # compressed in the page
        else:
            body_b64 = b64(c.body) if c.body is not None else None
        out.append({"id": c.id, "method": c.method, "url": c.url_path, "headers": headers,
                    "body_b64": body_b64, "compress": c.compress, "api": c.api,
                    "formdata": [{"name": n, "kind": k, "value": v} for n, k, v in c.formdata]
                    if c.formdata else None, "cookie": list(c.cookie) if c.cookie else None,
                    "ws_messages": c.ws_messages})
    return out
