// Shared by the dashboard's browser tests (dashboard.test.mjs, dashboard_text.test.mjs): the real
// server binary with a temp database and demo data, Debian's headless Chromium (WebGL2 through
// SwiftShader, driven by playwright-core), and helpers that work the canvas with the real mouse
// and keyboard. Controls are found by label through window.agentUi.widgets(); the dashboard's
// model is read through window.lcDebug().
// Input is applied in the order it happened (agent-ui/src/input.hpp): a click followed at once by
// keys needs no pause, and `settled` waits for the dashboard to have taken every event.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';

import { programArgs } from './widget_lib.mjs';

export const CHROMIUM = process.env.LIVECHAT_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
];

// Set by init(): the server binary, the web folder it serves, where screenshots go (read from the
// command line: `node <script> SERVER_BINARY WEB_DIR SHOT_DIR`), and the test's own settings.
let serverBin, webDir, shotDir, PASSWORD, VISITOR_NAME, shotPrefix;
export function init({ script, password, visitorName, shotPrefix: prefix }) {
  [serverBin, webDir, shotDir] = programArgs(`node ${script} SERVER_BINARY WEB_DIR SHOT_DIR`);
  ({ PASSWORD, VISITOR_NAME, shotPrefix } = { PASSWORD: password, VISITOR_NAME: visitorName, shotPrefix: prefix });
  return { serverBin, webDir, shotDir };
}

export const log = [];
export const cleanups = [];
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what, fn, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) { last = e; }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last && last.message || last)})`);
}

// --- the server ---------------------------------------------------------------------------------
export async function startServer(extraArgs = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livechat-dashboard-e2e-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const portFile = path.join(dir, 'port');
  const child = spawn(serverBin, ['--listen', '127.0.0.1:0', '--port-file', portFile, '--db', path.join(dir, 'db.sqlite'),
                                  '--static', webDir, '--demo', '--log-level', 'warn', ...extraArgs],
                      { env: { ...process.env, LIVECHAT_DEMO_PASSWORD: PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.on('error', (e) => log.push(`server did not start: ${e.message}`));
  child.stdout.on('data', (d) => log.push(`server: ${String(d).trimEnd()}`));
  child.stderr.on('data', (d) => log.push(`server: ${String(d).trimEnd()}`));
  cleanups.push(() => child.kill('SIGKILL'));
  const port = await waitFor('the port file', () => {
    const p = fs.existsSync(portFile) ? Number(fs.readFileSync(portFile, 'utf8').trim()) : 0;
    return p > 0 ? p : 0;
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('demo sign-in', async () => {
    const r = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'anna@demo.local', password: PASSWORD }) });
    return r.status === 200;
  });
  return { port, base, db: path.join(dir, 'db.sqlite') };
}

// --- a visitor over /ws/visitor ---------------------------------------------------------------------
// Goes through the demo playbook (the Live Chat template) until it waits for an agent.
export function visitor(port) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/visitor?playbook=pb_demo`, { origin: `http://127.0.0.1:${port}` });
  const v = { ws, frames: [], conversation: '', waiting: false, n: 0 };
  const send = (f) => ws.send(JSON.stringify({ v: 1, ...f }));
  v.say = (text) => send({ type: 'send_message', id: `v-${++v.n}`, conversation: v.conversation, text, client_id: `vc-${v.n}` });
  ws.on('open', () => send({ type: 'hello', token: '', playbook: 'pb_demo', lang: 'it' }));
  ws.on('message', (data) => {
    const f = JSON.parse(String(data));
    v.frames.push(f);
    if (f.type === 'welcome') send({ type: 'start', id: 'start-1' });
    if (f.type === 'event' && f.event.type === 'conversation_started') v.conversation = f.event.conversation;
    if (f.type !== 'prompt') return;
    const answer = (text) => send({ type: 'answer', id: `a-${++v.n}`, conversation: f.conversation, text, client_id: `ac-${v.n}` });
    if (f.kind === 'buttons') answer(f.buttons[0]);
    if (f.kind === 'capture' && f.field === 'email') answer('luca@example.it');
    if (f.kind === 'capture' && f.field === 'name') answer(VISITOR_NAME);
    if (f.kind === 'waiting_for_agent') v.waiting = true;
  });
  ws.on('error', (e) => log.push(`visitor ws error: ${e.message}`));
  cleanups.push(() => ws.terminate());
  return v;
}

// --- images for rich text, from another origin (with CORS, as WebGL needs) -------------------------
// A 96x48 checkerboard PNG; any other path is a 404.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAGAAAAAwCAYAAADuFn/PAAAAiElEQVR42u3asQ0AIAgAQcdhCGdyYnbRDUxoMDFX0FL8dYSRM3ZlYmVp7L/' +
  'PEAgAAIEAABAIAACBAAAQCAAAgRoBBH27HwAAAAIBACAQAAACAQAgEAAAAnUCCOoaCkAgAAAEAgBAIAAABAIAQCAA/oIEdQ0FIBAAAAAAAAAAAAAAAAAAAPhu/wF' +
  'BITJ3tYsWUgAAAABJRU5ErkJggg==', 'base64');
