// Records the stand-in page with headless Chromium and writes a HAR built by
// chrome-har from the DevTools protocol events (Network.*, Page.*), the way
// auditors' tooling built on chrome-har does it.
//
//   node capture_chromium.mjs --url http://127.0.0.1:PORT/page.html \
//        --out chromium.har [--events events.json] [--chromium /usr/bin/chromium]
//
// Chromium runs with a fresh profile directory and only the flags below; the
// DevTools endpoint listens on 127.0.0.1. Every process this starts is
// stopped before it exits.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import CDP from 'chrome-remote-interface';
import { harFromMessages } from 'chrome-har';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const url = arg('url');
const out = arg('out');
const eventsOut = arg('events');
const chromiumPath = arg('chromium', '/usr/bin/chromium');
if (!url || !out) {
  console.error('usage: capture_chromium.mjs --url URL --out FILE [--events FILE]');
  process.exit(2);
}
if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) {
  console.error('refusing a URL that is not on http://127.0.0.1');
  process.exit(2);
}

const sleep = ms => new Promise(r => setTimeout(r, ms));
const profile = mkdtempSync(join(tmpdir(), 'corpus-chromium-'));
const flags = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  `--user-data-dir=${profile}`,
  // Nothing resolves but IP literals: no traffic can leave 127.0.0.1.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0',
  'about:blank',
];
const browser = spawn(chromiumPath, flags, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
let stderr = '';
browser.stderr.on('data', d => { stderr += d; });
let exited = false;
browser.on('exit', () => { exited = true; });

async function stopBrowser() {
  if (!exited) {
    try { process.kill(-browser.pid, 'SIGTERM'); } catch { /* gone */ }
    for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    if (!exited) { try { process.kill(-browser.pid, 'SIGKILL'); } catch { /* gone */ } }
  }
  rmSync(profile, { recursive: true, force: true });
}

let client;
try {
  // Chromium writes the port it chose into the profile directory.
  const portFile = join(profile, 'DevToolsActivePort');
  for (let i = 0; i < 300 && !existsSync(portFile); i++) {
    if (exited) throw new Error(`chromium exited early: ${stderr.slice(-2000)}`);
    await sleep(100);
  }
  const port = Number(readFileSync(portFile, 'utf8').split('\n')[0]);
  client = await CDP({ host: '127.0.0.1', port });
  const messages = [];
  client.on('event', m => {
    if (m.method.startsWith('Network.') || m.method.startsWith('Page.')) {
      messages.push({ method: m.method, params: m.params });
    }
  });
  await client.Page.enable();
  await client.Network.enable();
  await client.Page.navigate({ url });
  let done = false;
  for (let i = 0; i < 600 && !done; i++) {
    await sleep(100);
    const r = await client.Runtime.evaluate({ expression: 'window.__done === true' });
    done = r.result.value === true;
  }
  if (!done) throw new Error('the page did not finish within 60 s');
  const results = (await client.Runtime.evaluate({
    expression: 'JSON.stringify(window.__results)', returnByValue: true })).result.value;
  await sleep(1500);  // let beacons and the last events arrive
  const har = harFromMessages(messages, { includeTextFromResponseBody: false });
  writeFileSync(out, JSON.stringify(har, null, 2) + '\n');
  if (eventsOut) writeFileSync(eventsOut, JSON.stringify(messages, null, 1));
  const res = JSON.parse(results);
  let failures = 0;
  for (const [id, status] of Object.entries(res)) {
    const ok = ['200', '101', 'queued'].includes(status);
    failures += ok ? 0 : 1;
    console.error(`  ${id.padEnd(22)} ${status}`);
  }
  const version = await client.Browser.getVersion();
  console.error(`  (${version.product}, ${har.log.entries.length} entries)`);
  await client.close();
  client = null;
  await stopBrowser();
  process.exit(failures ? 1 : 0);
} catch (e) {
  console.error(`capture_chromium: ${e.stack || e}`);
  if (client) { try { await client.close(); } catch { /* ignore */ } }
  await stopBrowser();
  process.exit(1);
}
