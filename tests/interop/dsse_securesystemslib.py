#!/usr/bin/python3
"""DSSE envelopes signed and verified by securesystemslib, for Candor's
interop test (tests/interop/securesystemslib_interop_test.cc).

securesystemslib (Debian python3-securesystemslib 0.26) generates the keys,
signs and verifies; this script only frames its signatures as DSSE v1.0
envelopes. securesystemslib 0.26 has no DSSE module, so PAE is written here
from the DSSE specification (github.com/secure-systems-lab/dsse, protocol.md).

  sign --scheme ed25519|ecdsa --payload FILE --envelope OUT --pubkey OUT
       [--keyid sslib|none]
      Signs PAE("application/vnd.in-toto+json", FILE's bytes) with a fresh
      key; writes the envelope (key id: securesystemslib's own, or none) and
      the public key as a PEM SubjectPublicKeyInfo.
  verify --envelope FILE --pubkey FILE
      Exits 0 and prints "verified" if the envelope's first signature
      verifies under the PEM key; exits 1 with the reason otherwise.

Exit code 77 (and a message) if securesystemslib is not installed.
"""

import argparse
import base64
import hashlib
import json
import sys

try:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from securesystemslib import keys
    from securesystemslib.signer import Signature, SSlibKey, SSlibSigner
except ImportError as e:  # pragma: no cover
    print(f"securesystemslib is not installed ({e}): apt-get install "
          "python3-securesystemslib", file=sys.stderr)
    sys.exit(77)

PAYLOAD_TYPE = "application/vnd.in-toto+json"


def pae(payload_type: str, payload: bytes) -> bytes:
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def pem_of(key: dict) -> str:
    if key["keytype"] == "ed25519":
        raw = bytes.fromhex(key["keyval"]["public"])
        pub = ed25519.Ed25519PublicKey.from_public_bytes(raw)
        return pub.public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return key["keyval"]["public"]


def sslib_key_of(pem: str) -> SSlibKey:
    pub = serialization.load_pem_public_key(pem.encode())
    # securesystemslib wants a hex key id; the key is given, so any will do.
    keyid = hashlib.sha256(pem.encode()).hexdigest()
    if isinstance(pub, ed25519.Ed25519PublicKey):
        raw = pub.public_bytes(serialization.Encoding.Raw,
                               serialization.PublicFormat.Raw)
        return SSlibKey(keyid, "ed25519", "ed25519", {"public": raw.hex()})
    if isinstance(pub, ec.EllipticCurvePublicKey):
        return SSlibKey(keyid, "ecdsa", "ecdsa-sha2-nistp256",
                        {"public": pem})
    raise ValueError("not an Ed25519 or ECDSA P-256 key")


def sign(args) -> int:
    key = (keys.generate_ed25519_key() if args.scheme == "ed25519"
           else keys.generate_ecdsa_key())
    with open(args.payload, "rb") as f:
        payload = f.read()
    sig = SSlibSigner(key).sign(pae(PAYLOAD_TYPE, payload))
    signature = {"sig": base64.b64encode(bytes.fromhex(sig.signature)).decode()}
    if args.keyid == "sslib":
        signature = {"keyid": sig.keyid, **signature}
    envelope = {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode(),
        "signatures": [signature],
    }
    with open(args.envelope, "w") as f:
        json.dump(envelope, f)
    with open(args.pubkey, "w") as f:
        f.write(pem_of(key))
    return 0


def verify(args) -> int:
    with open(args.envelope) as f:
        envelope = json.load(f)
    with open(args.pubkey) as f:
        key = sslib_key_of(f.read())
    payload = base64.b64decode(envelope["payload"], validate=True)
    first = envelope["signatures"][0]
    # The envelope's key id is a hint (Candor's or another tool's): the key
    # to verify under is the one given.
    sig = Signature(key.keyid,
                    base64.b64decode(first["sig"], validate=True).hex())
    try:
        key.verify_signature(sig, pae(envelope["payloadType"], payload))
    except Exception as e:  # securesystemslib's UnverifiedSignatureError etc.
        cause = f" ({e.__context__})" if e.__context__ else ""
        print(f"not verified: {type(e).__name__}: {e}{cause}")
        return 1
    print("verified")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sign")
    s.add_argument("--scheme", choices=["ed25519", "ecdsa"], required=True)
    s.add_argument("--payload", required=True)
    s.add_argument("--envelope", required=True)
    s.add_argument("--pubkey", required=True)
    s.add_argument("--keyid", choices=["sslib", "none"], default="sslib")
    v = sub.add_parser("verify")
    v.add_argument("--envelope", required=True)
    v.add_argument("--pubkey", required=True)
    args = parser.parse_args()
    return sign(args) if args.command == "sign" else verify(args)


if __name__ == "__main__":
    sys.exit(main())
