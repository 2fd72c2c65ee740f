#!/usr/bin/python3
"""tlogpy: an independent Python implementation of parts of the C2SP
transparency-log specifications, written from the specification texts alone
(signed-note, tlog-checkpoint, tlog-cosignature (Ed25519 cosignature/v1),
tlog-witness (add-checkpoint), tlog-policy) plus RFC 6962 / RFC 9162 Merkle
tree hashing, inclusion and consistency proofs.

Only Ed25519 is supported: note signature type 0x01 (logs) and type 0x04
(timestamped Ed25519 cosignatures, cosignature/v1, for witnesses).

Usable both as a module and as a command-line tool; see `tlogpy.py -h`.
"""

import argparse
import base64
import hashlib
import http.client
import http.server
import json
import os
import re
import socketserver
import struct
import sys
import tempfile
import threading
import time
import urllib.parse

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey, Ed25519PublicKey)

SIG_ED25519 = 0x01
SIG_COSIG_V1 = 0x04
EM_DASH = "\u2014"
MAX_SIGNATURES = 100          # spec: MUST accept at least 16
MAX_NOTE_BYTES = 1 << 20
MAX_PROOF_LINES = 63
MAX_TIMESTAMP = (1 << 63) - 1
MAX_U64 = (1 << 64) - 1


class TlogError(Exception):
    """Generic validation failure."""


# ---------------------------------------------------------------------------
# Encoding helpers

_B64_RE = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")
_DEC_RE = re.compile(r"^(0|[1-9][0-9]*)$")


def b64e(b):
    return base64.b64encode(b).decode("ascii")


def b64d(s):
    """Strict, canonical standard base64 (RFC 4648 section 4) decoding."""
    if not isinstance(s, str):
        raise TlogError("base64: not a string")
    if len(s) % 4 != 0 or not _B64_RE.match(s):
        raise TlogError("invalid base64: %r" % s[:80])
    try:
        b = base64.b64decode(s, validate=True)
    except Exception as e:  # binascii.Error
        raise TlogError("invalid base64: %s" % e)
    if b64e(b) != s:
        raise TlogError("non-canonical base64: %r" % s[:80])
    return b


def parse_decimal(s, what="number", limit=MAX_U64):
    if not _DEC_RE.match(s):
        raise TlogError("invalid %s: %r" % (what, s[:80]))
    v = int(s)
    if v > limit:
        raise TlogError("%s too large" % what)
    return v


def sha256(b):
    return hashlib.sha256(b).digest()


# ---------------------------------------------------------------------------
# Keys (signed-note vkeys and Go-note-style signer keys)

def key_id(name, sig_type, pubkey):
    """key ID = SHA-256(key name || 0x0A || signature type || public key)[:4]"""
    return sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + pubkey)[:4]


def check_key_name(name):
    if not name:
        raise TlogError("empty key name")
    if "+" in name or any(c.isspace() for c in name):
        raise TlogError("key name contains space or '+': %r" % name)
    for c in name:
        if ord(c) < 0x20 or ord(c) == 0x7f:
            raise TlogError("key name contains control character")


class VerifierKey:
    def __init__(self, name, sig_type, pub):
        check_key_name(name)
        if sig_type not in (SIG_ED25519, SIG_COSIG_V1):
            raise TlogError("unsupported signature type 0x%02x" % sig_type)
        if len(pub) != 32:
            raise TlogError("Ed25519 public key must be 32 bytes")
        self.name = name
        self.type = sig_type
        self.pub = pub
        self.keyid = key_id(name, sig_type, pub)
        self._pk = Ed25519PublicKey.from_public_bytes(pub)

    @property
    def vkey(self):
        return "%s+%s+%s" % (self.name, self.keyid.hex(),
                             b64e(bytes([self.type]) + self.pub))

    def verify_raw(self, sig, msg):
        try:
            self._pk.verify(sig, msg)
            return True
        except InvalidSignature:
            return False

    def __repr__(self):
        return "VerifierKey(%s)" % self.vkey


def parse_vkey(s):
    s = s.strip()
    parts = s.split("+", 2)
    if len(parts) != 3:
        raise TlogError("malformed vkey")
    name, hexid, b64 = parts
    if not re.match(r"^[0-9a-f]{8}$", hexid):
        raise TlogError("malformed vkey key ID")
    raw = b64d(b64)
    if len(raw) < 1:
        raise TlogError("empty vkey key material")
    k = VerifierKey(name, raw[0], raw[1:])
    if k.keyid.hex() != hexid:
        raise TlogError("vkey key ID mismatch for %s" % name)
    return k


