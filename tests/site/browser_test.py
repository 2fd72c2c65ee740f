"""Real-browser tests of Candor's public site and its verify.js.

Headless Chromium (Selenium 4, /usr/bin/chromedriver):

  1. known-answer vectors against verify.js's pure functions (RFC 6962
     inclusion and consistency proofs computed here with hashlib, DSSE PAE,
     DER-to-P1363 with an openssl-made ECDSA signature, the demo's signed and
     cosigned checkpoint, the browser-storage checks), on tests/site/unit.html;
  2. the README's demo (tests/demo/run_demo.sh, with the test's binaries),
     whose candor-verifier serves the site: the app page shows the claim and
     the confirmed finding, with and without JavaScript, under the CSP; Verify
     on the finding page succeeds with the tree size, and again after the log
     grew (a consistency proof); a copy of the site with one byte of the
     finding bundle changed, served by python's http.server, makes Verify
     fail with the reason; a vendor display name and claim text carrying
     markup are shown literally and never run; search.js filters the list.

If Chromium cannot start here, prints "SKIPPED: chromium cannot start here:
<reason>" and exits 0.

Usage (Bazel runs it with no arguments, from the runfiles root):
  browser_test.py [--bin DIR] [--state DIR] [--unit_only]
"""

import argparse
import base64
import functools
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request

ROOT = os.getcwd()
APP = "android:com.example.app"
APP_SLUG = "android_3Acom.example.app"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
CLAIM_TEXT = ("We have never shared our users' contacts, phone numbers, precise location or "
              "face data with third parties, and no user data is ever sent to an endpoint "
              "located in China.")
EVIL_NAME = "<img src=x onerror=window.__pwned=1>"
EVIL_TEXT = "<script>window.__pwned=1</script> We never share anything."
EVIL_APP = "android:com.pwned.app"
EVIL_SLUG = "android_3Acom.pwned.app"

failures = []


def check(cond, what):
    if cond:
        print("ok   " + what)
    else:
        print("FAIL " + what)
        failures.append(what)


def expect_eq(got, want, what):
    check(got == want, "%s: got %r, want %r" % (what, got, want) if got != want else what)


def poll(fn, what, deadline_s=120.0, interval_s=0.1):
    """Calls fn until it returns a truthy value or the deadline passes."""
    end = time.monotonic() + deadline_s
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError("timed out after %ss waiting for %s" % (deadline_s, what))
        time.sleep(interval_s)


# ---- RFC 6962 / RFC 9162, independently of verify.js ----

def leaf_hash(b):
    return hashlib.sha256(b"\x00" + b).digest()


def node_hash(l, r):
    return hashlib.sha256(b"\x01" + l + r).digest()


def split_point(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = split_point(n)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def inclusion_path(m, leaves):
    n = len(leaves)
    if n == 1:
        return []
    k = split_point(n)
    if m < k:
        return inclusion_path(m, leaves[:k]) + [mth(leaves[k:])]
    return inclusion_path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m, leaves, b):
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = split_point(n)
    if m <= k:
        return subproof(m, leaves[:k], b) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def b64(b):
    return base64.b64encode(b).decode()


def flip(b, i=0):
    x = bytearray(b)
    x[i] ^= 1
    return bytes(x)


# ---- the browser ----

def chrome(javascript=True, attempts=3):
    """A headless Chromium session. On a loaded machine Chromium can start too
    slowly for chromedriver ("chrome not reachable"): the session is asked for
    again, up to `attempts` times, before the error stands."""
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        opts.add_argument(a)
    opts.binary_location = "/usr/bin/chromium"
    if not javascript:
        opts.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2})
    for attempt in range(attempts):
        try:
            d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
            break
        except WebDriverException as e:
            if attempt + 1 == attempts:
                raise
            print("chromium did not start (%s); asking again" %
                  (str(e).strip().splitlines() or [type(e).__name__])[0])
    d.set_script_timeout(120)
    d.set_page_load_timeout(120)
    return d


def body_text(d):
    from selenium.webdriver.common.by import By
    return d.find_element(By.TAG_NAME, "body").text


