// The stand-in app in the browser: sends every case of cases.json with the
// API a web SDK would use (fetch, XMLHttpRequest, sendBeacon, FormData,
// WebSocket, document.cookie), one after the other. Sets window.__done and
// window.__results when finished.
'use strict';

const bytesOf = b64 => Uint8Array.from(atob(b64), ch => ch.charCodeAt(0));
const sleep = ms => new Promise(r => setTimeout(r, ms));

async function compress(bytes, format) {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// Text bodies go as strings, as a page would send them; anything compressed
// or binary as a Uint8Array.
async function bodyOf(c) {
  if (c.body_b64 === null) return null;
  const bytes = bytesOf(c.body_b64);
  if (c.compress) return compress(bytes, c.compress);
  const ct = (c.headers['Content-Type'] || '').toLowerCase();
  const textual = /json|text\/|x-www-form-urlencoded/.test(ct) && !c.headers['Content-Encoding'];
  return textual ? new TextDecoder().decode(bytes) : bytes;
}

function xhr(c, body) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open(c.method, c.url);
    for (const [k, v] of Object.entries(c.headers)) x.setRequestHeader(k, v);
    x.onload = () => resolve(x.status);
    x.onerror = () => reject(new Error('xhr failed'));
    x.send(body);
  });
}

function websocket(c) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${location.host}${c.url}`);
    ws.onopen = () => {
      for (const m of c.ws_messages) ws.send(m);
      ws.close(1000, 'bye');
    };
    ws.onclose = () => resolve(101);
    ws.onerror = () => reject(new Error('websocket failed'));
  });
}

async function send(c) {
  const body = await bodyOf(c);
  switch (c.api) {
    case 'fetch':
      if (c.cookie) {
        const path = c.url.split('?')[0];
        document.cookie = `${c.cookie[0]}=${c.cookie[1]}; path=${path}`;
        document.cookie = `theme=dark; path=${path}`;
      }
      return (await fetch(c.url, { method: c.method, headers: c.headers, body })).status;
    case 'xhr':
      return xhr(c, body);
    case 'beacon': {
      const queued = navigator.sendBeacon(c.url, body);  // a string: text/plain;charset=UTF-8
      await sleep(300);
      return queued ? 'queued' : 'refused';
    }
    case 'beacon-blob': {
      const blob = new Blob([body], { type: c.headers['Content-Type'] });
      const queued = navigator.sendBeacon(c.url, blob);
      await sleep(300);
      return queued ? 'queued' : 'refused';
    }
    case 'formdata': {
      const fd = new FormData();
      for (const f of c.formdata) {
        if (f.kind === 'text') {
          fd.append(f.name, f.value);
        } else {  // file:<name>:<type>
          const [, filename, type] = f.kind.split(':');
          fd.append(f.name, new File([bytesOf(f.value)], filename, { type }));
        }
      }
      return (await fetch(c.url, { method: c.method, body: fd })).status;
    }
    case 'ws':
      return websocket(c);
    default:
      throw new Error(`unknown api ${c.api}`);
  }
}

(async () => {
  const results = {};
  const log = document.getElementById('log');
  try {
    const list = await (await fetch('/cases.json')).json();
    for (const c of list) {
      try {
        results[c.id] = String(await send(c));
      } catch (e) {
        results[c.id] = `error: ${e.message}`;
      }
      log.textContent += `${c.id} ${results[c.id]}\n`;
    }
  } catch (e) {
    results['*'] = `error: ${e.message}`;
  }
  window.__results = results;
  window.__done = true;
})();