class SignerKey:
    def __init__(self, name, sig_type, seed):
        if len(seed) != 32:
            raise TlogError("Ed25519 seed must be 32 bytes")
        self._sk = Ed25519PrivateKey.from_private_bytes(seed)
        self.seed = seed
        pub = self._sk.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.verifier = VerifierKey(name, sig_type, pub)
        self.name = name
        self.type = sig_type
        self.keyid = self.verifier.keyid

    @classmethod
    def generate(cls, name, sig_type):
        return cls(name, sig_type, os.urandom(32))

    @property
    def skey(self):
        return "PRIVATE+KEY+%s+%s+%s" % (self.name, self.keyid.hex(),
                                         b64e(bytes([self.type]) + self.seed))

    def sign_raw(self, msg):
        return self._sk.sign(msg)


def parse_skey(s):
    s = s.strip()
    parts = s.split("+", 4)
    if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
        raise TlogError("malformed signer key")
    _, _, name, hexid, b64 = parts
    raw = b64d(b64)
    if len(raw) != 33:
        raise TlogError("malformed signer key material")
    k = SignerKey(name, raw[0], raw[1:])
    if k.keyid.hex() != hexid:
        raise TlogError("signer key ID mismatch")
    return k


# ---------------------------------------------------------------------------
# Signed notes

class SigLine:
    def __init__(self, name, raw, line):
        self.name = name
        self.raw = raw          # key ID || signature bytes
        self.line = line        # full line without trailing newline

    @property
    def keyid(self):
        return self.raw[:4]

    @property
    def sig(self):
        return self.raw[4:]


class Note:
    def __init__(self, text, sigs):
        self.text = text        # str, includes final newline
        self.sigs = sigs        # list of SigLine

    def serialize(self):
        return self.text + "\n" + "".join(s.line + "\n" for s in self.sigs)


def parse_sig_line(line):
    if not line.startswith(EM_DASH + " "):
        raise TlogError("malformed signature line")
    rest = line[2:]
    sp = rest.find(" ")
    if sp < 0:
        raise TlogError("malformed signature line")
    name, b64 = rest[:sp], rest[sp + 1:]
    check_key_name(name)
    raw = b64d(b64)
    if len(raw) < 5:
        raise TlogError("signature too short")
    return SigLine(name, raw, line)


def parse_sig_lines(s):
    """Parse a block of newline-terminated signature lines."""
    if not s or not s.endswith("\n"):
        raise TlogError("signature block must be non-empty and end in newline")
    return [parse_sig_line(l) for l in s[:-1].split("\n")]


def parse_note(data):
    if isinstance(data, bytes):
        if len(data) > MAX_NOTE_BYTES:
            raise TlogError("note too large")
        try:
            data = data.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            raise TlogError("note is not valid UTF-8")
    for c in data:
        if ord(c) < 0x20 and c != "\n":
            raise TlogError("note contains control character")
    i = data.rfind("\n\n")
    if i < 0:
        raise TlogError("note has no signature separator")
    text, sigblock = data[:i + 1], data[i + 2:]
    sigs = parse_sig_lines(sigblock)
    if len(sigs) > MAX_SIGNATURES:
        raise TlogError("too many signatures")
    return Note(text, sigs)


def sign_note_line(signer, text):
    """Type 0x01 Ed25519 note signature line over text."""
    if signer.type != SIG_ED25519:
        raise TlogError("signer is not a type 0x01 (Ed25519 note) key")
    sig = signer.sign_raw(text.encode("utf-8"))
    return "%s %s %s" % (EM_DASH, signer.name, b64e(signer.keyid + sig))


def sign_note(signer, text):
    if not text.endswith("\n"):
        raise TlogError("note text must end in newline")
    return text + "\n" + sign_note_line(signer, text) + "\n"


# ---------------------------------------------------------------------------
# Checkpoints

class Checkpoint:
    def __init__(self, origin, size, root, extensions=()):
        self.origin = origin
        self.size = size
        self.root = root
        self.extensions = list(extensions)

    def text(self):
        return "%s\n%d\n%s\n" % (self.origin, self.size, b64e(self.root)) + \
            "".join(e + "\n" for e in self.extensions)