def verify_on_page(d, url):
    """Loads url, clicks Verify, waits for a verdict; returns (state, text)."""
    from selenium.webdriver.common.by import By
    d.get(url)
    out = d.find_element(By.ID, "verify-result")
    expect_eq(out.get_attribute("aria-live"), "polite", "#verify-result is aria-live=polite")
    d.find_element(By.ID, "verify").click()
    state = poll(lambda: out.get_attribute("data-state") in ("ok", "failed") and
                 out.get_attribute("data-state"), "Verify on " + url)
    return state, out.text


def serve_dir(directory):
    """python's http.server on 127.0.0.1, port chosen by the OS."""
    handler = functools.partial(QuietHandler, directory=directory)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, "http://127.0.0.1:%d/" % srv.server_address[1]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def fetch(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read(), r.headers


def fetch_json(url):
    return json.loads(fetch(url)[0])


# ---- 1. known-answer vectors ----

def unit_tests(d, verify_js, search_js, demo_bundle=None, demo_log=None, generic=True):
    tmp = tempfile.mkdtemp(prefix="unit-", dir=os.environ.get("TEST_TMPDIR"))
    os.makedirs(os.path.join(tmp, "static"))
    shutil.copy(os.path.join(ROOT, "tests/site/unit.html"), tmp)
    shutil.copy(verify_js, os.path.join(tmp, "static/verify.js"))
    shutil.copy(search_js, os.path.join(tmp, "static/search.js"))
    srv, base = serve_dir(tmp)
    try:
        d.get(base + "unit.html")
        poll(lambda: d.execute_script("return !!(window.CandorVerify && window.CandorSearch)"),
             "verify.js and search.js to load", 30)
        run = lambda body, *args: d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "const V = window.CandorVerify; const S = window.CandorSearch;"
            "const u = (s) => V.b64decode(s);"
            "(async () => {" + body + "})().then(done, (e) => done('THREW: ' + e.message));",
            *args)

        if generic:
            # Inclusion: every index of trees of 1..33 leaves; tampered proofs,
            # wrong indexes, sizes and roots fail.
            cases = []
            for n in range(1, 34):
                leaves = [leaf_hash(b"entry %d" % i) for i in range(n)]
                root = mth(leaves)
                for m in range(n):
                    p = inclusion_path(m, leaves)
                    cases.append([m, n, b64(leaves[m]), [b64(h) for h in p], b64(root), True])
                    if p:
                        cases.append([m, n, b64(leaves[m]), [b64(flip(h)) for h in p], b64(root), False])
                        cases.append([m, n, b64(leaves[m]), [b64(h) for h in p[:-1]], b64(root), False])
                    cases.append([m, n, b64(flip(leaves[m])), [b64(h) for h in p], b64(root), False])
                    cases.append([m, n, b64(leaves[m]), [b64(h) for h in p], b64(flip(root)), False])
                    if n > 1:
                        cases.append([(m + 1) % n, n, b64(leaves[m]), [b64(h) for h in p], b64(root), False])
                cases.append([n, n, b64(leaves[0]), [], b64(root), False])
            got = run("""const out = [];
              for (const [m, n, leaf, proof, root] of arguments[0])
                out.push(await V.verifyInclusion(m, String(n), u(leaf), proof.map(u), u(root)));
              return out;""", cases)
            want = [c[5] for c in cases]
            bad = [cases[i][:2] + [want[i]] for i in range(len(cases)) if got[i] != want[i]]
            check(not bad, "verifyInclusion agrees on %d RFC 6962 vectors (mismatches: %s)" %
                  (len(cases), bad[:5]))

            # A 2^40-leaf tree path: the arithmetic is not 32-bit.
            big = 2 ** 40 + 5
            got = run("""return await V.verifyInclusion(arguments[0], arguments[1], new Uint8Array(32),
                          [], new Uint8Array(32));""", str(big - 1), str(big))
            expect_eq(got, False, "verifyInclusion of a leaf in a 2^40-leaf tree with no proof is false")

            # Consistency: every pair 1 <= m <= n <= 33, and tampering.
            cases = []
            for n in range(1, 34):
                leaves = [leaf_hash(b"entry %d" % i) for i in range(n)]
                rn = mth(leaves)
                for m in range(1, n + 1):
                    rm = mth(leaves[:m])
                    p = subproof(m, leaves, True) if m < n else []
                    cases.append([m, n, [b64(h) for h in p], b64(rm), b64(rn), True])
                    if p:
                        cases.append([m, n, [b64(flip(h)) for h in p], b64(rm), b64(rn), False])
                        cases.append([m, n, [b64(h) for h in p], b64(flip(rm)), b64(rn), False])
                        cases.append([m, n, [b64(h) for h in p], b64(rm), b64(flip(rn)), False])
                        cases.append([m, n, [b64(h) for h in p[1:]], b64(rm), b64(rn), False])
                        cases.append([m, n, [], b64(rm), b64(rn), False])
                    if m < n:
                        cases.append([n, m, [b64(h) for h in p], b64(rn), b64(rm), False])
            got = run("""const out = [];
              for (const [m, n, proof, r1, r2] of arguments[0])
                out.push(await V.verifyConsistency(String(m), n, proof.map(u), u(r1), u(r2)));
              return out;""", cases)
            want = [c[5] for c in cases]
            bad = [cases[i][:2] + [want[i]] for i in range(len(cases)) if got[i] != want[i]]
            check(not bad, "verifyConsistency agrees on %d RFC 9162 vectors (mismatches: %s)" %
                  (len(cases), bad[:5]))

            # Leaf and node hashes.
            got = run("""return [V.b64encode(await V.leafHash(new TextEncoder().encode('abc'))),
                                 V.b64encode(await V.nodeHash(u(arguments[0]), u(arguments[1])))];""",
                      b64(b"\x11" * 32), b64(b"\x22" * 32))
            expect_eq(got, [b64(leaf_hash(b"abc")), b64(node_hash(b"\x11" * 32, b"\x22" * 32))],
                      "leafHash and nodeHash are RFC 6962's")

            # DSSE PAE: the DSSE spec's example, and a multi-byte type.
            got = run("""const d = new TextDecoder();
              return [d.decode(V.pae('http://example.com/HelloWorld', new TextEncoder().encode('hello world'))),
                      Array.from(V.pae('\u00e9', Uint8Array.of(0, 255)))];""")
            expect_eq(got, ["DSSEv1 29 http://example.com/HelloWorld 11 hello world",
                            list(b"DSSEv1 2 \xc3\xa9 2 \x00\xff")],
                      "pae is DSSEv1's pre-authentication encoding (byte lengths)")

            # DER -> P1363: a leading-zero r, a one-byte s; and malformed input.
            r = b"\x80" + b"\x01" * 31
            der = b"\x30\x26\x02\x21\x00" + r + b"\x02\x01\x05"
            got = run("""const out = [V.b64encode(V.derToP1363(u(arguments[0]), 32))];
              for (const bad of arguments[1]) { try { V.derToP1363(u(bad), 32); out.push('accepted'); }
                catch (e) { out.push(e instanceof V.VerifyError ? 'refused' : 'threw ' + e); } }
              return out;""", b64(der), [b64(der[:-1]), b64(b"\x31" + der[1:]), b64(der + b"\x00"),
                                         b64(b"\x30\x06\x02\x01\x85\x02\x01\x01")])
            expect_eq(got, [b64(r + b"\x00" * 31 + b"\x05"), "refused", "refused", "refused", "refused"],
                      "derToP1363 converts DER to r||s and refuses malformed DER")

            # An ECDSA P-256 DSSE signature made by openssl verifies; a changed
            # payload does not.
            keydir = tempfile.mkdtemp(dir=tmp)
            key = os.path.join(keydir, "p256.pem")
            subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout",
                            "-out", key], check=True)
            pem = subprocess.run(["openssl", "ec", "-in", key, "-pubout"], check=True,
                                 capture_output=True).stdout.decode()
            payload = b'{"hello":"world"}'
            ptype = "application/vnd.in-toto+json"
            pae = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype.encode(), len(payload), payload)
            sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=pae, check=True,
                                 capture_output=True).stdout
            env = {"payloadType": ptype, "payload": b64(payload), "signatures": [{"keyid": "", "sig": b64(sig)}]}
            env2 = dict(env, payload=b64(payload.replace(b"world", b"World")))
            got = run("""const k = await V.importPublicKey(arguments[0]);
              return [k.alg, await V.verifyDsse(arguments[1], [k]), await V.verifyDsse(arguments[2], [k])];""",
                      pem, env, env2)
            expect_eq(got, ["P-256", True, False],
                      "an openssl ECDSA P-256 DSSE signature verifies (DER to P1363); a changed payload does not")

            # Storage: first sight, same, older, changed key, consistency.
            leaves = [leaf_hash(b"entry %d" % i) for i in range(13)]
            r5, r13 = mth(leaves[:5]), mth(leaves)
            cons = {"oldSize": "5", "newSize": "13", "proof": [b64(h) for h in subproof(5, leaves, True)]}
            got = run("""const mem = new Map();
              const storage = {getItem: (k) => mem.has(k) ? mem.get(k) : null, setItem: (k, v) => mem.set(k, v)};
              const cp = (size, root) => ({origin: 'o.example/log', size: size, root: u(root)});
              const out = [];
              const step = async (c, key, cons) => {
                try { out.push(await V.checkAgainstStored(storage, c, key, async () => cons)); }
                catch (e) { out.push('FAILED: ' + e.message); } };
              await step(cp('5', arguments[0]), 'K', null);
              await step(cp('5', arguments[0]), 'K', null);
              await step(cp('13', arguments[1]), 'K', arguments[2]);
              await step(cp('5', arguments[0]), 'K', null);
              await step(cp('13', arguments[0]), 'K', null);
              await step(cp('13', arguments[1]), 'K2', null);
              return out;""", b64(r5), b64(r13), cons)
            expect_eq(got, [
                "This browser had not seen a checkpoint of o.example/log before; it now remembers this one (tree size 5) and the log key.",
                "It is the same checkpoint this browser saw before (tree size 5).",
                "It is consistent with the checkpoint this browser saw before (tree size 5 to 13, consistency proof).",
                "FAILED: this site serves an older checkpoint (tree size 5) than this browser already saw (tree size 13)",
                "FAILED: the log forked: this browser saw another root at the same tree size 13",
                "FAILED: THE LOG KEY CHANGED: this browser first saw this site use log key K, but it now publishes K2. "
                "A log does not change its key; do not trust this site until that is explained.",
            ], "checkAgainstStored: first sight, same, consistent, older, fork, changed key")

            got = run("""const bad = {oldSize: '5', newSize: '13', proof: arguments[2]};
              const mem = new Map([['candor.checkpoint.o.example/log', JSON.stringify({size: '5', root: arguments[0]})]]);
              const storage = {getItem: (k) => mem.has(k) ? mem.get(k) : null, setItem: (k, v) => mem.set(k, v)};
              try { await V.checkAgainstStored(storage, {origin: 'o.example/log', size: '13', root: u(arguments[1])}, 'K', async () => bad); return 'accepted'; }
              catch (e) { return e.message; }""", b64(r5), b64(r13), [b64(flip(h)) for h in subproof(5, leaves, True)])
            expect_eq(got, "the checkpoint at tree size 13 is not consistent with the one this browser saw at tree size 5: "
                      "the consistency proof does not verify", "a bad consistency proof fails with the reason")

            # Policies and quorums.
            got = run("""const p = V.parsePolicy(arguments[0]);
              const q = (names) => V.quorumMet(p, new Set(names));
              return [q([]), q(['A']), q(['A', 'B']), q(['C']), q(['A', 'C'])];""",
                      "log x+00000000+AA\nwitness A a+1+x\nwitness B b+2+y\nwitness C c+3+z\n"
                      "# a comment\ngroup AB all A B\ngroup top any AB C\nquorum top\n")
            expect_eq(got, [False, False, True, True, True], "quorumMet evaluates nested all/any groups")

            # Where log.json and consistency proofs are, from data-bundle.
            got = run("""return [V.apiBase('../api/v1/findings/12.bundle.json'),
                                 V.apiBase('api/v1/entries/7.bundle.json'),
                                 V.apiBase('/candor/api/v1/entries/7.bundle.json')];""")
            expect_eq(got, ["../api/v1/", "api/v1/", "/candor/api/v1/"],
                      "apiBase finds api/v1/ in data-bundle, for pages below and at the root")

            # search.js's matcher.
            got = run("""return [S.matches('android:com.example.app example app ltd', 'EXAMPLE  ltd'),
                                 S.matches('android:com.example.app example app ltd', 'example pwned'),
                                 S.matches('anything', '   ')];""")
            expect_eq(got, [True, False, True], "search.js matches every typed word, case-insensitively")

        if demo_bundle is not None:
            demo_vectors(run, demo_bundle, demo_log)
    finally:
        srv.shutdown()


