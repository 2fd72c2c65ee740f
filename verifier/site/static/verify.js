// Candor's in-browser verification of a finding or entry bundle.
//
// With Web Crypto only and requests only to the site's own files, checks the
// bundle's checkpoint (the log's Ed25519 note signature under logKey, pinned
// in local storage on first use, and the witnesses' cosignatures against the
// witness policy), every entry's RFC 6962 inclusion proof, every DSSE
// signature against the admin key or the signer's registration in the
// bundle, and that the checkpoint is consistent with the last one this
// browser saw. It does not re-run the evaluation: the page names the
// `candor verify finding` command that does.
//
// The building blocks are small pure (or promise-returning) functions on
// window.CandorVerify so tests can call them directly. See
// verifier/site/API.md for the page elements this script looks for.
(function () {
  'use strict';

  const enc = new TextEncoder();

  class VerifyError extends Error {}
  function fail(msg) { throw new VerifyError(msg); }

  // ---- bytes ----

  function b64decode(s, what) {
    if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
      fail((what || 'a value') + ' is not valid base64');
    }
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function b64encode(u8) {
    let s = '';
    for (let i = 0; i < u8.length; i++) s += String.fromCharCode(u8[i]);
    return btoa(s);
  }

  function concat(...parts) {
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }

  function bytesEqual(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function hex(u8) {
    return Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  async function sha256(u8) {
    return new Uint8Array(await crypto.subtle.digest('SHA-256', u8));
  }

  // ---- RFC 6962 / RFC 9162 Merkle trees ----

  function leafHash(entry) { return sha256(concat(Uint8Array.of(0), entry)); }
  function nodeHash(l, r) { return sha256(concat(Uint8Array.of(1), l, r)); }

  // RFC 9162 section 2.1.3.2. Sizes and indexes are numbers or decimal
  // strings; arithmetic is done on BigInt. Resolves to true or false.
  async function verifyInclusion(index, size, leaf, proof, root) {
    let fn = BigInt(index);
    let sn = BigInt(size) - 1n;
    if (fn > sn) return false;
    let r = leaf;
    for (const p of proof) {
      if (sn === 0n) return false;
      if ((fn & 1n) === 1n || fn === sn) {
        r = await nodeHash(p, r);
        while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      } else {
        r = await nodeHash(r, p);
      }
      fn >>= 1n; sn >>= 1n;
    }
    return sn === 0n && bytesEqual(r, root);
  }

  // RFC 9162 section 2.1.4.2. Resolves to true or false.
  async function verifyConsistency(size1, size2, proof, root1, root2) {
    const s1 = BigInt(size1), s2 = BigInt(size2);
    if (s1 > s2) return false;
    if (s1 === s2) return proof.length === 0 && bytesEqual(root1, root2);
    if (s1 === 0n) return proof.length === 0;
    if (proof.length === 0) return false;
    let c = proof.slice();
    if ((s1 & (s1 - 1n)) === 0n) c = [root1].concat(c);
    let fn = s1 - 1n, sn = s2 - 1n;
    while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
    let fr = c[0], sr = c[0];
    for (const p of c.slice(1)) {
      if (sn === 0n) return false;
      if ((fn & 1n) === 1n || fn === sn) {
        fr = await nodeHash(p, fr);
        sr = await nodeHash(p, sr);
        while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      } else {
        sr = await nodeHash(sr, p);
      }
      fn >>= 1n; sn >>= 1n;
    }
    return sn === 0n && bytesEqual(fr, root1) && bytesEqual(sr, root2);
  }

  // ---- C2SP signed notes, checkpoints, cosignatures, policies ----

  // Splits a signed note into its body (ending in a newline) and signature
  // lines {name, keyHash (4 bytes), sig (the rest)}.
  function parseNote(text) {
    if (typeof text !== 'string' || !text.endsWith('\n')) fail('the checkpoint note does not end with a newline');
    const split = text.lastIndexOf('\n\n');
    if (split < 0) fail('the checkpoint note has no signatures');
    const body = text.slice(0, split + 1);
    const sigText = text.slice(split + 2);
    const signatures = [];
    for (const line of sigText.slice(0, -1).split('\n')) {
      const m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m) fail('the checkpoint note has a malformed signature line: ' + JSON.stringify(line));
      const raw = b64decode(m[2], 'a signature line');
      if (raw.length < 5) fail('the checkpoint note has a signature line too short to hold a key hash');
      signatures.push({ name: m[1], keyHash: raw.slice(0, 4), sig: raw.slice(4) });
    }
    if (signatures.length === 0) fail('the checkpoint note has no signatures');
    return { body, signatures };
  }

  // origin\nsize\nbase64 root\n[extension lines]
  function parseCheckpoint(body) {
    const lines = body.split('\n');
    if (lines.length < 4 || lines[lines.length - 1] !== '') fail('the checkpoint body is malformed');
    const origin = lines[0];
    if (origin === '') fail('the checkpoint has no origin');
    if (!/^(0|[1-9][0-9]*)$/.test(lines[1])) fail('the checkpoint size is not a decimal number');
    const root = b64decode(lines[2], 'the checkpoint root');
    if (root.length !== 32) fail('the checkpoint root is not 32 bytes');
    return { origin, size: lines[1], root, extensions: lines.slice(3, -1) };
  }

  // A note verifier key `name+hash8hex+base64(alg||pubkey)`; alg 0x01 is an
  // Ed25519 note signer, 0x04 an Ed25519 cosigner (tlog-cosignature v1).
  async function parseVerifierKey(vkey) {
    // The name has no '+'; the base64 key may.
    const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(String(vkey).trim());
    if (!m) fail('"' + vkey + '" is not a note verifier key (name+hash+key)');
    const [, name, hashHex, keyB64] = m;
    const key = b64decode(keyB64, 'the key of ' + name);
    if (key.length !== 33 || (key[0] !== 0x01 && key[0] !== 0x04)) {
      fail('the key of ' + name + ' is not an Ed25519 note or cosignature key');
    }
    const keyHash = (await sha256(concat(enc.encode(name + '\n'), key))).slice(0, 4);
    if (hex(keyHash) !== hashHex) fail('the key hash of ' + name + ' does not match its key');
    return { name, keyHash, alg: key[0], publicKey: key.slice(1), text: String(vkey).trim() };
  }

  async function verifyEd25519(publicKey, sig, msg) {
    if (sig.length !== 64) return false;
    const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    return crypto.subtle.verify({ name: 'Ed25519' }, key, sig, msg);
  }

  // C2SP tlog-policy: log, witness, group, quorum lines; # comments.
  function parsePolicy(text) {
    const policy = { logs: [], witnesses: new Map(), groups: new Map(), quorum: null };
    for (const raw of String(text || '').split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      if (line === '') continue;
      const f = line.split(/\s+/);
      if (f[0] === 'log' && (f.length === 2 || f.length === 3)) {
        policy.logs.push(f[1]);
      } else if (f[0] === 'witness' && (f.length === 3 || f.length === 4)) {
        if (policy.witnesses.has(f[1]) || policy.groups.has(f[1])) fail('the witness policy names ' + f[1] + ' twice');
        policy.witnesses.set(f[1], f[2]);
      } else if (f[0] === 'group' && f.length >= 4) {
        if (policy.witnesses.has(f[1]) || policy.groups.has(f[1])) fail('the witness policy names ' + f[1] + ' twice');
        const members = f.slice(3);
        for (const m of members) {
          if (!policy.witnesses.has(m) && !policy.groups.has(m)) fail('the witness policy\'s group ' + f[1] + ' names unknown ' + m);
        }
        let k;
        if (f[2] === 'all') k = members.length;
        else if (f[2] === 'any') k = 1;
        else if (/^[1-9][0-9]*$/.test(f[2]) && Number(f[2]) <= members.length) k = Number(f[2]);
        else fail('the witness policy\'s group ' + f[1] + ' has a bad threshold ' + f[2]);
        policy.groups.set(f[1], { k, members });
      } else if (f[0] === 'quorum' && f.length === 2) {
        if (policy.quorum !== null) fail('the witness policy has two quorum lines');
        if (f[1] !== 'none' && !policy.witnesses.has(f[1]) && !policy.groups.has(f[1])) {
          fail('the witness policy\'s quorum names unknown ' + f[1]);
        }
        policy.quorum = f[1];
      } else {
        fail('the witness policy has a line it cannot read: ' + JSON.stringify(line));
      }
    }
    if (policy.quorum === null) fail('the witness policy has no quorum line');
    return policy;
  }

  // Whether the witnesses in `cosigned` (a Set of policy names) meet the
  // policy's quorum.
  function quorumMet(policy, cosigned) {
    const met = (name) => {
      if (policy.witnesses.has(name)) return cosigned.has(name);
      const g = policy.groups.get(name);
      return g.members.filter(met).length >= g.k;
    };
    return policy.quorum === 'none' || met(policy.quorum);
  }

  // Checks the log's signature and, with a policy, the cosignatures.
  // Resolves to {checkpoint, cosigners: [policy names], policy} or throws.
  async function verifyCheckpointNote(noteText, logKeyText, policyText) {
    const note = parseNote(noteText);
    const logKey = await parseVerifierKey(logKeyText);
    if (logKey.alg !== 0x01) fail('the log key is not an Ed25519 note key');
    const body = enc.encode(note.body);
    let signed = false;
    for (const s of note.signatures) {
      if (s.name === logKey.name && bytesEqual(s.keyHash, logKey.keyHash) &&
          await verifyEd25519(logKey.publicKey, s.sig, body)) {
        signed = true;
      }
    }
    const checkpoint = parseCheckpoint(note.body);
    if (!signed) fail('the checkpoint of ' + checkpoint.origin + ' at tree size ' + checkpoint.size + ' is not signed by the log key ' + logKey.name);
    if (checkpoint.origin !== logKey.name) fail('the checkpoint\'s origin ' + checkpoint.origin + ' is not the log key\'s name ' + logKey.name);
    const cosigners = [];
    let policy = null;
    if (String(policyText || '').trim() !== '') {
      policy = parsePolicy(policyText);
      if (policy.logs.length > 0 && !policy.logs.some((l) => l.trim() === logKey.text)) {
        fail('the witness policy does not list the log key ' + logKey.text);
      }
      for (const [wname, wkeyText] of policy.witnesses) {
        const wkey = await parseVerifierKey(wkeyText);
        if (wkey.alg !== 0x04) fail('witness ' + wname + '\'s key is not a cosignature/v1 key');
        for (const s of note.signatures) {
          if (s.name !== wkey.name || !bytesEqual(s.keyHash, wkey.keyHash)) continue;
          if (s.sig.length !== 8 + 64) fail('witness ' + wname + '\'s cosignature has the wrong length');
          let t = 0n;
          for (let i = 0; i < 8; i++) t = (t << 8n) | BigInt(s.sig[i]);
          const msg = concat(enc.encode('cosignature/v1\ntime ' + t.toString() + '\n'), body);
          if (!await verifyEd25519(wkey.publicKey, s.sig.slice(8), msg)) {
            fail('witness ' + wname + '\'s cosignature on the checkpoint does not verify');
          }
          if (!cosigners.includes(wname)) cosigners.push(wname);
        }
      }
      if (!quorumMet(policy, new Set(cosigners))) {
        fail('the checkpoint does not meet the witness policy\'s quorum "' + policy.quorum + '": cosigned by ' +
             (cosigners.length ? cosigners.join(', ') : 'no witness') + '; missing ' +
             Array.from(policy.witnesses.keys()).filter((w) => !cosigners.includes(w)).join(', '));
      }
    }
    return { checkpoint, cosigners, policy };
  }

  // ---- keys and DSSE ----

  const OID_ED25519 = Uint8Array.of(0x06, 0x03, 0x2b, 0x65, 0x70);
  const OID_P256 = Uint8Array.of(0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07);

  function contains(hay, needle) {
    outer: for (let i = 0; i + needle.length <= hay.length; i++) {
      for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
      return true;
    }
    return false;
  }

  // A PEM SPKI (Ed25519 or P-256) or an Ed25519 note verifier key.
  // Resolves to {alg: 'Ed25519'|'P-256', key: CryptoKey}.
  async function importPublicKey(text) {
    const t = String(text).trim();
    const m = /^-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----$/.exec(t);
    if (m) {
      const der = b64decode(m[1].replace(/\s+/g, ''), 'a PEM public key');
      if (contains(der, OID_ED25519)) {
        return { alg: 'Ed25519', key: await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']) };
      }
      if (contains(der, OID_P256)) {
        return { alg: 'P-256', key: await crypto.subtle.importKey('spki', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']) };
      }
      fail('a public key is neither Ed25519 nor ECDSA P-256');
    }
    const v = await parseVerifierKey(t);
    if (v.alg !== 0x01) fail('the key ' + v.name + ' is not an Ed25519 note key');
    return { alg: 'Ed25519', key: await crypto.subtle.importKey('raw', v.publicKey, { name: 'Ed25519' }, false, ['verify']) };
  }

  // DSSE pre-authentication encoding.
  function pae(payloadType, payload) {
    const type = enc.encode(payloadType);
    return concat(enc.encode('DSSEv1 ' + type.length + ' '), type,
                  enc.encode(' ' + payload.length + ' '), payload);
  }

  // An ASN.1 DER ECDSA-Sig-Value to IEEE P1363 r||s with n-byte integers.
  function derToP1363(der, n) {
    n = n || 32;
    let i = 0;
    const byte = () => { if (i >= der.length) fail('a truncated ECDSA signature'); return der[i++]; };
    const len = () => {
      let l = byte();
      if (l & 0x80) {
        const k = l & 0x7f;
        if (k === 0 || k > 2) fail('a malformed ECDSA signature');
        l = 0;
        for (let j = 0; j < k; j++) l = (l << 8) | byte();
      }
      return l;
    };
    if (byte() !== 0x30) fail('an ECDSA signature is not a DER sequence');
    if (len() !== der.length - i) fail('an ECDSA signature has a wrong length');
    const out = new Uint8Array(2 * n);
    for (let k = 0; k < 2; k++) {
      if (byte() !== 0x02) fail('an ECDSA signature lacks an integer');
      const l = len();
      if (l === 0 || i + l > der.length) fail('a malformed ECDSA signature');
      let v = der.slice(i, i + l);
      i += l;
      if (v[0] & 0x80) fail('an ECDSA signature has a negative integer');
      while (v.length > 1 && v[0] === 0) v = v.slice(1);
      if (v.length > n) fail('an ECDSA signature integer is too long');
      out.set(v, k * n + (n - v.length));
    }
    if (i !== der.length) fail('an ECDSA signature has trailing bytes');
    return out;
  }

  // Whether at least one of the envelope's signatures verifies under one of
  // `keys` (from importPublicKey).
  async function verifyDsse(envelope, keys) {
    const payload = b64decode(envelope.payload, 'the envelope payload');
    const msg = pae(envelope.payloadType, payload);
    for (const s of envelope.signatures || []) {
      let sig;
      try { sig = b64decode(s.sig, 'a signature'); } catch (e) { continue; }
      for (const k of keys) {
        try {
          if (k.alg === 'Ed25519') {
            if (await crypto.subtle.verify({ name: 'Ed25519' }, k.key, sig, msg)) return true;
          } else if (await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, k.key, derToP1363(sig, 32), msg)) {
            return true;
          }
        } catch (e) { /* a malformed signature does not verify */ }
      }
    }
    return false;
  }

  const REGISTRATION = 'https://candor.dev/registration/v1';
  const REFERENCE = 'https://candor.dev/reference-data/v1';
  // The predicate field that names each statement's signer.
  const SIGNER_FIELD = {
    'https://candor.dev/claim/v1': 'issuer',
    'https://candor.dev/recorded-claim/v1': 'recorder',
    'https://candor.dev/dispute/v1': 'issuer',
    'https://candor.dev/measurement/v1': 'auditor',
    'https://candor.dev/finding/v1': 'verifier',
  };

  function parseEntry(bytes, what) {
    let env, statement;
    try {
      env = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      statement = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b64decode(env.payload, 'the payload')));
    } catch (e) {
      fail(what + ' is not a readable signed statement');
    }
    if (typeof env.payloadType !== 'string' || !Array.isArray(env.signatures) || !statement || typeof statement.predicateType !== 'string') {
      fail(what + ' is not a readable signed statement');
    }
    return { envelope: env, statement, predicate: statement.predicate || {} };
  }

  // ---- the whole bundle ----

  // Checks `bundle` (parsed JSON) against `log` (parsed log.json). Resolves
  // to {checkpoint, cosigners, lines: [plain sentences]} or throws
  // VerifyError with the reason.
  async function verifyBundle(bundle, log) {
    const lines = [];
    if (!bundle || typeof bundle.checkpoint !== 'string' || !Array.isArray(bundle.entries)) fail('the bundle is malformed');
    const cv = await verifyCheckpointNote(bundle.checkpoint, log.logKey, log.witnessPolicy);
    const cp = cv.checkpoint;
    lines.push('Checkpoint of ' + cp.origin + ' at tree size ' + cp.size + ' is signed by the log key.');
    if (cv.policy) {
      lines.push('It is cosigned by ' + (cv.cosigners.length ? cv.cosigners.join(', ') : 'no witness') +
                 ', meeting the witness policy\'s quorum' + (cv.policy.quorum === 'none' ? ' (none)' : ' "' + cv.policy.quorum + '"') + '.');
    }

    const entries = [];
    const seen = new Set();
    for (const e of bundle.entries) {
      const index = e.index === undefined ? '0' : String(e.index);
      if (!/^(0|[1-9][0-9]*)$/.test(index)) fail('the bundle has an entry with a bad index');
      if (seen.has(index)) fail('entry ' + index + ' appears twice in the bundle');
      seen.add(index);
      const what = 'entry ' + index;
      const bytes = b64decode(e.entry, what);
      const proof = (e.proof || []).map((p) => {
        const h = b64decode(p, what + '\'s proof');
        if (h.length !== 32) fail(what + '\'s inclusion proof has a hash that is not 32 bytes');
        return h;
      });
      if (!await verifyInclusion(index, cp.size, await leafHash(bytes), proof, cp.root)) {
        fail(what + ' is not in the log: the inclusion proof does not lead to the checkpoint\'s root');
      }
      entries.push(Object.assign({ index: BigInt(index), role: e.role, what }, parseEntry(bytes, what)));
    }
    lines.push(entries.length + (entries.length === 1 ? ' entry is' : ' entries are') + ' in the log (inclusion proofs).');

    entries.sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
    const registrations = entries.filter((e) => e.statement.predicateType === REGISTRATION);
    let registrationCount = 0;
    if (registrations.length > 0) {
      if (!log.adminKey) fail('the site publishes no admin key to check registrations with');
      const admin = await importPublicKey(log.adminKey);
      for (const r of registrations) {
        if (!await verifyDsse(r.envelope, [admin])) fail(r.what + ' (a registration) is not signed by the admin key');
        registrationCount++;
      }
    }
    // The registration of `name` in force at `index`: the latest before it.
    const registrationOf = (name, index) => {
      let found = null;
      for (const r of registrations) if (r.index < index && r.predicate.name === name) found = r;
      return found;
    };
    const keysOf = async (r) => Promise.all((r.predicate.publicKeys || []).map(importPublicKey));
    let statementCount = 0;
    for (const e of entries) {
      const type = e.statement.predicateType;
      if (type === REGISTRATION) continue;
      let ok = false;
      if (type === REFERENCE) {
        const verifiers = new Map();
        for (const r of registrations) if (r.index < e.index && r.predicate.role === 'VERIFIER') verifiers.set(r.predicate.name, r);
        if (verifiers.size === 0) fail(e.what + ' (reference data) has no registered verifier in the bundle to be signed by');
        for (const r of verifiers.values()) if (await verifyDsse(e.envelope, await keysOf(r))) ok = true;
        if (!ok) fail(e.what + ' (reference data) is not signed by any verifier registered in the bundle');
      } else {
        const field = SIGNER_FIELD[type];
        if (!field) fail(e.what + ' has a statement type this page does not know: ' + type);
        const signer = e.predicate[field];
        if (typeof signer !== 'string' || signer === '') fail(e.what + ' does not name its signer');
        const r = registrationOf(signer, e.index);
        if (!r) fail(e.what + ' is signed by ' + signer + ', but the bundle has no registration of ' + signer + ' before it');
        if (!await verifyDsse(e.envelope, await keysOf(r))) {
          fail(e.what + ' is not signed by a key of ' + signer + ' (registered at entry ' + r.index + ')');
        }
      }
      statementCount++;
    }
    lines.push((registrationCount ? registrationCount + ' registration' + (registrationCount === 1 ? ' is' : 's are') + ' signed by the admin key' : 'No registrations') +
               (statementCount ? '; ' + statementCount + (statementCount === 1 ? ' other statement is signed by a key its signer registered.' : ' other statements are signed by keys their signers registered.') : '.'));
    return { checkpoint: cp, cosigners: cv.cosigners, lines };
  }

  // Compares `cp` with the last checkpoint this browser saw for its origin
  // (in `storage`), pins `logKey` on first use, and remembers `cp`.
  // `fetchConsistency(oldSize)` resolves to the parsed consistency JSON.
  // Resolves to a sentence or throws VerifyError.
  async function checkAgainstStored(storage, cp, logKey, fetchConsistency) {
    const keyKey = 'candor.logKey';
    const cpKey = 'candor.checkpoint.' + cp.origin;
    const pinned = storage.getItem(keyKey);
    let sentence;
    if (pinned !== null && pinned !== String(logKey).trim()) {
      fail('THE LOG KEY CHANGED: this browser first saw this site use log key ' + pinned +
           ', but it now publishes ' + String(logKey).trim() + '. A log does not change its key; do not trust this site until that is explained.');
    }
    const stored = storage.getItem(cpKey);
    if (stored === null) {
      sentence = 'This browser had not seen a checkpoint of ' + cp.origin + ' before; it now remembers this one (tree size ' + cp.size + ') and the log key.';
    } else {
      let old;
      try { old = JSON.parse(stored); } catch (e) { old = null; }
      if (!old || typeof old.size !== 'string' || typeof old.root !== 'string') {
        sentence = 'The checkpoint this browser remembered was unreadable; it now remembers this one (tree size ' + cp.size + ').';
      } else {
        const oldSize = BigInt(old.size), size = BigInt(cp.size);
        const oldRoot = b64decode(old.root, 'the remembered root');
        if (oldSize > size) {
          fail('this site serves an older checkpoint (tree size ' + cp.size + ') than this browser already saw (tree size ' + old.size + ')');
        } else if (oldSize === size) {
          if (!bytesEqual(oldRoot, cp.root)) {
            fail('the log forked: this browser saw another root at the same tree size ' + cp.size);
          }
          sentence = 'It is the same checkpoint this browser saw before (tree size ' + cp.size + ').';
        } else {
          const c = await fetchConsistency(old.size);
          if (!c || String(c.oldSize) !== old.size || String(c.newSize) !== cp.size || !Array.isArray(c.proof)) {
            fail('the site has no consistency proof from tree size ' + old.size + ' to ' + cp.size);
          }
          const proof = c.proof.map((p) => b64decode(p, 'the consistency proof'));
          if (!await verifyConsistency(old.size, cp.size, proof, oldRoot, cp.root)) {
            fail('the checkpoint at tree size ' + cp.size + ' is not consistent with the one this browser saw at tree size ' +
                 old.size + ': the consistency proof does not verify');
          }
          sentence = 'It is consistent with the checkpoint this browser saw before (tree size ' + old.size + ' to ' + cp.size + ', consistency proof).';
        }
      }
    }
    storage.setItem(keyKey, String(logKey).trim());
    storage.setItem(cpKey, JSON.stringify({ size: cp.size, root: b64encode(cp.root) }));
    return sentence;
  }

  // ---- the page ----

  async function fetchJson(url) {
    let resp;
    try {
      resp = await fetch(url, { cache: 'no-store', credentials: 'same-origin' });
    } catch (e) {
      fail('could not fetch ' + url + ': ' + e.message);
    }
    if (!resp.ok) fail('could not fetch ' + url + ': HTTP ' + resp.status);
    try {
      return await resp.json();
    } catch (e) {
      fail(url + ' is not valid JSON');
    }
  }

  // The api/v1/ directory the bundle path is in: "../api/v1/findings/12.bundle.json" -> "../api/v1/".
  function apiBase(bundlePath) {
    const i = bundlePath.lastIndexOf('api/v1/');
    return i >= 0 ? bundlePath.slice(0, i + 'api/v1/'.length) : 'api/v1/';
  }

  function render(out, state, heading, lines, notes) {
    out.textContent = '';
    out.setAttribute('data-state', state);
    const p = document.createElement('p');
    p.className = 'verify-verdict';
    p.textContent = heading;
    out.appendChild(p);
    if (lines.length) {
      const ul = document.createElement('ul');
      for (const l of lines) {
        const li = document.createElement('li');
        li.textContent = l;
        ul.appendChild(li);
      }
      out.appendChild(ul);
    }
    for (const n of notes) out.appendChild(n);
  }

  function commandNote(bundlePath) {
    const file = bundlePath.slice(bundlePath.lastIndexOf('/') + 1);
    const p = document.createElement('p');
    p.className = 'verify-limits';
    const code = document.createElement('code');
    if (/^api\/v1\/findings\/|\/findings\//.test(bundlePath) || bundlePath.indexOf('findings/') >= 0) {
      p.appendChild(document.createTextNode('Not checked here: the verdict itself. It is re-derived by '));
      code.textContent = 'candor verify finding ' + file + ' --log_pub log.pub --admin_pub admin.pub --policy witnesses.policy';
      p.appendChild(code);
      p.appendChild(document.createTextNode(' (save the bundle, and logKey, adminKey and witnessPolicy from api/v1/log.json, into those files).'));
    } else {
      p.appendChild(document.createTextNode('Not checked here: that the page\'s reading of the statement is right; the signed statement itself is in ' + file + '. '));
      p.appendChild(document.createTextNode('Nor that no later registration rotated a signer\'s key out; a monitor following the log ('));
      code.textContent = 'candor watch';
      p.appendChild(code);
      p.appendChild(document.createTextNode(') catches that.'));
    }
    return p;
  }

  async function run(button, out) {
    const bundlePath = button.getAttribute('data-bundle');
    out.setAttribute('data-state', 'running');
    out.textContent = 'Verifying…';
    button.disabled = true;
    try {
      const base = apiBase(bundlePath);
      let bundle, log;
      // The site may publish a new checkpoint between the two fetches; the
      // bundle and log.json must describe the same one.
      for (let attempt = 0; ; attempt++) {
        [bundle, log] = await Promise.all([fetchJson(bundlePath), fetchJson(base + 'log.json')]);
        if (bundle.checkpoint === log.checkpoint) break;
        if (attempt === 2) fail('the bundle\'s checkpoint is not the one api/v1/log.json publishes');
      }
      const result = await verifyBundle(bundle, log);
      const sentence = await checkAgainstStored(window.localStorage, result.checkpoint, log.logKey,
        (old) => fetchJson(base + 'consistency/' + old + '.json'));
      render(out, 'ok', 'Verified in this browser.', result.lines.concat([sentence]), [commandNote(bundlePath)]);
    } catch (e) {
      const reason = e instanceof VerifyError ? e.message : 'an unexpected error: ' + (e && e.message ? e.message : String(e));
      render(out, 'failed', 'Verification FAILED: ' + reason + '.', [], []);
    } finally {
      button.disabled = false;
    }
  }

  window.CandorVerify = {
    VerifyError, b64decode, b64encode, concat, bytesEqual, hex, sha256,
    leafHash, nodeHash, verifyInclusion, verifyConsistency,
    parseNote, parseCheckpoint, parseVerifierKey, parsePolicy, quorumMet, verifyCheckpointNote,
    importPublicKey, pae, derToP1363, verifyDsse, verifyBundle, checkAgainstStored, apiBase, run,
  };

  function init() {
    const button = document.getElementById('verify');
    const out = document.getElementById('verify-result');
    if (!button || !out || !button.hasAttribute('data-bundle')) return;
    button.addEventListener('click', () => run(button, out));
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
