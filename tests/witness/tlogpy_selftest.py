#!/usr/bin/python3
"""Self-test for tlogpy.py. Run: python3 tests/witness/tlogpy_selftest.py"""

import base64
import hashlib
import http.client
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tlogpy as T  # noqa: E402

TOOL = os.path.join(HERE, "tlogpy.py")
PY = sys.executable or "/usr/bin/python3"
EM = "\u2014"


def H(b):
    return hashlib.sha256(b).digest()


# ----- naive RFC 6962 reference (straight from the section 2.1 definitions)

def ref_mth(d):
    n = len(d)
    if n == 0:
        return H(b"")
    if n == 1:
        return H(b"\x00" + d[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return H(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:]))


def ref_path(m, d):
    n = len(d)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return ref_path(m, d[:k]) + [ref_mth(d[k:])]
    return ref_path(m - k, d[k:]) + [ref_mth(d[:k])]


def ref_subproof(m, d, b):
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return ref_subproof(m, d[:k], b) + [ref_mth(d[k:])]
    return ref_subproof(m - k, d[k:], False) + [ref_mth(d[:k])]


def ref_proof(m, d):
    if m == 0 or m == len(d):
        return []
    return ref_subproof(m, d, True)


class NoteTests(unittest.TestCase):
    def test_signed_note_spec_example(self):
        # signed-note.md "Verifier keys / Example"
        k = T.parse_vkey(
            "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
        self.assertEqual(k.type, 0x01)
        self.assertEqual(k.keyid.hex(), "530d903a")
        note = T.parse_note(
            "This is an example message.\n\n" + EM + " example.com/foo "
            "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYj"
            "OBH3mFXmRKuwHjG1Yu72IneyaQM=\n")
        self.assertEqual(note.text, "This is an example message.\n")
        v = T.verify_note_sigs(note, [k])
        self.assertEqual(len(v.verified), 1)
        self.assertEqual(v.bad, [])
        # tampered text fails
        bad = T.Note("This is an example message!\n", note.sigs)
        v = T.verify_note_sigs(bad, [k])
        self.assertEqual(v.verified, [])
        self.assertEqual(len(v.bad), 1)

    def test_go_note_skey_layout(self):
        # Signer key layout of Go's golang.org/x/mod/sumdb/note (its docs'
        # example key pair), i.e. PRIVATE+KEY+name+id+base64(0x01||seed).
        k = T.parse_skey("PRIVATE+KEY+PeterNeumann+c74f20a3+"
                         "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
        self.assertEqual(k.verifier.vkey, "PeterNeumann+c74f20a3+"
                         "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")

    def test_keyid(self):
        pub = bytes(range(32))
        for typ in (1, 4):
            want = hashlib.sha256(b"example.com/w\n" + bytes([typ]) + pub).digest()[:4]
            self.assertEqual(T.key_id("example.com/w", typ, pub), want)
        k1 = T.SignerKey("w.example/a", 1, b"\x07" * 32)
        k4 = T.SignerKey("w.example/a", 4, b"\x07" * 32)
        self.assertNotEqual(k1.keyid, k4.keyid)
        self.assertEqual(T.parse_vkey(k4.verifier.vkey).keyid, k4.keyid)
        self.assertEqual(T.parse_skey(k4.skey).verifier.vkey, k4.verifier.vkey)
        with self.assertRaises(T.TlogError):  # wrong key id
            T.parse_vkey("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")

    def test_note_parsing(self):
        k = T.SignerKey.generate("example.com/log", 1)
        text = "a\n\nb\n"   # note text may contain empty lines
        n = T.sign_note(k, text)
        note = T.parse_note(n)
        self.assertEqual(note.text, text)
        self.assertEqual(len(T.verify_note_sigs(note, [k.verifier]).verified), 1)
        for bad in ["no sigs\n", "x\n\n", "x\n\n" + EM + " a\n",
                    "x\n\n" + EM + " a b c\n", "x\n\n- a AAAAAAAA\n",
                    "x\r\n\n" + EM + " a AAAAAAAA\n",
                    "x\n\n" + EM + " a+b AAAAAAAA\n",
                    "x\n\n" + EM + " a AAAAAAAA"]:
            with self.assertRaises(T.TlogError, msg=repr(bad)):
                T.parse_note(bad)
        with self.assertRaises(T.TlogError):
            T.parse_note(b"x\xff\n\n" + EM.encode() + b" a AAAAAAAA\n")
        # unknown keys ignored: same name different id, same id different name
        other = T.SignerKey.generate("example.com/log", 1)
        note = T.parse_note(n.rstrip("\n") + "\n" + T.sign_note_line(other, text) + "\n")
        v = T.verify_note_sigs(note, [k.verifier])
        self.assertEqual((len(v.verified), len(v.bad)), (1, 0))

    def test_checkpoint_parsing(self):
        cp = T.parse_checkpoint_text(
            "example.com/behind-the-sofa\n20852163\n"
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
        self.assertEqual((cp.origin, cp.size), ("example.com/behind-the-sofa", 20852163))
        r = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
        for bad in ["o\n01\n%s\n" % r, "o\n1\n", "\n1\n%s\n" % r,
                    "o\n1\n%s\n\n" % r, "o\n1\nAAAA\n", "o\n-1\n%s\n" % r,
                    "o\n1\n%s" % r]:
            with self.assertRaises(T.TlogError, msg=repr(bad)):
                T.parse_checkpoint_text(bad)
        self.assertEqual(T.parse_checkpoint_text("o\n1\n%s\next\n" % r).extensions, ["ext"])

    def test_cosignature_spec_example_structure(self):
        # tlog-cosignature.md example: no public key is given, so only the
        # structure (key ID || u64 timestamp || 64-byte sig) can be checked.
        raw = base64.b64decode(
            "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2"
            "oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==")
        self.assertEqual(len(raw), 4 + 8 + 64)
        self.assertEqual(struct.unpack(">Q", raw[4:12])[0], 1679315147)
        self.assertEqual(
            T.cosig_message("example.com/behind-the-sofa\n20852163\n"
                            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", 1679315147),
            b"cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n"
            b"20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")

    def test_cosign_roundtrip(self):
        lk = T.SignerKey.generate("example.com/log", 1)
        wk = T.SignerKey.generate("witness.example/w1", 4)
        text = T.Checkpoint("example.com/log", 5, b"\x01" * 32).text()
        n = T.sign_note(lk, text)
        line = T.cosign_line(wk, text, 1700000000)
        raw = T.b64d(line.split(" ")[2])
        self.assertEqual(raw[:4], wk.keyid)
        self.assertEqual(struct.unpack(">Q", raw[4:12])[0], 1700000000)
        full = n + line + "\n"
        ok, reason, res = T.verify_checkpoint(full, [lk.verifier], [wk.verifier])
        self.assertTrue(ok, reason)
        self.assertEqual(res["cosigned_by"], [{"name": "witness.example/w1", "time": 1700000000}])
        # a cosignature over a different timestamp must fail
        raw2 = raw[:4] + struct.pack(">Q", 1700000001) + raw[12:]
        bad = n + EM + " witness.example/w1 " + T.b64e(raw2) + "\n"
        ok, reason, _ = T.verify_checkpoint(bad, [lk.verifier], [wk.verifier])
        self.assertFalse(ok)
        # ignored if the witness is unknown
        ok, reason, res = T.verify_checkpoint(bad, [lk.verifier], [])
        self.assertTrue(ok, reason)
        self.assertEqual(res["cosigned_by"], [])
        # ed25519 type-0x01 key with the same seed does not verify a cosig
        self.assertNotEqual(T.SignerKey("witness.example/w1", 1, wk.seed).keyid, wk.keyid)
        # future timestamp excluded with --now
        ok, reason, res = T.verify_checkpoint(full, [lk.verifier], [wk.verifier], now=1600000000)
        self.assertTrue(ok)
        self.assertEqual(res["cosigned_by"], [])


class MerkleTests(unittest.TestCase):
    def test_roots_and_proofs(self):
        rnd = random.Random(6962)
        leaves = [bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 40)))
                  for _ in range(70)]
        tree = T.Tree(leaves)
        self.assertEqual(tree.root(0), H(b""))
        for n in range(0, len(leaves) + 1):
            root = ref_mth(leaves[:n])
            self.assertEqual(tree.root(n), root, n)
            self.assertEqual(T.Tree(leaves[:n]).root(), root)
            for i in range(n):
                p = tree.inclusion_proof(i, n)
                self.assertEqual(p, ref_path(i, leaves[:n]))
                self.assertTrue(T.verify_inclusion(i, n, T.leaf_hash(leaves[i]), root, p))
                self.assertFalse(T.verify_inclusion(i, n, T.leaf_hash(b"x" + leaves[i]), root, p))
                if n > 1:
                    self.assertFalse(T.verify_inclusion((i + 1) % n, n, T.leaf_hash(leaves[i]), root, p))
            for m in range(0, n + 1):
                p = tree.consistency_proof(m, n)
                self.assertEqual(p, ref_proof(m, leaves[:n]), (m, n))
                r1 = ref_mth(leaves[:m])
                self.assertTrue(T.verify_consistency(m, n, r1, root, p), (m, n))
                if 0 < m < n:
                    self.assertFalse(T.verify_consistency(m, n, r1, root, p[:-1]))
                    self.assertFalse(T.verify_consistency(m, n, r1, root, p + [r1]))
                    self.assertFalse(T.verify_consistency(m, n, root, r1, p))
                    if n + 1 <= len(leaves) and p != tree.consistency_proof(m, n + 1):
                        self.assertFalse(T.verify_consistency(m, n + 1, r1, ref_mth(leaves[:n + 1]), p))
                    for j in range(len(p)):
                        q = list(p)
                        q[j] = H(q[j])
                        self.assertFalse(T.verify_consistency(m, n, r1, root, q), (m, n, j))
                    if m > 1:
                        self.assertFalse(T.verify_consistency(m - 1, n, r1, root, p))
        self.assertFalse(T.verify_consistency(3, 2, H(b"a"), H(b"b"), []))
        self.assertFalse(T.verify_consistency(0, 2, H(b"a"), H(b"b"), []))

    def test_cli_tree(self):
        d = tempfile.mkdtemp()
        try:
            leaves = [b"leaf%d" % i for i in range(13)]
            f = os.path.join(d, "leaves")
            with open(f, "wb") as fh:
                fh.write(b"\n".join(leaves) + b"\n")
            out = subprocess.check_output([PY, TOOL, "tree", "--leaves-file", f]).decode().split("\n")
            self.assertEqual(out[0], "13")
            self.assertEqual(out[1], T.b64e(ref_mth(leaves)))
            out = subprocess.check_output([PY, TOOL, "consistency", "--leaves-file", f,
                                           "--old", "5", "--new", "13"]).decode().split()
            self.assertEqual(out, [T.b64e(h) for h in ref_proof(5, leaves)])
            out = subprocess.check_output([PY, TOOL, "inclusion", "--leaves-file", f,
                                           "--index", "6"]).decode().split()
            self.assertEqual(out, [T.b64e(h) for h in ref_path(6, leaves)])
        finally:
            shutil.rmtree(d)


def mkpolicy_example():
    keys = {}
    lines = []
    lk = T.SignerKey.generate("example.com/log", 1)
    lines.append("log " + lk.verifier.vkey)
    lines.append("")
    for grp in "XY":
        for i in (1, 2, 3):
            n = "%s%d" % (grp, i)
            keys[n] = T.SignerKey.generate("w%s.example" % n.lower(), 4)
            lines.append("witness %s %s" % (n, keys[n].verifier.vkey))
        lines.append("group X-witnesses 2 X1 X2 X3" if grp == "X"
                     else "group Y-witnesses any Y1 Y2 Y3")
        lines.append("")
    lines.append("group X-and-Y all X-witnesses Y-witnesses")
    lines.append("quorum X-and-Y")
    return lk, keys, "\n".join(lines) + "\n"


class PolicyTests(unittest.TestCase):
    def test_spec_example(self):
        lk, keys, text = mkpolicy_example()
        p = T.parse_policy(text)
        self.assertEqual(p.quorum, "X-and-Y")
        cases = [
            (set(), False), ({"X1", "X2"}, False), ({"X1", "Y1"}, False),
            ({"X1", "X2", "Y3"}, True), ({"X1", "X3", "Y1", "Y2"}, True),
            ({"X1", "X2", "X3", "Y1", "Y2", "Y3"}, True), ({"Y1", "Y2", "Y3", "X3"}, False),
        ]
        for s, want in cases:
            self.assertEqual(p.evaluate(s), want, s)
        # via real cosignatures
        text_cp = T.Checkpoint("example.com/log", 1, T.leaf_hash(b"a")).text()
        note = T.sign_note(lk, text_cp)
        for s, want in cases:
            full = note + "".join(T.cosign_line(keys[n], text_cp, 1000 + i) + "\n"
                                  for i, n in enumerate(sorted(s)))
            ok, reason, res = T.verify_checkpoint(full, [], [], p)
            self.assertEqual(ok, want, (s, reason))
            self.assertTrue(res["log_ok"])
            self.assertEqual(res["quorum_ok"], want)
            self.assertEqual(sorted(e["policy_name"] for e in res["cosigned_by"]), sorted(s))

    def test_syntax(self):
        lk, keys, text = mkpolicy_example()
        w = {n: k.verifier.vkey for n, k in keys.items()}
        ok_texts = [
            "quorum none\n",
            "  # comment\n\t\nlog %s https://log.example/\nquorum none" % lk.verifier.vkey,
            "witness A %s http://a/\nquorum A\n" % w["X1"],
            "witness A %s\nwitness B %s\ngroup G\t1  A B \nquorum G\n" % (w["X1"], w["X2"]),
        ]
        for t in ok_texts:
            T.parse_policy(t)
        self.assertTrue(T.parse_policy("quorum none\n").evaluate(set()))
        bad_texts = [
            "",                                                   # no quorum
            "quorum none\nquorum none\n",                         # two quorums
            "quorum A\nwitness A %s\n" % w["X1"],                 # forward reference
            "witness A %s\ngroup G 0 A\nquorum G\n" % w["X1"],    # k < 1
            "witness A %s\ngroup G 2 A\nquorum G\n" % w["X1"],    # k > n
            "witness A %s\ngroup G 01 A\nquorum G\n" % w["X1"],
            "witness A %s\ngroup G any\nquorum G\n" % w["X1"],    # n = 0
            "witness A %s\ngroup G any A A\nquorum G\n" % w["X1"],
            "witness A %s\ngroup G any A none\nquorum G\n" % w["X1"],
            "witness A %s\nwitness A %s\nquorum A\n" % (w["X1"], w["X2"]),
            "witness A %s\nwitness B %s\nquorum A\n" % (w["X1"], w["X1"]),  # dup key
            "log %s\nlog %s\nquorum none\n" % (lk.verifier.vkey, lk.verifier.vkey),
            "witness A %s\nquorum A\n" % lk.verifier.vkey,        # wrong type
            "log %s\nquorum none\n" % w["X1"],                    # wrong type
            "witness none %s\nquorum none\n" % w["X1"],
            "frobnicate x\nquorum none\n",
            "quorum none\r\n",
            "witness A %s\ngroup A any A\nquorum A\n" % w["X1"],  # name reuse
        ]
        for t in bad_texts:
            with self.assertRaises(T.TlogError, msg=repr(t)):
                T.parse_policy(t)
        # names are opaque octets: "K" != KELVIN SIGN
        self.assertEqual(T.parse_policy("witness K %s\nquorum K\n" % w["X1"]).quorum, "K")
        with self.assertRaises(T.TlogError):
            T.parse_policy(("witness K %s\nquorum \u212a\n" % w["X1"]).encode("utf-8"))


class WitnessServer:
    def __init__(self, d, skey, logs, state):
        self.proc = subprocess.Popen(
            [PY, TOOL, "witness-serve", "--skey", skey, "--policy-or-logs", logs,
             "--port", "0", "--state-file", state],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("listening on 127.0.0.1:"):
            self.proc.kill()
            raise RuntimeError("server failed: %r %r" % (line, self.proc.stderr.read()))
        self.port = int(line.strip().rsplit(":", 1)[1])
        self.url = "http://127.0.0.1:%d" % self.port

    def post(self, body, path="/add-checkpoint"):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request("POST", path, body=body)
        r = c.getresponse()
        out = r.read()
        c.close()
        return r.status, r.getheader("Content-Type"), out

    def get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request("GET", path)
        r = c.getresponse()
        out = r.read()
        c.close()
        return r.status, out

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.proc.stdout.close()
        self.proc.stderr.close()


def body(old, proof, note):
    return ("old %d\n" % old + "".join(T.b64e(h) + "\n" for h in proof) + "\n" + note).encode()


class WitnessTests(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp()
        self.origin = "example.com/testlog"
        self.lk = T.SignerKey.generate(self.origin, 1)
        self.wk = T.SignerKey.generate("witness.example/w1", 4)
        self.skey = os.path.join(self.d, "w.skey")
        with open(self.skey, "w") as f:
            f.write(self.wk.skey + "\n")
        self.logs = os.path.join(self.d, "policy")
        other = T.SignerKey.generate("example.com/other", 1)
        with open(self.logs, "w") as f:
            f.write("# logs\nlog %s\nlog %s\n" % (self.lk.verifier.vkey, other.verifier.vkey))
        self.state = os.path.join(self.d, "state.json")
        rnd = random.Random(42)
        self.leaves = [b"entry %d %d" % (i, rnd.getrandbits(32)) for i in range(40)]
        self.tree = T.Tree(self.leaves)
        self.srv = WitnessServer(self.d, self.skey, self.logs, self.state)

    def tearDown(self):
        self.srv.stop()
        shutil.rmtree(self.d)

    def cp(self, n, root=None, key=None, origin=None):
        text = T.Checkpoint(origin or self.origin, n,
                            root if root is not None else self.tree.root(n)).text()
        return text, T.sign_note(key or self.lk, text)

    def check_cosig(self, text, note, resp):
        self.assertTrue(resp.endswith(b"\n"))
        lines = resp.decode().splitlines()
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].startswith(EM + " witness.example/w1 "))
        ok, reason, res = T.verify_checkpoint(note + resp.decode(), [self.lk.verifier],
                                              [self.wk.verifier])
        self.assertTrue(ok, reason)
        self.assertEqual(len(res["cosigned_by"]), 1)
        self.assertGreater(res["cosigned_by"][0]["time"], 0)

    def test_end_to_end(self):
        s = self.srv
        # 404 unknown origin (signed by a key with that name)
        uk = T.SignerKey.generate("example.com/unknown", 1)
        _, n = self.cp(3, key=uk, origin="example.com/unknown")
        self.assertEqual(s.post(body(0, [], n))[0], 404)
        # 403: not signed by a trusted key / bad signature
        wrong = T.SignerKey.generate(self.origin, 1)
        _, n = self.cp(3, key=wrong)
        self.assertEqual(s.post(body(0, [], n))[0], 403)
        text, n = self.cp(3)
        tampered = n.replace(text, T.Checkpoint(self.origin, 4, self.tree.root(3)).text())
        self.assertEqual(s.post(body(0, [], tampered))[0], 403)
        # 400: malformed body, old > size
        self.assertEqual(s.post(b"old 01\n\n" + n.encode())[0], 400)
        self.assertEqual(s.post(b"garbage")[0], 400)
        self.assertEqual(s.post(b"old 0\nAAAA\n\n" + n.encode())[0], 400)
        self.assertEqual(s.post(body(4, [], n))[0], 400)
        # 422: size 0 with non-empty-tree root; non-empty proof from 0
        _, n0 = self.cp(0, root=H(b"x"))
        self.assertEqual(s.post(body(0, [], n0))[0], 422)
        self.assertEqual(s.post(body(0, [H(b"x")], n))[0], 422)
        # 200 for the first checkpoint
        text, n = self.cp(3)
        st, ct, out = s.post(body(0, [], n))
        self.assertEqual(st, 200, out)
        self.check_cosig(text, n, out)
        with open(self.state) as f:
            self.assertEqual(json.load(f)["origins"][self.origin]["size"], 3)
        # 409 on stale old size, with the size body and content type
        text10, n10 = self.cp(10)
        st, ct, out = s.post(body(0, [], n10))
        self.assertEqual((st, ct, out), (409, "text/x.tlog.size", b"3\n"))
        st, ct, out = s.post(body(2, self.tree.consistency_proof(2, 10), n10))
        self.assertEqual((st, ct, out), (409, "text/x.tlog.size", b"3\n"))
        # 422 bad proof
        p = self.tree.consistency_proof(3, 10)
        badp = list(p)
        badp[0] = H(badp[0])
        self.assertEqual(s.post(body(3, badp, n10))[0], 422)
        self.assertEqual(s.post(body(3, [], n10))[0], 422)
        # 200 with good proof
        st, ct, out = s.post(body(3, p, n10))
        self.assertEqual(st, 200, out)
        self.check_cosig(text10, n10, out)
        # re-cosign at same size and root: 200
        st, ct, out = s.post(body(10, [], n10))
        self.assertEqual(st, 200, out)
        self.check_cosig(text10, n10, out)
        # fork at the same size with a different root: 422
        _, fork = self.cp(10, root=H(b"fork"))
        self.assertEqual(s.post(body(10, [], fork))[0], 422)
        # fork at a bigger size (proof from a different tree): 422
        other = T.Tree([b"evil"] + self.leaves[1:10] + [b"more"] * 5)
        _, fork15 = self.cp(15, root=other.root(15))
        self.assertEqual(s.post(body(10, other.consistency_proof(10, 15), fork15))[0], 422)
        # monitoring endpoint
        oh = hashlib.sha256(self.origin.encode()).hexdigest()
        st, got = s.get("/%s/checkpoint" % oh)
        self.assertEqual(st, 200)
        ok, reason, res = T.verify_checkpoint(got, [self.lk.verifier], [self.wk.verifier])
        self.assertTrue(ok, reason)
        self.assertEqual(res["size"], 10)
        self.assertEqual(res["cosigned_by"][0]["name"], "witness.example/w1")
        self.assertEqual(s.get("/%s/checkpoint" % ("0" * 64))[0], 404)
        self.assertEqual(s.post(body(10, [], n10), path="/other")[0], 404)

        # CLI submit: exit 0 on 200, 9 on 409 (prints size)
        text20, n20 = self.cp(20)
        pf = os.path.join(self.d, "proof")
        with open(pf, "w") as f:
            f.write("".join(T.b64e(h) + "\n" for h in self.tree.consistency_proof(10, 20)))
        r = subprocess.run([PY, TOOL, "submit", "--url", s.url, "--old", "10", "--proof-file", pf],
                           input=n20.encode(), capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.check_cosig(text20, n20, r.stdout)
        r = subprocess.run([PY, TOOL, "submit", "--url", s.url, "--old", "10", "--proof-file", pf],
                           input=n20.encode(), capture_output=True)
        self.assertEqual(r.returncode, 9)
        self.assertEqual(r.stdout, b"20\n")
        r = subprocess.run([PY, TOOL, "submit", "--url", s.url + "/", "--old", "20"],
                           input=fork15.encode(), capture_output=True)
        self.assertNotIn(r.returncode, (0, 9))
        self.assertIn(b"400", r.stderr)

        # persistence across restart
        s.stop()
        self.srv = s = WitnessServer(self.d, self.skey, self.logs, self.state)
        st, ct, out = s.post(body(0, [], n))
        self.assertEqual((st, out), (409, b"20\n"))
        st, ct, out = s.post(body(20, [], n20))
        self.assertEqual(st, 200)

    def test_concurrent_same_old(self):
        # Many concurrent requests from old=0: exactly one size wins, and
        # no rollback happens.
        import threading
        results = []

        def go(n):
            _, note = self.cp(n)
            results.append((n, self.srv.post(body(0, [], note))[0]))
        ts = [threading.Thread(target=go, args=(n,)) for n in range(1, 9)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        ok = [n for n, st in results if st == 200]
        self.assertEqual(len(ok), 1, results)
        self.assertTrue(all(st in (200, 409) for _, st in results))
        with open(self.state) as f:
            self.assertEqual(json.load(f)["origins"][self.origin]["size"], ok[0])


class CLITests(unittest.TestCase):
    def test_keygen_sign_cosign_verify(self):
        d = tempfile.mkdtemp()
        try:
            def run(*args, inp=None):
                return subprocess.run([PY, TOOL] + list(args), input=inp, capture_output=True)
            P = lambda n: os.path.join(d, n)

            def rd(path):
                with open(path) as f:
                    return f.read()
            self.assertEqual(run("keygen", "--name", "example.com/log", "--type", "log",
                                 "--out-skey", P("l.sk"), "--out-vkey", P("l.vk")).returncode, 0)
            for i in (1, 2):
                self.assertEqual(run("keygen", "--name", "w%d.example" % i, "--type", "witness",
                                     "--out-skey", P("w%d.sk" % i), "--out-vkey", P("w%d.vk" % i)).returncode, 0)
            vk = rd(P("l.vk")).strip()
            self.assertEqual(T.parse_vkey(vk).type, 1)
            self.assertEqual(T.parse_vkey(rd(P("w1.vk"))).type, 4)
            self.assertTrue(rd(P("w1.sk")).startswith("PRIVATE+KEY+w1.example+"))
            root = T.b64e(H(b"r"))
            r = run("log-sign", "--skey", P("l.sk"), "--origin", "example.com/log",
                    "--size", "7", "--root-b64", root)
            self.assertEqual(r.returncode, 0, r.stderr)
            note = r.stdout
            self.assertTrue(note.startswith(("example.com/log\n7\n%s\n\n" % root).encode()))
            c1 = run("cosign", "--skey", P("w1.sk"), "--time", "1234", inp=note)
            self.assertEqual(c1.returncode, 0, c1.stderr)
            self.assertTrue(c1.stdout.decode().startswith(EM + " w1.example "))
            full = note + c1.stdout
            r = run("verify-checkpoint", "--log-vkey", P("l.vk"), "--witness-vkey", P("w1.vk"),
                    "--witness-vkey", P("w2.vk"), inp=full)
            self.assertEqual(r.returncode, 0, r.stderr)
            res = json.loads(r.stdout)
            self.assertEqual(res["log_ok"], True)
            self.assertEqual(res["quorum_ok"], True)
            self.assertEqual(res["cosigned_by"], [{"name": "w1.example", "time": 1234}])
            with open(P("pol"), "w") as f:
                f.write("witness A %s\nwitness B %s\ngroup G all A B\nquorum G\n"
                        % (rd(P("w1.vk")).strip(), rd(P("w2.vk")).strip()))
            r = run("verify-checkpoint", "--log-vkey", P("l.vk"), "--policy", P("pol"), inp=full)
            self.assertNotEqual(r.returncode, 0)
            self.assertEqual(json.loads(r.stdout)["quorum_ok"], False)
            self.assertEqual(len(r.stderr.decode().strip().splitlines()), 1)
            c2 = run("cosign", "--skey", P("w2.sk"), "--time", "1235", inp=note)
            r = run("verify-checkpoint", "--log-vkey", P("l.vk"), "--policy", P("pol"),
                    inp=full + c2.stdout)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout)["quorum_ok"], True)
            # bad cosignature from a known key -> failure
            line = c2.stdout.decode().strip().split(" ")
            raw = bytearray(T.b64d(line[2]))
            raw[-1] ^= 1
            badc = (" ".join(line[:2] + [T.b64e(bytes(raw))]) + "\n").encode()
            r = run("verify-checkpoint", "--log-vkey", P("l.vk"), "--policy", P("pol"),
                    inp=full + c2.stdout + badc)
            self.assertNotEqual(r.returncode, 0)
            # wrong log key -> failure
            run("keygen", "--name", "example.com/log", "--type", "log",
                "--out-skey", P("l2.sk"), "--out-vkey", P("l2.vk"))
            r = run("verify-checkpoint", "--log-vkey", P("l2.vk"), inp=full)
            self.assertNotEqual(r.returncode, 0)
            self.assertFalse(json.loads(r.stdout)["log_ok"])
        finally:
            shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main(verbosity=2)