def demo_vectors(run, bundle, log):
    """The demo's checkpoint: log signature, cosignatures, tampering."""
    cp = bundle["checkpoint"]
    lines = cp.split("\n")
    origin, size = lines[0], lines[1]
    one_witness = "\n".join(l for l in lines if "witness-two.example" not in l)
    tampered_body = cp.replace("\n" + size + "\n", "\n%d\n" % (int(size) + 1), 1)
    vkey = log["logKey"]
    bad_hash = re.sub(r"\+([0-9a-f]{8})\+", lambda m: "+%08x+" % (int(m.group(1), 16) ^ 1), vkey, 1)
    got = run("""const out = [];
      for (const [note, key, policy] of arguments[0]) {
        try { const r = await V.verifyCheckpointNote(note, key, policy);
              out.push([r.checkpoint.origin, r.checkpoint.size, r.cosigners]); }
        catch (e) { out.push(e.message); } }
      return out;""", [[cp, vkey, log["witnessPolicy"]], [cp, vkey, ""],
                       [one_witness, vkey, log["witnessPolicy"]],
                       [tampered_body, vkey, log["witnessPolicy"]], [cp, bad_hash, ""]])
    expect_eq(got, [
        [origin, size, ["WOne", "WTwo"]],
        [origin, size, []],
        "the checkpoint does not meet the witness policy's quorum \"both\": cosigned by WOne; missing WTwo",
        "the checkpoint of %s at tree size %d is not signed by the log key %s" % (origin, int(size) + 1, origin),
        "the key hash of %s does not match its key" % origin,
    ], "the demo's checkpoint: Ed25519 note signature, 2-of-2 cosignatures, and refusals")

    got = run("""try { const r = await V.verifyBundle(arguments[0], arguments[1]); return r.lines; }
                 catch (e) { return 'FAILED: ' + e.message; }""", bundle, log)
    n = len(bundle["entries"])
    regs = sum(1 for e in bundle["entries"] if e["role"] == "REGISTRATION")
    expect_eq(got, [
        "Checkpoint of %s at tree size %s is signed by the log key." % (origin, size),
        "It is cosigned by WOne, WTwo, meeting the witness policy's quorum \"both\".",
        "%d entries are in the log (inclusion proofs)." % n,
        "%d registrations are signed by the admin key; %d other statements are signed by keys their "
        "signers registered." % (regs, n - regs),
    ], "verifyBundle on the demo's finding bundle")