export async function startImageServer() {
  const server = http.createServer((req, res) => {
    const ok = req.url === '/logo.png';
    res.writeHead(ok ? 200 : 404, { 'content-type': ok ? 'image/png' : 'text/plain', 'access-control-allow-origin': '*' });
    res.end(ok ? PNG : 'not found');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => server.close());
  return `http://127.0.0.1:${server.address().port}`;
}

// --- the dashboard ------------------------------------------------------------------------------------
// Desktop notifications are recorded in window.lcNotified (the real Notification is still made).
export function recordNotifications() {
  const Real = window.Notification;
  window.lcNotified = [];
  if (!Real) return;
  const Recorded = function (title, options) {
    window.lcNotified.push({ title, body: (options && options.body) || '' });
    return new Real(title, options);
  };
  Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
  Recorded.requestPermission = (...a) => Real.requestPermission(...a);
  window.Notification = Recorded;
}

// `locale` is the browser's language (navigator.languages), e.g. 'it-IT' for the Italian dashboard.
export async function openDashboard(browser, base, name, scale = 1, viewport = { width: 1280, height: 800 }, locale = 'en-US') {
  const context = await browser.newContext({ viewport, deviceScaleFactor: scale, locale });
  await context.grantPermissions(['notifications'], { origin: base }).catch(() => {});
  await context.addInitScript(recordNotifications);
  const page = await context.newPage();
  page.on('console', (m) => log.push(`${name} console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`${name} pageerror: ${e.message}`));
  await page.goto(`${base}/agent/`, { waitUntil: 'load', timeout: 30_000 });
  await waitFor(`${name}: the dashboard's first frame`, () => page.evaluate(() => !!window.lcWidgetsJson), 60_000);
  return { context, page, name };
}

// Types into the composer and waits until the frame that took the keys shows the text there
// (lcDebug().composer), so the next key goes after it however loaded the machine is.
export async function typeInComposer(d, text, expected) {
  await d.page.keyboard.type(text);
  return waitFor(`${d.name}: the composer holding ${JSON.stringify(expected)}`, async () => {
    const s = await debug(d);
    return s.composer === expected ? s : null;
  });
}

export const debug = (d) => d.page.evaluate(() => window.lcDebug());
export const widgets = (d) => d.page.evaluate(() => window.agentUi.widgets());

export async function click(d, label) {
  const find = async () => (await widgets(d)).find((x) => (label instanceof RegExp ? label.test(x.label) : x.label === label));
  // The same rectangle in two polls: a popup's first frame is laid out before it is placed.
  const w = await waitFor(`${d.name}: control "${label}"`, async () => {
    const a = await find();
    if (!a) return null;
    await sleep(80);
    const b = await find();
    return b && a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h ? b : null;
  });
  await d.page.mouse.click(w.x + w.w / 2, w.y + w.h / 2);
  return w;  // no pause: keys sent next are applied after the click (input.hpp)
}

// Types with the real keyboard: ASCII as key presses, anything else (é, Cyrillic, emoji) the way
// an input method or an emoji picker delivers it (Playwright sends those as insertText, which
// reaches the dashboard's text input, agent-ui/src/platform.hpp).
export async function typeText(d, text) {
  return d.page.keyboard.type(text);
}

// Clicks the text field `label`, clears it (Ctrl+A, Backspace) and types `text`.
export async function replaceText(d, label, text) {
  await click(d, label);
  await d.page.keyboard.press('Control+A');
  await d.page.keyboard.press('Backspace');
  await typeText(d, text);
}

// Pastes text as Ctrl+V does: a paste event with the text on the clipboard.
export async function pasteText(d, text) {
  await d.page.evaluate((t) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
}

// Waits until the dashboard has applied every input event sent so far (and drawn the frame).
export async function settled(d) {
  return waitFor(`${d.name}: input taken`, async () => ((await debug(d)).input_waiting === 0 ? true : null));
}

export async function shot(d, step) {
  fs.mkdirSync(shotDir, { recursive: true });
  const file = path.join(shotDir, `${shotPrefix || 'dashboard'}-${step}.png`);
  await d.page.screenshot({ path: file });
  console.log(`screenshot: ${file}`);
}

// `button` is the Sign in button's label in the dashboard's language ('Accedi' in Italian).
export async function signIn(d, email, button = 'Sign in') {
  await click(d, 'email');
  await d.page.keyboard.type(email);
  await click(d, 'password');
  await d.page.keyboard.type(PASSWORD);
  await click(d, button);
  return waitFor(`${d.name}: signed in with a snapshot`, async () => {
    const s = await debug(d);
    return s && s.signed_in && s.connected ? s : null;
  });
}

// A visitor (from visitor()) asks for a human; agent `d` takes the chat (Assign to me) and opens
// it in My conversations.
export async function takeChat(d, v, visitorName) {
  await waitFor('the visitor waiting for an agent', () => v.waiting && v.conversation);
  await waitFor('the chat in Unassigned', async () => (await debug(d)).ids.unassigned.includes(v.conversation));
  await click(d, `row:${visitorName}`);
  await click(d, 'Assign to me');
  await waitFor('the chat in My conversations', async () => (await debug(d)).ids.mine.includes(v.conversation));
  await click(d, 'My conversations');
  await click(d, `row:${visitorName}`);
}

export function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`ok - ${what}`);
}


// Runs main() within timeoutMs, prints the outcome (the server's and pages' log on failure),
// always cleans up, and exits with main's code (1 on any error).
export async function run(name, main, timeoutMs) {
  const cleanup = async () => {
    for (const c of cleanups.splice(0)) {
      try { await c(); } catch {}
    }
  };
  const timer = setTimeout(async () => {
    console.log(`timeout: no result within ${timeoutMs / 1000} s`);
    for (const line of log) console.log(`  ${line}`);
    setTimeout(() => process.exit(1), 20_000).unref();
    await cleanup();
    process.exit(1);
  }, timeoutMs);
  let code = 1;
  try {
    code = await main();
    console.log(`${name}: all checks passed`);
  } catch (e) {
    console.log(`error: ${e && e.stack || e}`);
    for (const line of log.slice(-60)) console.log(`  ${line}`);
  }
  clearTimeout(timer);
  await cleanup();
  process.exit(code);
}
