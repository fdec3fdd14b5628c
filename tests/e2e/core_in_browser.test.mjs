// The shared core, compiled to WebAssembly, in a real browser: serves a small page plus the probe
// (core_probe.js + core_probe.wasm from the WASM build tree) on 127.0.0.1, opens it in Debian's
// Chromium (headless, driven by playwright-core; never `npx playwright install`), waits for the
// state hash the page computes, screenshots the page and compares the hash with the expected one.
// Usage: node core_in_browser.test.mjs WASM_BUILD_DIR EXPECTED_HASH
// Exit code 0 when the hashes match, 1 otherwise (or on any error or the overall timeout).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

// ctest's own limit (tests/e2e/CMakeLists.txt) is higher, so this one fires first and cleans up.
const OVERALL_TIMEOUT_MS = Number(process.env.LIVECHAT_E2E_TIMEOUT_MS) || 150_000;
const CHROMIUM = process.env.LIVECHAT_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const [wasmDirArg, expected] = process.argv.slice(2);
if (!wasmDirArg || !/^[0-9a-f]{16}$/.test(expected || '')) {
  console.error('usage: node core_in_browser.test.mjs WASM_BUILD_DIR EXPECTED_HASH(16 hex digits)');
  process.exit(1);
}
const probeDir = path.resolve(wasmDirArg, 'tests', 'e2e');
const shotDir = path.join(probeDir, 'screenshots');
const shotPath = path.join(shotDir, 'core_in_browser.png');

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>livechat core probe</title>
<style>
  body { font: 16px/1.5 "DejaVu Sans", sans-serif; margin: 2em; color: #222; }
  code, #hash, #expected { font-family: "DejaVu Sans Mono", monospace; }
  #hash { font-size: 28px; font-weight: bold; }
  .done { color: #0a6b2b; } .error { color: #b00020; }
</style></head>
<body>
  <h1>Shared core in the browser</h1>
  <p>100,000 seeded random commands (seed 20261124) through <code>decide</code> + <code>apply</code>,
     compiled to WebAssembly.</p>
  <p>State hash (this browser): <span id="hash" data-state="running">computing…</span></p>
  <p>Expected (native build): <span id="expected"></span></p>
  <p id="verdict"></p>
  <p id="info"></p>
  <script>
    const hashEl = document.getElementById('hash');
    const expectedHash = new URLSearchParams(location.search).get('expected') || '';
    document.getElementById('expected').textContent = expectedHash || '(not given)';
    function finish(state, text, info) {
      if (hashEl.dataset.state !== 'running') return;
      hashEl.textContent = text;
      hashEl.className = state;
      document.getElementById('info').textContent = info || '';
      if (state === 'done' && expectedHash) {
        const same = text === expectedHash;
        const v = document.getElementById('verdict');
        v.textContent = same ? 'Same hash as the native build.' : 'DIFFERENT from the native build.';
        v.className = same ? 'done' : 'error';
      }
      hashEl.dataset.state = state;  // last: the test waits for it
    }
    window.addEventListener('error', (e) => finish('error', 'error: ' + e.message));
  </script>
  <script src="/core_probe.js"></script>
  <script>
    if (typeof CoreProbe !== 'function') {
      finish('error', 'error: core_probe.js did not define CoreProbe');
    } else {
      const t0 = performance.now();
      CoreProbe().then((m) => {
        const t1 = performance.now();
        const h = m.UTF8ToString(m._core_probe_state_hash());
        const t2 = performance.now();
        finish(h.startsWith('error') ? 'error' : 'done', h,
               'load + compile ' + Math.round(t1 - t0) + ' ms, run ' + Math.round(t2 - t1) + ' ms; ' +
               navigator.userAgent);
      }, (e) => finish('error', 'error: ' + (e && e.message || e)));
    }
  </script>
</body></html>
`;

// What the server hands out: the page and the probe, nothing else.
const ROUTES = {
  '/': { type: 'text/html; charset=utf-8', body: () => PAGE },
  '/core_probe.js': { type: 'text/javascript; charset=utf-8', body: () => fs.readFileSync(path.join(probeDir, 'core_probe.js')) },
  '/core_probe.wasm': { type: 'application/wasm', body: () => fs.readFileSync(path.join(probeDir, 'core_probe.wasm')) },
  '/favicon.ico': { type: 'image/x-icon', body: () => Buffer.alloc(0) },  // keeps the console free of 404s
};

function startServer() {
  const server = http.createServer((req, res) => {
    const route = ROUTES[new URL(req.url, 'http://127.0.0.1').pathname];
    if (req.method !== 'GET' || !route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    let body;
    try {
      body = route.body();
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
      return;
    }
    res.writeHead(200, { 'content-type': route.type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
    res.end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

let server;
let context;
let page;
let userDataDir;
const log = [];  // the page's console and errors, printed when something goes wrong

// Best effort: what the page showed when something went wrong.
async function screenshotAfterError() {
  if (!page) return;
  try {
    fs.mkdirSync(shotDir, { recursive: true });
    await page.screenshot({ path: shotPath, fullPage: true, timeout: 10_000 });
    console.log(`screenshot: ${shotPath}`);
  } catch {}
}

async function cleanup() {
  if (context) await context.close().catch(() => {});
  context = undefined;
  if (server) {
    server.closeAllConnections?.();
    await new Promise((r) => server.close(() => r()));
  }
  server = undefined;
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  userDataDir = undefined;
}

async function main() {
  for (const f of ['core_probe.js', 'core_probe.wasm']) {
    if (!fs.existsSync(path.join(probeDir, f))) throw new Error(`missing ${path.join(probeDir, f)}: build the WASM tree`);
  }
  server = await startServer();
  const { port } = server.address();
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'livechat-e2e-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 900, height: 420 },
    timeout: 60_000,
  });
  page = context.pages()[0] || await context.newPage();
  page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));

  const url = `http://127.0.0.1:${port}/?expected=${expected}`;
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  await page.waitForSelector('#hash:not([data-state="running"])', { timeout: 90_000 });
  const state = await page.getAttribute('#hash', 'data-state');
  const actual = ((await page.textContent('#hash')) || '').trim();
  const info = ((await page.textContent('#info')) || '').trim();

  fs.mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: shotPath, fullPage: true });

  console.log(`browser:  ${actual}`);
  console.log(`native:   ${expected}`);
  if (info) console.log(`timing:   ${info}`);
  console.log(`screenshot: ${shotPath}`);
  if (state === 'done' && actual === expected) {
    console.log('identical: the core in Chromium reaches the native state hash');
    return 0;
  }
  console.log(state === 'done' ? 'MISMATCH: the browser reached a different state hash' : 'the page reported an error');
  for (const line of log) console.log(`  ${line}`);
  return 1;
}

const timer = setTimeout(async () => {
  console.log(`timeout: no result within ${OVERALL_TIMEOUT_MS / 1000} s`);
  for (const line of log) console.log(`  ${line}`);
  setTimeout(() => process.exit(1), 20_000).unref();  // cleanup may hang: do not wait forever
  await screenshotAfterError();
  await cleanup().catch(() => {});
  process.exit(1);
}, OVERALL_TIMEOUT_MS);

let code = 1;
try {
  code = await main();
} catch (e) {
  console.log(`error: ${e && e.stack || e}`);
  for (const line of log) console.log(`  ${line}`);
  await screenshotAfterError();
  code = 1;
} finally {
  await cleanup().catch(() => {});
  clearTimeout(timer);
}
process.exit(code);
