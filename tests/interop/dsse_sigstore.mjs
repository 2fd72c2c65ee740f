// DSSE envelopes signed and verified by sigstore-js, for Candor's interop
// test (tests/interop/sigstore_interop_test.cc). Fully offline: no Fulcio, no
// Rekor, no timestamp authority, no TUF.
//
// sigstore-js is pinned in tests/interop/sigstore/package-lock.json
// (@sigstore/sign 4.1.1, @sigstore/verify 3.1.1, @sigstore/bundle 4.0.0,
// @sigstore/core 3.2.1: the newest lines that run on Debian's node 20; sign
// 5.x and verify 4.x need node >= 22.22); third_party/setup.sh installs it
// with `npm ci` into ~/.cache/candor/npm-sigstore. Node's crypto makes the
// keys and the raw signatures (sigstore-js leaves signing to a caller-provided
// Signer); all DSSE framing and verification is sigstore-js's:
//
//   sign --modules DIR --scheme ed25519|ecdsa --keyid npm|candor|none
//        --payload FILE --envelope OUT --bundle OUT --pubkey OUT
//       @sigstore/sign's DSSEBundleBuilder (no witnesses) signs
//       PAE("application/vnd.in-toto+json", FILE's bytes) with a fresh key
//       through a Signer over node's crypto; the key's hint becomes the
//       signature's keyid: npm's scheme ("SHA256:" + unpadded base64 of the
//       SHA-256 of the DER SubjectPublicKeyInfo, as the npm registry names its
//       keys), Candor's (hex SHA-256 of the same DER), or none (sigstore-js
//       then writes keyid ""). Writes the Sigstore bundle
//       (@sigstore/bundle's bundleToJSON), the DSSE envelope extracted from
//       it (its dsseEnvelope member) and the public key as PEM SPKI.
//   verify --modules DIR --envelope FILE --pubkey FILE
//       Wraps the envelope in a v0.3 Sigstore bundle whose verification
//       material is the public key named by the envelope's first key id, and
//       verifies it with @sigstore/verify's Verifier: trust material from
//       toTrustMaterial with an empty trusted root and that one key, and
//       thresholds of 0 for tlog entries, SCTs and timestamps (there are none
//       offline). Exits 0 and prints "verified", or exits 1 and prints
//       "not verified: <error class>: <code>: <message>".
//
// Exit code 3, saying so, if the sigstore-js modules are not under DIR.

import { createHash, createPublicKey, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const PAYLOAD_TYPE = 'application/vnd.in-toto+json';

function load(modules) {
  if (!existsSync(join(modules, '@sigstore', 'sign', 'package.json'))) {
    console.error(`sigstore-js is not installed under ${modules}: run third_party/setup.sh`);
    process.exit(3);
  }
  const require = createRequire(join(modules, '..', 'package.json'));
  return {
    sign: require('@sigstore/sign'),
    verify: require('@sigstore/verify'),
    bundle: require('@sigstore/bundle'),
  };
}

function spkiDer(publicKey) {
  return publicKey.export({ type: 'spki', format: 'der' });
}

function keyidOf(publicKey, scheme) {
  const digest = createHash('sha256').update(spkiDer(publicKey));
  switch (scheme) {
    case 'npm': return 'SHA256:' + digest.digest('base64').replace(/=+$/, '');
    case 'candor': return digest.digest('hex');
    default: return undefined;
  }
}

async function sign(sigstore, args) {
  const { publicKey, privateKey } = args.scheme === 'ed25519'
    ? generateKeyPairSync('ed25519')
    : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  // A Signer as @sigstore/sign defines it; Ed25519 takes no digest, ECDSA
  // P-256 signs SHA-256 (DER signature).
  const signer = {
    sign: async (data) => ({
      signature: nodeSign(args.scheme === 'ed25519' ? null : 'sha256', data, privateKey),
      key: { $case: 'publicKey', publicKey: pem, hint: keyidOf(publicKey, args.keyid) },
    }),
  };
  const builder = new sigstore.sign.DSSEBundleBuilder({ signer, witnesses: [] });
  const bundle = await builder.create({ data: readFileSync(args.payload), type: PAYLOAD_TYPE });
  const json = sigstore.bundle.bundleToJSON(bundle);
  writeFileSync(args.bundle, JSON.stringify(json));
  writeFileSync(args.envelope, JSON.stringify(json.dsseEnvelope));
  writeFileSync(args.pubkey, pem);
  return 0;
}

function verify(sigstore, args) {
  const envelope = JSON.parse(readFileSync(args.envelope, 'utf8'));
  const hint = envelope.signatures?.[0]?.keyid ?? '';
  const bundle = sigstore.bundle.bundleFromJSON({
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      publicKey: { hint },
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: envelope,
  });
  const trustedRoot = { certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] };
  const keys = { [hint]: { rawBytes: spkiDer(createPublicKey(readFileSync(args.pubkey))) } };
  const verifier = new sigstore.verify.Verifier(
    sigstore.verify.toTrustMaterial(trustedRoot, keys),
    { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  try {
    verifier.verify(sigstore.verify.toSignedEntity(bundle));
  } catch (e) {
    console.log(`not verified: ${e.name}: ${e.code}: ${e.message}`);
    return 1;
  }
  console.log('verified');
  return 0;
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      modules: { type: 'string' },
      scheme: { type: 'string' },
      keyid: { type: 'string', default: 'npm' },
      payload: { type: 'string' },
      envelope: { type: 'string' },
      bundle: { type: 'string' },
      pubkey: { type: 'string' },
    },
  });
  if (!values.modules || !['sign', 'verify'].includes(command)) {
    console.error('usage: dsse_sigstore.mjs sign|verify --modules DIR ...');
    return 2;
  }
  const sigstore = load(values.modules);
  return command === 'sign' ? sign(sigstore, values) : verify(sigstore, values);
}

process.exitCode = await main();