def parse_checkpoint_text(text):
    if not text.endswith("\n"):
        raise TlogError("checkpoint text must end in newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise TlogError("checkpoint needs at least three lines")
    for l in lines:
        if l == "":
            raise TlogError("checkpoint has an empty line")
    origin = lines[0]
    size = parse_decimal(lines[1], "tree size")
    root = b64d(lines[2])
    if len(root) != 32:
        raise TlogError("root hash must be 32 bytes")
    return Checkpoint(origin, size, root, lines[3:])


# ---------------------------------------------------------------------------
# Cosignatures (cosignature/v1, type 0x04)

def cosig_message(note_text, timestamp):
    return ("cosignature/v1\ntime %d\n" % timestamp).encode("utf-8") + \
        note_text.encode("utf-8")


def cosign_line(signer, note_text, timestamp):
    if signer.type != SIG_COSIG_V1:
        raise TlogError("signer is not a type 0x04 (cosignature/v1) key")
    if not (0 <= timestamp <= MAX_TIMESTAMP):
        raise TlogError("timestamp out of range")
    sig = signer.sign_raw(cosig_message(note_text, timestamp))
    raw = signer.keyid + struct.pack(">Q", timestamp) + sig
    return "%s %s %s" % (EM_DASH, signer.name, b64e(raw))


def verify_sig_line(key, sl, note_text):
    """Verify one signature line that matches key (name and ID).
    Returns (ok, timestamp or None)."""
    if key.type == SIG_ED25519:
        if len(sl.sig) != 64:
            return False, None
        return key.verify_raw(sl.sig, note_text.encode("utf-8")), None
    if key.type == SIG_COSIG_V1:
        if len(sl.sig) != 8 + 64:
            return False, None
        ts = struct.unpack(">Q", sl.sig[:8])[0]
        if ts > MAX_TIMESTAMP:
            return False, ts
        return key.verify_raw(sl.sig[8:], cosig_message(note_text, ts)), ts
    return False, None


def match_keys(keys, sl):
    return [k for k in keys if k.name == sl.name and k.keyid == sl.keyid]


class NoteVerification:
    def __init__(self):
        self.verified = []      # list of (key, timestamp)
        self.bad = []           # list of (key, reason)


def verify_note_sigs(note, keys):
    """Check all signature lines of note against keys. Unknown signatures are
    ignored; known ones are verified. Returns NoteVerification."""
    res = NoteVerification()
    seen = set()
    for sl in note.sigs:
        for k in match_keys(keys, sl):
            ok, ts = verify_sig_line(k, sl, note.text)
            if ok:
                if (k.name, k.keyid, k.pub) not in seen:
                    seen.add((k.name, k.keyid, k.pub))
                    res.verified.append((k, ts))
            else:
                res.bad.append((k, "signature by %s failed to verify" % k.name))
    return res


# ---------------------------------------------------------------------------
# Merkle trees (RFC 6962 / RFC 9162)

EMPTY_ROOT = sha256(b"")


def leaf_hash(data):
    return sha256(b"\x00" + data)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def _split(n):
    """Largest power of two strictly less than n (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root_from_leaf_hashes(hashes):
    """Iterative MTH using a stack of perfect subtrees."""
    if not hashes:
        return EMPTY_ROOT
    stack = []  # list of (height, hash)
    for i, h in enumerate(hashes):
        height = 0
        cur = h
        # merge while the completed subtree sizes allow (binary counter)
        n = i + 1
        while n % 2 == 0:
            _, left = stack.pop()
            cur = node_hash(left, cur)
            height += 1
            n //= 2
        stack.append((height, cur))
    cur = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        cur = node_hash(left, cur)
    return cur


class Tree:
    def __init__(self, leaves=()):
        self.hashes = [leaf_hash(d) for d in leaves]
        self._memo = {}

    def append(self, data):
        self.hashes.append(leaf_hash(data))

    @property
    def size(self):
        return len(self.hashes)

    def root(self, n=None):
        if n is None:
            n = len(self.hashes)
        if n > len(self.hashes):
            raise TlogError("size beyond tree")
        return root_from_leaf_hashes(self.hashes[:n])

    def _mth(self, lo, hi):
        """MTH of leaves [lo, hi), hi > lo."""
        key = (lo, hi)
        r = self._memo.get(key)
        if r is None:
            if hi - lo == 1:
                r = self.hashes[lo]
            else:
                k = _split(hi - lo)
                r = node_hash(self._mth(lo, lo + k), self._mth(lo + k, hi))
            self._memo[key] = r
        return r

    def inclusion_proof(self, index, n):
        if not (0 <= index < n <= len(self.hashes)):
            raise TlogError("invalid inclusion proof request")
        proof = []
        lo, hi, m = 0, n, index
        # descend, collecting siblings top-down, then reverse
        while hi - lo > 1:
            k = _split(hi - lo)
            if m < k:
                proof.append(self._mth(lo + k, hi))
                hi = lo + k
            else:
                proof.append(self._mth(lo, lo + k))
                lo = lo + k
                m -= k
        return list(reversed(proof))

    def consistency_proof(self, m, n):
        if not (0 <= m <= n <= len(self.hashes)):
            raise TlogError("invalid consistency proof request")
        if m == 0 or m == n:
            return []
        return self._subproof(m, 0, n, True)

    def _subproof(self, m, lo, hi, b):
        n = hi - lo
        if m == n:
            return [] if b else [self._mth(lo, hi)]
        k = _split(n)
        if m <= k:
            return self._subproof(m, lo, lo + k, b) + [self._mth(lo + k, hi)]
        return self._subproof(m - k, lo + k, hi, False) + [self._mth(lo, lo + k)]


def verify_inclusion(index, size, leaf, root, proof):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_hash, second_hash, proof):
    """RFC 9162 section 2.1.4.2, plus the trivial cases first == 0 and
    first == second (for which the proof must be empty)."""
    if first > second:
        return False
    if first == 0:
        return len(proof) == 0 and first_hash == EMPTY_ROOT
    if first == second:
        return len(proof) == 0 and first_hash == second_hash
    if len(proof) == 0:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_hash)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_hash and sr == second_hash and sn == 0


# ---------------------------------------------------------------------------
# tlog-policy

class Policy:
    def __init__(self):
        self.logs = []            # list of (VerifierKey, url or None)
        self.witnesses = {}       # name -> (VerifierKey, url or None)
        self.groups = {}          # name -> (k, [member names])
        self.order = []           # definition order of witness/group names
        self.quorum = None        # name, or "none"

    def log_keys(self):
        return [k for k, _ in self.logs]

    def witness_keys(self):
        return [k for k, _ in self.witnesses.values()]

    def evaluate(self, witnessed_names, name=None):
        """witnessed_names: set of policy witness names with a valid
        cosignature. Returns True if the quorum (or the named node) holds."""
        if name is None:
            name = self.quorum
        if name == "none":
            return True
        if name in self.witnesses:
            return name in witnessed_names
        k, members = self.groups[name]
        count = sum(1 for m in members if self.evaluate(witnessed_names, m))
        return count >= k


_WS_RE = re.compile(rb"[ \t]+")


def parse_policy(data, require_quorum=True):
    if isinstance(data, str):
        data = data.encode("utf-8")
    for b in data:
        if not (b == 0x09 or b == 0x0A or 0x20 <= b <= 0x7E or b >= 0x80):
            raise TlogError("policy: forbidden octet 0x%02x" % b)
    p = Policy()
    used_as_member = set()
    log_pubs = set()
    witness_pubs = set()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for lineno, raw in enumerate(lines, 1):
        stripped = raw.strip(b" \t")
        if not stripped or stripped.startswith(b"#"):
            continue
        # names and URLs are opaque octets; decode losslessly for handling
        f = [x.decode("utf-8", errors="surrogateescape")
             for x in _WS_RE.split(stripped)]

        def err(msg):
            raise TlogError("policy line %d: %s" % (lineno, msg))
        kw = f[0]
        if kw == "log":
            if len(f) not in (2, 3):
                err("usage: log <vkey> [<url>]")
            try:
                k = parse_vkey(f[1])
            except TlogError as e:
                err(str(e))
            if k.type != SIG_ED25519:
                err("log key must be signature type 0x01")
            if k.pub in log_pubs:
                err("duplicate log key")
            log_pubs.add(k.pub)
            p.logs.append((k, f[2] if len(f) == 3 else None))
        elif kw == "witness":
            if len(f) not in (3, 4):
                err("usage: witness <name> <vkey> [<url>]")
            name = f[1]
            if name == "none" or name in p.witnesses or name in p.groups:
                err("name %r already defined or reserved" % name)
            try:
                k = parse_vkey(f[2])
            except TlogError as e:
                err(str(e))
            if k.type != SIG_COSIG_V1:
                err("witness key must be signature type 0x04")
            if k.pub in witness_pubs:
                err("duplicate witness key")
            witness_pubs.add(k.pub)
            p.witnesses[name] = (k, f[3] if len(f) == 4 else None)
            p.order.append(name)
        elif kw == "group":
            if len(f) < 4:
                err("usage: group <name> <all|any|k> <name>...")
            name, kspec, members = f[1], f[2], f[3:]
            if name == "none" or name in p.witnesses or name in p.groups:
                err("name %r already defined or reserved" % name)
            n = len(members)
            if kspec == "all":
                k = n
            elif kspec == "any":
                k = 1
            else:
                if not _DEC_RE.match(kspec):
                    err("invalid threshold %r" % kspec)
                k = int(kspec)
                if not (1 <= k <= n):
                    err("threshold out of range 1..%d" % n)
            seen = set()
            for m in members:
                if m == "none":
                    err("'none' is not a valid group member")
                if m not in p.witnesses and m not in p.groups:
                    err("undefined member %r" % m)
                if m in seen or m in used_as_member:
                    err("name %r listed as a group member more than once" % m)
                seen.add(m)
            used_as_member.update(seen)
            p.groups[name] = (k, members)
            p.order.append(name)
        elif kw == "quorum":
            if len(f) != 2:
                err("usage: quorum <name>")
            if p.quorum is not None:
                err("more than one quorum line")
            q = f[1]
            if q != "none" and q not in p.witnesses and q not in p.groups:
                err("quorum refers to undefined name %r" % q)
            p.quorum = q
        else:
            err("unknown keyword %r" % kw)
    if require_quorum and p.quorum is None:
        raise TlogError("policy: missing quorum line")
    return p


# ---------------------------------------------------------------------------
# Checkpoint verification (log signature + cosignatures + policy)

def verify_checkpoint(note_data, log_keys, witness_keys, policy=None,
                      now=None):
    """Returns (ok, reason, result_dict)."""
    result = {"log_ok": False, "cosigned_by": [], "quorum_ok": False}
    try:
        note = parse_note(note_data)
        cp = parse_checkpoint_text(note.text)
    except TlogError as e:
        return False, "malformed checkpoint: %s" % e, result
    result.update({"origin": cp.origin, "size": cp.size,
                   "root": b64e(cp.root)})
    lkeys = [k for k in log_keys if k.type == SIG_ED25519]
    wkeys = [k for k in witness_keys if k.type == SIG_COSIG_V1]
    if policy is not None:
        lkeys += policy.log_keys()
        wkeys += policy.witness_keys()
    origin_keys = [k for k in lkeys if k.name == cp.origin]
    lv = verify_note_sigs(note, origin_keys)
    if lv.bad:
        return False, lv.bad[0][1], result
    if not lv.verified:
        if not origin_keys:
            return False, "no known log key for origin %r" % cp.origin, result
        return False, "no valid log signature", result
    result["log_ok"] = True
    wv = verify_note_sigs(note, wkeys)
    if wv.bad:
        return False, wv.bad[0][1], result
    witnessed = set()
    future = []
    for k, ts in wv.verified:
        if now is not None and ts > now:
            future.append({"name": k.name, "time": ts})
            continue
        entry = {"name": k.name, "time": ts}
        if policy is not None:
            for pname, (pk, _) in policy.witnesses.items():
                if pk.pub == k.pub and pk.keyid == k.keyid:
                    entry["policy_name"] = pname
                    witnessed.add(pname)
        result["cosigned_by"].append(entry)
    if future:
        result["future_cosignatures"] = future
    if policy is None:
        result["quorum_ok"] = True
    else:
        result["quorum_ok"] = policy.evaluate(witnessed)
        if not result["quorum_ok"]:
            return False, "witness quorum %r not satisfied" % policy.quorum, \
                result
    return True, "", result


# ---------------------------------------------------------------------------
# Witness (tlog-witness add-checkpoint server)

class HTTPError(Exception):
    def __init__(self, status, msg, body=None, ctype="text/plain; charset=utf-8"):
        Exception.__init__(self, msg)
        self.status = status
        self.body = body if body is not None else (msg + "\n")
        self.ctype = ctype


def parse_add_checkpoint_body(body):
    try:
        s = body.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise HTTPError(400, "body is not UTF-8")
    i = s.find("\n")
    if i < 0:
        raise HTTPError(400, "missing old size line")
    first = s[:i]
    if not first.startswith("old "):
        raise HTTPError(400, "malformed old size line")
    try:
        old = parse_decimal(first[4:], "old size")
    except TlogError as e:
        raise HTTPError(400, str(e))
    rest = s[i + 1:]
    proof = []
    while True:
        j = rest.find("\n")
        if j < 0:
            raise HTTPError(400, "missing empty line before checkpoint")
        line, rest = rest[:j], rest[j + 1:]
        if line == "":
            break
        if len(proof) >= MAX_PROOF_LINES:
            raise HTTPError(400, "too many consistency proof lines")
        try:
            h = b64d(line)
        except TlogError as e:
            raise HTTPError(400, "bad proof line: %s" % e)
        if len(h) != 32:
            raise HTTPError(400, "proof hash must be 32 bytes")
        proof.append(h)
    try:
        note = parse_note(rest)
        cp = parse_checkpoint_text(note.text)
    except TlogError as e:
        raise HTTPError(400, "malformed checkpoint: %s" % e)
    return old, proof, note, cp


def atomic_write(path, data):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=d)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dfd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


class Witness:
    def __init__(self, signer, log_keys, state_file, clock=None):
        if signer.type != SIG_COSIG_V1:
            raise TlogError("witness key must be type 0x04")
        self.signer = signer
        self.logs = {}
        for k in log_keys:
            self.logs.setdefault(k.name, []).append(k)
        self.state_file = state_file
        self.clock = clock or (lambda: int(time.time()))
        self.lock = threading.Lock()
        self.state = {"origins": {}}
        if os.path.exists(state_file):
            with open(state_file, "rb") as f:
                raw = f.read()
            if raw.strip():
                self.state = json.loads(raw.decode("utf-8"))
                self.state.setdefault("origins", {})

    def add_checkpoint(self, body):
        """Returns (status, content_type, body_bytes)."""
        try:
            return 200, "text/plain; charset=utf-8", \
                self._add_checkpoint(body).encode("utf-8")
        except HTTPError as e:
            return e.status, e.ctype, e.body.encode("utf-8")

    def _add_checkpoint(self, body):
        old, proof, note, cp = parse_add_checkpoint_body(body)
        keys = self.logs.get(cp.origin)
        if not keys:
            raise HTTPError(404, "unknown log origin")
        v = verify_note_sigs(note, keys)
        if v.bad:
            raise HTTPError(403, "invalid log signature")
        if not v.verified:
            raise HTTPError(403, "no signature from a trusted log key")
        if old > cp.size:
            raise HTTPError(400, "old size larger than checkpoint size")
        with self.lock:
            st = self.state["origins"].get(cp.origin)
            cur_size = st["size"] if st else 0
            cur_root = b64d(st["root"]) if st else EMPTY_ROOT
            if old != cur_size:
                raise HTTPError(409, "old size mismatch",
                                body="%d\n" % cur_size,
                                ctype="text/x.tlog.size")
            if cp.size == 0 and cp.root != EMPTY_ROOT:
                raise HTTPError(422, "size 0 checkpoint with non-empty root")
            if old == 0:
                if proof:
                    raise HTTPError(422, "non-empty proof from old size 0")
            elif old == cp.size:
                if cp.root != cur_root:
                    raise HTTPError(422, "root hash mismatch at same size")
                if proof:
                    raise HTTPError(422, "non-empty proof for equal sizes")
            elif not verify_consistency(old, cp.size, cur_root, cp.root,
                                        proof):
                raise HTTPError(422, "consistency proof failed to verify")
            ts = self.clock()
            if ts <= 0:
                ts = 1
            line = cosign_line(self.signer, note.text, ts)
            # checkpoint to serve to monitors: log signatures that verified
            # plus our cosignature
            kept = [sl.line for sl in note.sigs
                    if any(verify_sig_line(k, sl, note.text)[0]
                           for k in match_keys(keys, sl))]
            served = note.text + "\n" + "".join(l + "\n" for l in kept) + \
                line + "\n"
            new_state = json.loads(json.dumps(self.state))
            new_state["origins"][cp.origin] = {
                "size": cp.size, "root": b64e(cp.root), "checkpoint": served}
            atomic_write(self.state_file,
                         json.dumps(new_state, indent=1,
                                    sort_keys=True).encode("utf-8"))
            self.state = new_state
            return line + "\n"

    def get_checkpoint(self, origin_hash_hex):
        with self.lock:
            for origin, st in self.state["origins"].items():
                if hashlib.sha256(origin.encode("utf-8")).hexdigest() == \
                        origin_hash_hex:
                    return st.get("checkpoint")
        return None


def make_handler(witness, prefix=""):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            if os.environ.get("TLOGPY_VERBOSE"):
                sys.stderr.write("witness: " + (fmt % args) + "\n")

        def _send(self, status, ctype, body):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            path = urllib.parse.urlsplit(self.path).path
            length = self.headers.get("Content-Length")
            body = b""
            if length is not None:
                try:
                    n = int(length)
                except ValueError:
                    n = -1
                if n < 0 or n > MAX_NOTE_BYTES + 64 * 70:
                    self.close_connection = True
                    return self._send(400, "text/plain", b"bad length\n")
                body = self.rfile.read(n)
            if path != prefix + "/add-checkpoint":
                return self._send(404, "text/plain", b"not found\n")
            status, ctype, out = witness.add_checkpoint(body)
            self._send(status, ctype, out)

        def do_GET(self):
            path = urllib.parse.urlsplit(self.path).path
            m = re.match(r"^" + re.escape(prefix) + r"/([0-9a-f]{64})/checkpoint$",
                         path)
            cp = witness.get_checkpoint(m.group(1)) if m else None
            if cp is None:
                return self._send(404, "text/plain", b"not found\n")
            self._send(200, "text/plain; charset=utf-8", cp.encode("utf-8"))

    return Handler


class ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


# ---------------------------------------------------------------------------
# CLI

def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _read_text(path):
    return _read(path).decode("utf-8")


def _stdin_bytes():
    return sys.stdin.buffer.read()


def _type_of(s):
    return SIG_ED25519 if s == "log" else SIG_COSIG_V1


def cmd_keygen(a):
    k = SignerKey.generate(a.name, _type_of(a.type))
    with open(a.out_skey, "w") as f:
        f.write(k.skey + "\n")
    os.chmod(a.out_skey, 0o600)
    with open(a.out_vkey, "w") as f:
        f.write(k.verifier.vkey + "\n")
    print(k.verifier.vkey)
    return 0


def cmd_log_sign(a):
    k = parse_skey(_read_text(a.skey))
    root = b64d(a.root_b64)
    if len(root) != 32:
        raise TlogError("root must be 32 bytes")
    cp = Checkpoint(a.origin, a.size, root, a.extension or [])
    parse_checkpoint_text(cp.text())
    sys.stdout.write(sign_note(k, cp.text()))
    return 0


def _read_leaves(path):
    data = _read(path)
    if data == b"":
        return []
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines


def cmd_tree(a):
    t = Tree(_read_leaves(a.leaves_file))
    n = t.size if a.size is None else a.size
    print(n)
    print(b64e(t.root(n)))
    return 0


def cmd_consistency(a):
    t = Tree(_read_leaves(a.leaves_file))
    for h in t.consistency_proof(a.old, a.new):
        print(b64e(h))
    return 0


def cmd_inclusion(a):
    t = Tree(_read_leaves(a.leaves_file))
    n = t.size if a.size is None else a.size
    for h in t.inclusion_proof(a.index, n):
        print(b64e(h))
    return 0


def cmd_cosign(a):
    k = parse_skey(_read_text(a.skey))
    note = parse_note(_stdin_bytes())
    parse_checkpoint_text(note.text)
    ts = int(time.time()) if a.time is None else a.time
    print(cosign_line(k, note.text, ts))
    return 0


def _load_vkeys(paths):
    keys = []
    for p in paths or []:
        for line in _read_text(p).splitlines():
            if line.strip():
                keys.append(parse_vkey(line))
    return keys


def cmd_verify_checkpoint(a):
    policy = parse_policy(_read(a.policy)) if a.policy else None
    lkeys = _load_vkeys(a.log_vkey)
    wkeys = _load_vkeys(a.witness_vkey)
    if not lkeys and (policy is None or not policy.logs):
        raise TlogError("no log keys given")
    ok, reason, res = verify_checkpoint(_stdin_bytes(), lkeys, wkeys, policy,
                                        a.now)
    print(json.dumps(res, sort_keys=True))
    if not ok:
        sys.stderr.write("verify-checkpoint: %s\n" % reason)
        return 1
    return 0


def cmd_witness_serve(a):
    signer = parse_skey(_read_text(a.skey))
    pol = parse_policy(_read(a.policy_or_logs), require_quorum=False)
    if not pol.logs:
        raise TlogError("no log lines in %s" % a.policy_or_logs)
    w = Witness(signer, pol.log_keys(), a.state_file)
    srv = ThreadingServer((a.host, a.port), make_handler(w, a.prefix))
    print("listening on %s:%d" % (a.host, srv.server_address[1]), flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
    return 0


def cmd_submit(a):
    note = _stdin_bytes()
    body = ("old %d\n" % a.old).encode("ascii")
    if a.proof_file:
        for line in _read_text(a.proof_file).splitlines():
            if line.strip():
                body += line.strip().encode("ascii") + b"\n"
    body += b"\n" + note
    u = urllib.parse.urlsplit(a.url)
    path = u.path.rstrip("/")
    if not path.endswith("/add-checkpoint"):
        path += "/add-checkpoint"
    cls = http.client.HTTPSConnection if u.scheme == "https" else \
        http.client.HTTPConnection
    try:
        conn = cls(u.hostname, u.port, timeout=a.timeout)
        conn.request("POST", path, body=body,
                     headers={"Content-Type": "text/plain"})
        resp = conn.getresponse()
        out = resp.read()
        conn.close()
    except OSError as e:
        sys.stderr.write("submit: connection failed: %s\n" % e)
        return 3
    if resp.status == 200:
        sys.stdout.write(out.decode("utf-8", errors="replace"))
        return 0
    if resp.status == 409:
        sys.stdout.write(out.decode("utf-8", errors="replace"))
        sys.stderr.write("submit: HTTP 409 (content-type %s)\n"
                         % resp.getheader("Content-Type"))
        return 9
    sys.stderr.write("submit: HTTP %d: %s\n" % (
        resp.status, out.decode("utf-8", errors="replace").strip()))
    return 1


def main(argv=None):
    p = argparse.ArgumentParser(prog="tlogpy", description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("keygen")
    s.add_argument("--name", required=True)
    s.add_argument("--type", choices=["log", "witness"], required=True)
    s.add_argument("--out-skey", required=True)
    s.add_argument("--out-vkey", required=True)
    s.set_defaults(func=cmd_keygen)

    s = sub.add_parser("log-sign")
    s.add_argument("--skey", required=True)
    s.add_argument("--origin", required=True)
    s.add_argument("--size", type=int, required=True)
    s.add_argument("--root-b64", required=True)
    s.add_argument("--extension", action="append")
    s.set_defaults(func=cmd_log_sign)

    s = sub.add_parser("tree")
    s.add_argument("--leaves-file", required=True)
    s.add_argument("--size", type=int)
    s.set_defaults(func=cmd_tree)

    s = sub.add_parser("consistency")
    s.add_argument("--leaves-file", required=True)
    s.add_argument("--old", type=int, required=True)
    s.add_argument("--new", type=int, required=True)
    s.set_defaults(func=cmd_consistency)

    s = sub.add_parser("inclusion")
    s.add_argument("--leaves-file", required=True)
    s.add_argument("--index", type=int, required=True)
    s.add_argument("--size", type=int)
    s.set_defaults(func=cmd_inclusion)

    s = sub.add_parser("cosign")
    s.add_argument("--skey", required=True)
    s.add_argument("--time", type=int)
    s.set_defaults(func=cmd_cosign)

    s = sub.add_parser("verify-checkpoint")
    s.add_argument("--log-vkey", action="append")
    s.add_argument("--witness-vkey", action="append")
    s.add_argument("--policy")
    s.add_argument("--now", type=int)
    s.set_defaults(func=cmd_verify_checkpoint)

    s = sub.add_parser("witness-serve")
    s.add_argument("--skey", required=True)
    s.add_argument("--policy-or-logs", required=True)
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--prefix", default="")
    s.add_argument("--state-file", required=True)
    s.set_defaults(func=cmd_witness_serve)

    s = sub.add_parser("submit")
    s.add_argument("--url", required=True)
    s.add_argument("--old", type=int, required=True)
    s.add_argument("--proof-file")
    s.add_argument("--timeout", type=float, default=30.0)
    s.set_defaults(func=cmd_submit)

    a = p.parse_args(argv)
    try:
        return a.func(a)
    except (TlogError, OSError, ValueError) as e:
        sys.stderr.write("%s: %s\n" % (a.cmd, e))
        return 1


if __name__ == "__main__":
    sys.exit(main())