# ---- 2. the demo's site ----

def link_targets(d):
    from selenium.webdriver.common.by import By
    return [a.get_attribute("href") for a in d.find_elements(By.TAG_NAME, "a")]


def site_tests(d, args, bin_dir, state, site_out):
    site = site_out["site"]
    app_url = site + "apps/%s.html" % APP_SLUG
    keys = os.path.join(state, "keys")
    vkey_file = os.path.join(keys, "demo.candor.example/log.pub")
    log_addr = open(os.path.join(state, "log.addr")).read().strip()
    candor = os.path.join(bin_dir, "candor")

    # The app page, under the CSP, with the claim and its confirmed finding.
    _, headers = fetch(app_url)
    expect_eq(headers.get("Content-Security-Policy"), CSP, "the app page is served with API.md's CSP")
    # The site is rebuilt at most every --site_interval, so it may trail the
    # demo's last finding by a few seconds.
    def confirmed_findings():
        app = fetch_json(site + "api/v1/apps/%s.json" % APP_SLUG)
        return [f for f in app["findings"] if f.get("confirmed")]
    confirmed = poll(confirmed_findings, "the app's JSON to list confirmed findings")
    check(len(confirmed) >= 1, "the app's JSON lists confirmed findings")
    finding = int(confirmed[0]["index"])
    finding_url = site + "findings/%d.html" % finding
    d.get(app_url)
    text = body_text(d)
    check(CLAIM_TEXT in text, "the app page shows the vendor's claim sentence")
    check(finding_url in link_targets(d), "the app page links the confirmed finding %d" % finding)
    check(confirmed[0]["assertion"] in text,
          "the app page states the finding's assertion (%s)" % confirmed[0]["assertion"])
    from selenium.webdriver.common.by import By
    item = d.find_elements(By.XPATH, '//a[@href="../findings/%d.html"]/ancestor::li[1]' % finding)
    check(len(item) >= 1 and re.search(r"(?<!not )confirmed", item[0].text) is not None,
          "the app page marks finding %d confirmed" % finding)

    # Without JavaScript the page reads the same.
    nojs = chrome(javascript=False)
    try:
        nojs.get(app_url)
        text_nojs = body_text(nojs)
        check(CLAIM_TEXT in text_nojs, "without JavaScript the app page shows the claim sentence")
        check(finding_url in link_targets(nojs), "without JavaScript the app page links the finding")
        nojs.get(finding_url)
        check(confirmed[0]["assertion"] in body_text(nojs),
              "without JavaScript the finding page states its assertion")
    finally:
        nojs.quit()

    # Verify on the finding page.
    before = int(fetch_json(site + "api/v1/log.json")["treeSize"])
    state_, text = verify_on_page(d, finding_url)
    after = int(fetch_json(site + "api/v1/log.json")["treeSize"])
    expect_eq(state_, "ok", "Verify on finding %d succeeds (data-state)" % finding)
    m = re.search(r"Checkpoint of demo\.candor\.example/log at tree size (\d+) is signed by the log key\.", text)
    check(m is not None and before <= int(m.group(1)) <= after,
          "Verify reports the checkpoint's tree size (%s)" % (m.group(1) if m else text))
    first_size = int(m.group(1)) if m else 0
    check("It is cosigned by WOne, WTwo, meeting the witness policy's quorum \"both\"." in text,
          "Verify reports the witnesses meeting the quorum")
    check("candor verify finding %d.bundle.json --log_pub log.pub" % finding in text,
          "the page names the candor verify finding command")

    # Verify on the entry page of the finding's claim.
    claim_index = int(confirmed[0]["claimIndex"])
    state_, text = verify_on_page(d, site + "entries/%d.html" % claim_index)
    expect_eq(state_, "ok", "Verify on entry %d (the claim) succeeds" % claim_index)
    check(re.search(r"\d+ entr(y is|ies are) in the log \(inclusion proofs\)\.", text) is not None and
          "Not checked here: that the page's reading of the statement is right" in text,
          "the entry page's Verify reports inclusion and what it could not check (%s)" % text)

    # Markup in a vendor's display name and a claim's text stays text. The
    # log grows, so a second Verify needs a consistency proof.
    subprocess.run([candor, "keygen", "--name", "pwned", "--out", keys], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([candor, "register", "--log", log_addr, "--admin_key", os.path.join(keys, "admin.key"),
                    "--role", "vendor", "--name", "pwned", "--display_name", EVIL_NAME,
                    "--pub", os.path.join(keys, "pwned.pub"), "--app", EVIL_APP,
                    "--org", "Pwned Ltd", "--domain", "pwned.example", "--wait"],
                   check=True, stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
    claim = {"app": {"id": EVIL_APP}, "issuer": "pwned",
             "issuedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
             "effectiveAt": "2026-01-01T00:00:00Z", "text": EVIL_TEXT,
             "assertions": [{"id": "no-contacts", "dataTypes": ["contacts.contacts"],
                             "practice": "NOT_SHARED_WITH_THIRD_PARTIES", "consent": "ALWAYS"}]}
    with open(os.path.join(work, "claim.json"), "w") as f:
        json.dump(claim, f)
    subprocess.run([candor, "claim", "sign", "--key", os.path.join(keys, "pwned.key"),
                    os.path.join(work, "claim.json"), "--out", os.path.join(work, "claim.dsse")],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([candor, "claim", "submit", "--log", log_addr, os.path.join(work, "claim.dsse"),
                    "--wait"], check=True, stdout=subprocess.DEVNULL)

    def evil_app_shown():
        try:
            a = fetch_json(site + "api/v1/apps/%s.json" % EVIL_SLUG)
        except Exception:
            return False
        return any(c.get("text") == EVIL_TEXT for c in a.get("claims", []))
    poll(evil_app_shown, "the verifier to show the claim with markup", 180, 0.2)
    d.get(site + "apps/%s.html" % EVIL_SLUG)
    text = body_text(d)
    check(EVIL_NAME in text, "a vendor display name with markup is shown literally")
    check(EVIL_TEXT in text, "claim text with a script tag is shown literally")
    expect_eq(d.execute_script("return typeof window.__pwned"), "undefined",
              "the markup did not run (window.__pwned is undefined)")
    d.get(site + "index.html")
    check(EVIL_NAME in body_text(d), "the index shows the display name literally")
    expect_eq(d.execute_script("return typeof window.__pwned"), "undefined",
              "the index's markup did not run")

    # search.js filters the index.
    from selenium.webdriver.common.by import By
    box = d.find_element(By.ID, "app-search")
    label = d.find_elements(By.CSS_SELECTOR, 'label[for="app-search"]')
    expect_eq(len(label), 1, "the search box is labelled")
    box.send_keys("com.pwned")
    visible = lambda: [li.get_attribute("data-search") for li in
                       d.find_elements(By.CSS_SELECTOR, "li[data-search]") if li.is_displayed()]
    got = poll(lambda: (lambda v: v if len(v) == 1 else None)(visible()), "the list to filter", 30)
    check("com.pwned.app" in got[0], "typing com.pwned leaves only the pwned app (%s)" % got)
    box.clear()
    box.send_keys(" ")
    total = len(d.find_elements(By.CSS_SELECTOR, "li[data-search]"))
    poll(lambda: len(visible()) == total, "the list to show all apps again", 30)
    check(total >= 2, "clearing the search shows all %d apps" % total)

    # Verify again: the browser remembers the first checkpoint and checks
    # the site's consistency proof to the new one.
    poll(lambda: int(fetch_json(site + "api/v1/log.json")["treeSize"]) > first_size,
         "the site's checkpoint to grow past %d" % first_size, 180, 0.2)
    state_, text = verify_on_page(d, finding_url)
    expect_eq(state_, "ok", "Verify succeeds again after the log grew")
    m = re.search(r"It is consistent with the checkpoint this browser saw before \(tree size (\d+) to (\d+), "
                  r"consistency proof\)\.", text)
    check(m is not None and int(m.group(1)) == first_size and int(m.group(2)) > first_size,
          "the second Verify checks consistency from tree size %d (%s)" % (first_size, text))

    # A copy of the site with one byte of the finding bundle changed.
    copy = tempfile.mkdtemp(prefix="site-copy-", dir=os.environ.get("TEST_TMPDIR"))
    written = os.path.join(state, "site")
    bundle_rel = "api/v1/findings/%d.bundle.json" % finding
    page_rel = "findings/%d.html" % finding

    def consistent_copy():
        shutil.rmtree(copy, ignore_errors=True)
        if os.path.exists(os.path.join(written, "index.html")):
            shutil.copytree(written, copy)
        else:
            for rel in (page_rel, bundle_rel, "api/v1/log.json", "static/verify.js", "static/site.css"):
                os.makedirs(os.path.dirname(os.path.join(copy, rel)), exist_ok=True)
                with open(os.path.join(copy, rel), "wb") as f:
                    f.write(fetch(site + rel)[0])
        try:  # the verifier may be rewriting --site_dir as it is copied
            b = json.load(open(os.path.join(copy, bundle_rel)))
            return b["checkpoint"] == json.load(open(os.path.join(copy, "api/v1/log.json")))["checkpoint"]
        except (OSError, ValueError, KeyError, shutil.Error):
            return False
    poll(consistent_copy, "a copy of the site whose bundle and log.json agree", 120, 0.5)
    raw = open(os.path.join(copy, bundle_rel), "rb").read()
    bundle = json.loads(raw)
    target = next(e for e in bundle["entries"] if e["role"] == "FINDING")["entry"]
    pos = raw.index(target.encode()) + len(target) // 2
    old = raw[pos:pos + 1]
    new = b"A" if old != b"A" else b"B"
    with open(os.path.join(copy, bundle_rel), "wb") as f:
        f.write(raw[:pos] + new + raw[pos + 1:])
    srv, base = serve_dir(copy)
    try:
        state_, text = verify_on_page(d, base + page_rel)
    finally:
        srv.shutdown()
    expect_eq(state_, "failed", "Verify on the copy with one changed byte fails (data-state)")
    expect_eq(text, "Verification FAILED: entry %d is not in the log: the inclusion proof does not lead "
              "to the checkpoint's root." % finding, "the failure says which entry and why")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", help="directory with candor, candor-log, candor-verifier, candor-witness")
    ap.add_argument("--state", help="the demo's state directory")
    ap.add_argument("--unit_only", action="store_true", help="only the known-answer vectors")
    args = ap.parse_args()
    tmp = os.environ.get("TEST_TMPDIR") or tempfile.mkdtemp(prefix="browser-test-")
    os.environ["TEST_TMPDIR"] = tmp
    verify_js = os.path.join(ROOT, "verifier/site/static/verify.js")
    search_js = os.path.join(ROOT, "verifier/site/static/search.js")

    try:
        import selenium  # noqa: F401
        d = chrome()
    except Exception as e:  # noqa: BLE001
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print("SKIPPED: chromium cannot start here: %s" % reason)
        return 0

    state = args.state or os.path.join(tmp, "demo")
    stop = []
    try:
        try:
            unit_tests(d, verify_js, search_js)
        except Exception:  # noqa: BLE001
            traceback.print_exc()
            failures.append("the known-answer tests raised")
        if args.unit_only:
            if args.state:  # and the demo's finding bundle and keys, for the checkpoint vectors
                k = os.path.join(args.state, "keys")
                log = {"logKey": open(os.path.join(k, "demo.candor.example/log.pub")).read().strip(),
                       "adminKey": open(os.path.join(k, "admin.pub")).read().strip(),
                       "witnessPolicy": open(os.path.join(k, "witnesses.policy")).read()}
                with open(os.path.join(args.state, "work/finding.json")) as f:
                    bundle = json.load(f)
                try:
                    unit_tests(d, verify_js, search_js, bundle, log, generic=False)
                except Exception:  # noqa: BLE001
                    traceback.print_exc()
                    failures.append("the known-answer tests raised")
            return report()

        bin_dir = args.bin
        if not bin_dir:
            bin_dir = os.path.join(tmp, "bin")
            os.makedirs(bin_dir, exist_ok=True)
            for rel in ("cmd/candor-log/candor-log", "verifier/server/candor-verifier",
                        "client/candor", "cmd/candor-witness/candor-witness"):
                dst = os.path.join(bin_dir, os.path.basename(rel))
                if not os.path.exists(dst):
                    os.symlink(os.path.join(ROOT, rel), dst)
        stop = [os.path.join(state, n + ".pid") for n in ("verifier", "log", "witness-one", "witness-two")]
        demo = subprocess.run([os.path.join(ROOT, "tests/demo/run_demo.sh"), bin_dir, state],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if demo.returncode != 0:
            print(demo.stdout[-4000:])
            failures.append("the demo failed (exit %d)" % demo.returncode)
            return report()
        m = re.search(r"open (http://127\.0\.0\.1:\d+/)apps/%s\.html" % re.escape(APP_SLUG), demo.stdout)
        check(m is not None, "the demo prints the app page to open")
        if m is None:
            if not os.path.exists(os.path.join(state, "site.url")):
                print("candor-verifier printed no site: it has no --http_addr (verifier/site/API.md)")
            print(demo.stdout[-2000:])
            return report()
        with open(os.path.join(state, "work/finding.json")) as f:
            demo_bundle = json.load(f)
        site = m.group(1)
        log = fetch_json(site + "api/v1/log.json")
        try:
            unit_tests(d, verify_js, search_js, demo_bundle, log, generic=False)
            site_tests(d, args, bin_dir, state, {"site": site})
        except Exception:  # noqa: BLE001
            traceback.print_exc()
            failures.append("the site tests raised")
        return report()
    finally:
        d.quit()
        if not args.state:
            for p in stop:
                try:
                    os.kill(int(open(p).read().strip()), 15)
                except (OSError, ValueError):
                    pass


def report():
    if failures:
        print("\n%d check(s) failed:\n  %s" % (len(failures), "\n  ".join(failures)))
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
