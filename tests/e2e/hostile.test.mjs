// Hostile content rendered inert, in the visitor widget and in the agent dashboard (issue #7,
// item 6). The real server binary (temp SQLite file, --demo data) and Debian's headless Chromium
// (playwright-core). Every field a visitor, an agent or an admin can fill gets markup, event
// handlers, javascript:/data: links and images, markup-breaking and odd Unicode text:
//   admin (REST): a user name, the playbook's name, bot name and every card text (message,
//     question, button labels, captures, the Live Chat card's online and offline messages, the
//     create-item title, end texts), CRM records (leads, deals, activities, persons, ...);
//   visitor (the widget, real keyboard): the button, the email and name answers, chat messages;
//   agent (node over /ws/agent, named with a payload): chat messages, typing, the side panel.
// A tripwire is planted in every page before its own scripts: window.__pwn, alert/confirm/
// prompt, dialogs, frames, requests leaving the server's origin, CSP reports, window.open and
// Notification calls are all recorded. Then the widget (an offline run, then a live chat) and
// the dashboard (conversation, lists, side panel, CRM, users, playbook editor preview) are shown
// and the test checks that nothing ran or was fetched, that the widget's shadow DOM holds nothing
// active, that payloads show as their own text, and that links only open http(s) (or mailto)
// targets, in a new tab without an opener. Screenshots: SHOT_DIR/hostile-*.png (look at them).
// Usage: node hostile.test.mjs SERVER_BIN WEB_DIR SHOT_DIR   (WEB_DIR holds agent/, demo/, widget/)
// Exit code 0 when every check passes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { CHROMIUM, CHROMIUM_ARGS } from './dashboard_lib.mjs';
import { programArgs, testProgram } from './widget_lib.mjs';

const OVERALL_TIMEOUT_MS = Number(process.env.LIVECHAT_E2E_TIMEOUT_MS) || 360_000;
const PASSWORD = 'hostile-e2e-password';

const [serverBin, webDir, shotDir] = programArgs('node hostile.test.mjs SERVER_BIN WEB_DIR SHOT_DIR');

// [SECTION] Payloads ---------------------------------------------------------------------------
// Each one that could run calls __pwn(n) with its own n, so a report names the payload.
const PAYLOADS = [
  '<script>__pwn(1)</script>',
  '<img src=x onerror=__pwn(2)>',
  '<svg onload=__pwn(3)>',
  '[javascript link](javascript:__pwn(4))',
  '[mixed case](JaVaScRiPt:__pwn(5))',
  '[entity](&#106;avascript:__pwn(6))',
  '[tab inside](java\tscript:__pwn(7))',
  '[leading space]( \u0001javascript:__pwn(8))',
  '[data link](data:text/html,<script>__pwn(9)</script>)',
  '![data image](data:image/svg+xml,<svg onload=__pwn(10)>)',
  '![js image](javascript:__pwn(11))',
  '"><script>__pwn(12)</script>',
  "'><img src=x onerror=__pwn(13)>",
  '</textarea><script>__pwn(14)</script>',
  '</style><script>__pwn(15)</script>',
  '{{constructor.constructor("__pwn(16)")()}} ${__pwn(17)} <%= __pwn(18) %>',
  '<iframe src="javascript:__pwn(19)"></iframe><object data="data:text/html,<script>__pwn(20)</script>"></object>',
  '<a href="javascript:__pwn(21)" style="position:fixed;inset:0">cover</a>',
  '<style>*{background:url(https://hostile.invalid/css.png)}</style>',
  '<link rel=stylesheet href=https://hostile.invalid/x.css><img src=https://hostile.invalid/raw.png>',
  '[vbscript](vbscript:msgbox(22)) [file](file:///etc/passwd) [scheme-less](//hostile.invalid/x)',
  '<math><mtext><table><mglyph><style><img src=x onerror=__pwn(23)>',
  '<ScRiPt >__pwn(24)</sCrIpT >',
  '<img src="x" onerror="&#95;&#95;pwn(25)">',
  '<details open ontoggle=__pwn(26)>x</details><body onload=__pwn(27)>',
  '&lt;script&gt;__pwn(28)&lt;/script&gt; &amp;amp;',
  '\\<script>__pwn(29)\\</script>',
  'javascript:__pwn(30)',
  '<a href="data:text/html;base64,PHNjcmlwdD5fX3B3bigzMSk8L3NjcmlwdD4=">b64</a>',
  'https://example.com/auto"onmouseover="__pwn(32)" x=\'',
  '[quoted](https://example.com/q?a="><script>__pwn(33)</script>&b=\'onmouseover=__pwn(34)\')',
  '![remote](http://images.example/x.png"onerror="__pwn(35))',  // agents may show http(s) images: see IMAGE
  '\u202Egnp.exe \u202Dltr\u2066isolate\u2069',
  'zero\u200Bwidth\u200C\u200Djoin\uFEFFbom',
  '👩‍👩‍👧‍👦 🏳️‍🌈 Привет 你好 مرحبا',
  'W'.repeat(3000),
];
// The only links the renderer may make: the last agent message carries them (to be on screen).
const SAFE_LINKS = '[safe link](https://example.com/safe) and mail [us](mailto:team@example.com) and https://example.com/bare';
const HOSTILE_BOT = 'Lia <img src=x onerror=__pwn(40)> "\'';
const HOSTILE_USER = 'Mallory <svg onload=__pwn(41)> "\'&amp; \u202Eliam';
const HOSTILE_VISITOR = 'Luca <img src=x onerror=__pwn(42)>"\'</textarea>{{7*7}}';
const HOSTILE_EMAIL = "luca'/onfocus='x'&{{7*7}}@example.com";
// ImGui reads "##" in a label as a hidden id: a name like this one must still show in full.
const HASH_USER = 'Eve##hidden ###id %s%n%x';
const HOSTILE_BUTTON = '<b onclick=__pwn(43)>I want a demo</b>';
// Agents and admins may put http(s) images in rich text, which the widget and the dashboard load, so that one request is expected; its
// quote must arrive percent-encoded (the attribute was not broken open).
const IMAGE = (u) => u === 'http://images.example/x.png%22onerror=%22__pwn(35)';
const bundle = (n) => PAYLOADS.slice(n * 7, n * 7 + 7).join('\n');  // card texts: 7 payloads each

// [SECTION] Harness ------------------------------------------------------------------------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'livechat-hostile-e2e-'));
let server = null, browser = null, agent = null;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const { check, run } = testProgram('hostile e2e', OVERALL_TIMEOUT_MS);
async function until(what, fn, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(80);
  }
}
async function cleanup() {
  try { agent?.ws?.close(); } catch {}
  try { await browser?.close(); } catch {}
  if (server && server.exitCode === null) server.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
}

async function startServer() {
  const portFile = path.join(tmp, 'port');
  server = spawn(serverBin, ['--listen', '127.0.0.1:0', '--port-file', portFile, '--db', path.join(tmp, 'db.sqlite'),
    '--static', webDir, '--demo', '--log-level', 'warn'], {
    env: { ...process.env, LIVECHAT_DEMO_PASSWORD: PASSWORD }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  const port = await until('the port file', async () => {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    return fs.existsSync(portFile) ? Number(fs.readFileSync(portFile, 'utf8').trim()) : 0;
  });
  return `http://127.0.0.1:${port}`;
}

// REST as a signed-in user: rest(method, path, body) -> {status, json}.
async function signIn(origin, email) {
  const r = await fetch(`${origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }) });
  if (!r.ok) throw new Error(`login ${email}: ${r.status}`);
  const { token } = await r.json();
  const rest = async (method, p, body) => {
    const res = await fetch(`${origin}${p}`, { method, headers: { 'content-type': 'application/json',
      authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  return { token, rest };
}

// A scripted agent over /ws/agent: takes every chat that enters Unassigned.
async function scriptedAgent(origin, token) {
  const a = { frames: [], n: 0, conversation: '' };
  a.ws = new WebSocket(`${origin.replace('http', 'ws')}/ws/agent`, { origin });
  a.send = (type, fields) => {
    const id = `h-${++a.n}`;
    a.ws.send(JSON.stringify({ v: 1, type, id, ...fields }));
    return until(`ack ${type}`, async () => a.frames.find((f) => (f.type === 'ack' || f.type === 'error') && f.id === id))
      .then((f) => { if (f.type === 'error') throw new Error(`${type}: ${f.code} ${f.message}`); return f; });
  };
  a.ws.on('message', (d) => {
    const f = JSON.parse(String(d));
    a.frames.push(f);
    if (f.type === 'conversation' && f.conversation.phase === 'unassigned' && a.online) {
      a.conversation = f.conversation.id;
      a.send('assign_to_me', { conversation: a.conversation }).catch((e) => console.log(`assign: ${e.message}`));
    }
  });
  await new Promise((ok, ko) => { a.ws.once('open', ok); a.ws.once('error', ko); });
  a.ws.send(JSON.stringify({ v: 1, type: 'hello', token, playbook: '', lang: 'en' }));
  await until('agent_welcome', async () => a.frames.some((f) => f.type === 'agent_welcome'));
  return a;
}

// [SECTION] The tripwire -------------------------------------------------------------------------
// Runs in every frame before the page's own scripts.
function tripwire() {
  const pwned = (window.__pwned = []);
  window.__pwn = (n) => pwned.push(`__pwn(${n})`);
  for (const f of ['alert', 'confirm', 'prompt', 'print']) window[f] = (x) => pwned.push(`${f}(${x})`);
  window.__opened = [];
  window.open = (url, target, features) => {
    window.__opened.push({ url: String(url), target: String(target), features: String(features) });
    return null;
  };
  window.__notified = [];
  const N = window.Notification;
  if (N) {
    const W = function (title, options) {
      window.__notified.push({ title: String(title), body: String(options && options.body) });
      return new N(title, options);
    };
    Object.defineProperty(W, 'permission', { get: () => N.permission });
    W.requestPermission = (...a) => N.requestPermission(...a);
    window.Notification = W;
  }
}

// Watches a page from node: dialogs, frames, console CSP reports, page errors, requests.
function watch(page, origin, name) {
  const seen = { dialogs: [], frames: [], csp: [], errors: [], foreign: [], name };
  page.on('dialog', (d) => { seen.dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  page.on('frameattached', (f) => seen.frames.push(f.url()));
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('console', (m) => {
    if (/content security policy|refused to/i.test(m.text())) seen.csp.push(m.text());
  });
  page.on('request', (r) => { if (!r.url().startsWith(origin)) seen.foreign.push(r.url()); });
  return seen;
}

// What the tripwire caught in a page, checked under `what`.
async function checkInert(page, seen, what, allowedForeign = () => false) {
  const caught = await page.evaluate(() => ({ pwned: window.__pwned, opened: window.__opened }));
  check(caught.pwned.length === 0, `${what}: no payload ran (${caught.pwned.join(', ') || 'none'})`);
  check(seen.dialogs.length === 0, `${what}: no dialog (${seen.dialogs.join('; ') || 'none'})`);
  check(seen.frames.length === 0, `${what}: no frame attached (${seen.frames.join(' ') || 'none'})`);
  check(seen.csp.length === 0, `${what}: no CSP report (${seen.csp.join('; ') || 'none'})`);
  check(seen.errors.length === 0, `${what}: no page error (${seen.errors.join('; ') || 'none'})`);
  const foreign = seen.foreign.filter((u) => !allowedForeign(u));
  check(foreign.length === 0, `${what}: no request left the server's origin (${foreign.join(' ') || 'none'})`);
}

async function shot(page, name) {
  fs.mkdirSync(shotDir, { recursive: true });
  const file = path.join(shotDir, `hostile-${name}.png`);
  await page.screenshot({ path: file });
  console.log(`screenshot: ${file}`);
}

// [SECTION] The widget's DOM ------------------------------------------------------------------
const W = '[data-livechat]';
// Everything active in the widget's shadow root and in the host page: scripts, frames, plugins,
// on* attributes, non-http(s) URLs in URL attributes, style elements or attributes in the
// transcript, elements in the transcript other than those the safe renderer and view.cpp make.
function scanWidget() {
  const root = document.querySelector('[data-livechat]').shadowRoot;
  const bad = [];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'srcset', 'poster', 'data', 'background', 'ping'];
  const logTags = new Set(['div', 'p', 'br', 'strong', 'em', 'a', 'img', 'ul', 'li', 'button', 'bdi']);
  const dangerous = new Set(['script', 'iframe', 'frame', 'object', 'embed', 'link', 'meta', 'base', 'math',
    'template', 'portal', 'video', 'audio', 'source', 'details', 'body', 'html', 'textarea', 'select', 'input']);
  const describe = (el) => `<${el.localName}${[...el.attributes].map((a) => ` ${a.name}="${a.value}"`).join('')}>`;
  for (const el of root.querySelectorAll('*')) {
    const inLog = !!el.closest('.log');
    const tag = el.localName;
    if (dangerous.has(tag) && !(tag === 'textarea' && el.id === 'lc-in')) bad.push(`element ${describe(el)}`);
    if (tag === 'style' && el.parentNode !== root) bad.push(`nested style ${describe(el)}`);
    if (tag === 'svg' && !el.closest('button.launcher')) bad.push(`svg ${describe(el)}`);
    if (inLog && el !== root.querySelector('.log') && !logTags.has(tag)) bad.push(`unexpected in the log: ${describe(el)}`);
    for (const a of el.attributes) {
      const n = a.name.toLowerCase(), v = a.value.trim();
      if (n.startsWith('on')) bad.push(`handler ${describe(el)}`);
      if (urlAttrs.includes(n) && !/^(https?:\/\/|mailto:)/i.test(v)) bad.push(`url ${describe(el)}`);
      if (n === 'style' && inLog) bad.push(`style attribute ${describe(el)}`);
    }
    if (tag === 'a' && (el.getAttribute('target') !== '_blank' || !/\bnoopener\b/.test(el.getAttribute('rel') || '')))
      bad.push(`link without target=_blank rel=noopener: ${describe(el)}`);
  }
  const sheets = root.querySelectorAll('style').length + (root.adoptedStyleSheets || []).length;
  if (sheets !== 2) bad.push(`${sheets} stylesheets (want 2: the loader's and the widget's)`);
  const scripts = [...document.scripts].map((s) => new URL(s.src || 'inline:', location.href).pathname).sort();
  if (!/^\/widget\/loader\.js \/widget\/widget\.[0-9a-f]{10}\.js$/.test(scripts.join(' '))) bad.push(`page scripts: ${scripts.join(' ')}`);
  for (const el of document.querySelectorAll('*'))
    for (const a of el.attributes) if (a.name.startsWith('on')) bad.push(`page handler ${describe(el)}`);
  return bad;
}

// Fires the events inline handlers listen to on every transcript and header text element (links
// to http(s) are left out: clicking them opens a tab, checked on its own; so are the widget's
// own buttons).
function poke() {
  const root = document.querySelector('[data-livechat]').shadowRoot;
  let n = 0;
  for (const el of root.querySelectorAll('.log *, header .av, header .hd *')) {
    if (el.localName === 'a' && /^https?:/i.test(el.getAttribute('href') || '')) continue;
    for (const type of ['mouseover', 'mouseenter', 'focus', 'click', 'dblclick', 'toggle', 'animationstart'])
      el.dispatchEvent(new Event(type, { bubbles: true }));
    ++n;
  }
  return n;
}

const bubbles = (page, cls) => page.evaluate((c) => [...document.querySelector('[data-livechat]').shadowRoot
  .querySelectorAll(`.log .m.${c} .b`)].map((b) => b.textContent), cls);
const logText = (page) => page.evaluate(() =>
  document.querySelector('[data-livechat]').shadowRoot.querySelector('.log').textContent);

// Whether `word` (inside the first element matching `sel` that holds it) is laid out left to
// right: a right-to-left override in a name set inside a sentence must not reverse the rest.
const readsLeftToRight = (page, sel, word) => page.evaluate(([sel, word]) => {
  const el = [...document.querySelector('[data-livechat]').shadowRoot.querySelectorAll(sel)]
    .find((e) => e.textContent.includes(word));
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const at = t.data.indexOf(word);
    if (at < 0) continue;
    const x = (i) => { const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 1); return r.getBoundingClientRect().left; };
    return x(at) < x(at + word.length - 1);
  }
  return false;
}, [sel, word]);

// Answers the playbook in the widget: the (hostile) button, the email, the name.
async function walkPlaybook(page) {
  const input = page.locator(`${W} textarea`);
  const button = page.locator(`${W} .buttons button`).first();
  await button.waitFor({ timeout: 20_000 });
  check(await button.evaluate((b) => b.textContent) === HOSTILE_BUTTON, 'the hostile button label shows as its own text');
  await button.click();
  await until('the email prompt', async () => (await input.getAttribute('placeholder')) === 'Your email');
  await input.fill('<img src=x onerror=__pwn(44)>@x.com');
  await input.press('Enter');
  await until('the refusal', async () => /valid email/.test(await page.locator(`${W} .notice`).innerText()));
  await input.fill(HOSTILE_EMAIL);
  await input.press('Enter');
  await until('the name prompt', async () => (await input.getAttribute('placeholder')) === 'Your name');
  await input.fill(HOSTILE_VISITOR);
  await input.press('Enter');
}

// [SECTION] The dashboard's canvas -------------------------------------------------------------
// Where links are drawn: the dashboard underlines a link's words with a 1-pixel line of
// IM_COL32(25, 90, 215) (richtext_view.cpp). Decodes a screenshot in a scratch page and returns
// the middle of each underline run of 5 px or more, one point per run.
async function linkSpots(scratch, png) {
  return scratch.evaluate(async (b64) => {
    const img = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const c = new OffscreenCanvas(img.width, img.height);
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const { data } = g.getImageData(0, 0, img.width, img.height);
    const near = (i) => Math.abs(data[i] - 25) <= 6 && Math.abs(data[i + 1] - 90) <= 6 && Math.abs(data[i + 2] - 215) <= 6;
    const spots = [];
    for (let y = 0; y < img.height; ++y) {
      for (let x = 0; x < img.width;) {
        let e = x;
        while (e < img.width && near((y * img.width + e) * 4)) ++e;
        if (e - x >= 5 && !spots.some((s) => Math.abs(s.y - y) <= 2 && Math.abs(s.x - (x + e) / 2) < (e - x) / 2 + 2))
          spots.push({ x: (x + e) / 2, y });
        x = e > x ? e : x + 1;
      }
    }
    return spots;
  }, png.toString('base64'));
}

// Clicks every drawn link just above its underline; returns how many were clicked.
async function clickLinks(page, scratch) {
  const spots = await linkSpots(scratch, await page.screenshot());
  for (const s of spots) {
    await page.mouse.click(s.x, s.y - 6);
    await sleep(200);
  }
  await page.mouse.move(5, 5);
  return spots.length;
}

const widgets = (page) => page.evaluate(() => window.agentUi.widgets());
async function clickLabel(page, label) {
  const w = await until(`control ${label}`, async () => {
    const a = (await widgets(page)).find((x) => (label instanceof RegExp ? label.test(x.label) : x.label === label));
    if (!a) return null;
    await sleep(100);
    const b = (await widgets(page)).find((x) => x.label === a.label);
    return b && b.x === a.x && b.y === a.y ? b : null;
  });
  await page.mouse.click(w.x + w.w / 2, w.y + w.h / 2);
  await sleep(250);
}

// [SECTION] The run -------------------------------------------------------------------------------
async function main() {
  const origin = await startServer();
  const ada = await until('the demo admin', () => signIn(origin, 'admin@demo.local'));

  // Admin-filled fields: a user (an admin, so the dashboard shows every screen), the playbook.
  const added = await ada.rest('POST', '/api/users', { name: HOSTILE_USER, email: 'mallory@demo.local', password: PASSWORD, role: 'admin' });
  check(added.status === 201 && added.json.name === HOSTILE_USER, `a user named with a payload is stored as written (${added.status})`);
  const hashed = await ada.rest('POST', '/api/users', { name: HASH_USER, email: 'eve@demo.local', password: PASSWORD, role: 'regular' });
  check(hashed.status === 201, `a user named "${HASH_USER}" is stored (${hashed.status})`);
  const pb = (await ada.rest('GET', '/api/playbooks/pb_demo')).json.playbook;
  pb.name = 'Playbook <script>__pwn(45)</script> "\'';
  pb.bot_name = HOSTILE_BOT;
  pb.cards.forEach((card, i) => {
    if (card.type === 'live_chat') {
      card.online_message = bundle(0);
      card.offline_message = `${SAFE_LINKS}\n${bundle(1)}`;  // links first: in the preview's view
    } else if (card.type === 'question') {
      card.text = bundle(2);
      card.buttons[0].label = HOSTILE_BUTTON;
    } else if (card.type === 'create_item') {
      card.title = 'Chat lead: {{name}} <script>__pwn(46)</script> {{constructor}}';
    } else if ('text' in card) {
      card.text = bundle(3 + (i % 3));
    }
  });
  const put = await ada.rest('PUT', '/api/playbooks/pb_demo', pb);
  check(put.status === 200, `the playbook with hostile texts is saved (${put.status} ${JSON.stringify(put.json?.error || '')})`);
  const avatar = await ada.rest('PUT', '/api/playbooks/pb_demo', { ...pb, bot_avatar_url: 'javascript:__pwn(47)' });
  check(avatar.status === 400, `a javascript: bot avatar URL is refused (${avatar.status})`);
  const published = await ada.rest('POST', '/api/playbooks/pb_demo/publish', {});
  check(published.status === 200, `the hostile draft is published, so visitors meet it (${published.status})`);
  for (const [kind, record] of [
    ['leads', { title: `Lead ${PAYLOADS[0]} ${PAYLOADS[3]}` }], ['deals', { title: `Deal ${PAYLOADS[1]} ${PAYLOADS[11]}` }],
    ['activities', { subject: `Call ${PAYLOADS[2]}`, type: 'call', note: PAYLOADS[13] }],
    ['persons', { name: HOSTILE_VISITOR }], ['organizations', { name: PAYLOADS[12], address: PAYLOADS[15] }],
    ['notes', { content: PAYLOADS[16] }]]) {
    const r = await ada.rest('POST', `/api/${kind}`, record);
    check(r.status === 201, `a hostile ${kind} record is stored (${r.status} ${JSON.stringify(r.json?.error || '')})`);
  }

  const mallory = await signIn(origin, 'mallory@demo.local');
  agent = await scriptedAgent(origin, mallory.token);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  const scratch = await browser.newPage();  // decodes screenshots; no tripwire needed there

  // --- The widget ---------------------------------------------------------------------------------
  const visitorCtx = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US' });
  await visitorCtx.addInitScript(tripwire);
  await visitorCtx.route((u) => !u.href.startsWith(origin), (r) =>
    r.fulfill({ status: 200, contentType: 'text/html', body: '<p>outside</p>' }));
  const page = await visitorCtx.newPage();
  const seenWidget = watch(page, origin, 'widget');
  await page.goto(`${origin}/demo/`);
  await page.locator(`${W} button.launcher`).click();
  await page.locator(`${W} [role=dialog]`).waitFor({ state: 'visible', timeout: 20_000 });
  await until('the bot name in the header', async () => (await page.locator(`${W} .title`).evaluate((t) => t.textContent)) === HOSTILE_BOT);
  check(true, 'the hostile bot name shows as text in the header');

  // Offline run (nobody online): every card, the offline message, the lead titled with {{name}}.
  await walkPlaybook(page);
  await until('the end of the offline run', async () => page.locator(`${W} .end button`).isVisible());
  check((await bubbles(page, 'me')).join('\n') === [HOSTILE_BUTTON, HOSTILE_EMAIL, HOSTILE_VISITOR].join('\n'),
    'the visitor answers show exactly as typed');
  await shot(page, '01-widget-offline-run');
  // The create-item title fills {{name}} once: the visitor's own "{{7*7}}" stays literal.
  const leadTitle = `Chat lead: ${HOSTILE_VISITOR} <script>__pwn(46)</script> `;
  await until('the offline lead', async () => {
    const j = (await ada.rest('GET', '/api/leads')).json;
    return (Array.isArray(j) ? j : j.items).some((l) => l.title === leadTitle);
  });
  check(true, `the offline flow's lead is titled ${JSON.stringify(leadTitle)}`);

  // Live chat: Mallory goes online, takes the chat, writes every payload; the visitor too.
  agent.online = true;
  await agent.send('set_online', { online: true });
  await page.locator(`${W} .end button`).click();
  await walkPlaybook(page);
  const title = page.locator(`${W} .title`);
  await until('the agent in the header', async () => (await title.evaluate((t) => t.textContent)) === HOSTILE_USER);
  check((await logText(page)).includes(`${HOSTILE_USER} joined the chat`), 'the hostile agent name shows as text ("... joined the chat")');
  check(await readsLeftToRight(page, '.log .m.sys', 'joined'), 'a right-to-left override in the name does not reverse "joined the chat"');
  agent.ws.send(JSON.stringify({ v: 1, type: 'typing', conversation: agent.conversation, typing: true }));
  await until('the typing line', async () => (await page.locator(`${W} .typing`).evaluate((t) => t.textContent)) ===
    `${HOSTILE_USER} is typing…`);
  check(await readsLeftToRight(page, '.typing', 'typing'), 'a right-to-left override in the name does not reverse "is typing"');
  await shot(page, '02-widget-joined-typing');
  // Paced: the server allows 20 frames a second per connection (a burst of 40), and a frame it
  // refuses for the rate is answered with an error that names no request.
  const input = page.locator(`${W} textarea`);
  for (const [i, text] of PAYLOADS.entries()) {
    await input.fill(text);
    await input.press('Enter');
    await until(`visitor message ${i} sent`, async () => (await input.inputValue()) === '' &&
      !(await logText(page)).includes('Sending…') && (await bubbles(page, 'me')).length === i + 4);
    await sleep(100);
  }
  for (const [i, text] of [...PAYLOADS, SAFE_LINKS].entries()) {  // the safe links last: on screen
    await agent.send('send_message', { conversation: agent.conversation, text, client_id: `hm-${i}` });
    await sleep(100);
  }
  await until('the last agent message', async () => (await bubbles(page, 'agent')).length === PAYLOADS.length + 1);
  const panel = { deal_value_cents: null, currency: '', expected_close_date: '2026-12-31', person_name: HOSTILE_VISITOR,
    email: HOSTILE_EMAIL, phone: '+39 02 1234567', organization_name: PAYLOADS[12], organization_address: PAYLOADS[13],
    notes: PAYLOADS.slice(0, 30).join('\n') };
  await agent.send('update_side_panel', { conversation: agent.conversation, panel });
  const lead = await mallory.rest('POST', `/api/conversations/${agent.conversation}/leads`, { title: PAYLOADS[22] });
  check(lead.status === 201, `a lead with a hostile title is created from the chat (${lead.status})`);

  const mine = await bubbles(page, 'me');
  check(mine.slice(-PAYLOADS.length).every((t, i) => t === PAYLOADS[i]),
    `every visitor payload shows byte-exact as text (${mine.slice(-PAYLOADS.length).filter((t, i) => t !== PAYLOADS[i]).length} differ)`);
  const theirs = await bubbles(page, 'agent');
  const literal = PAYLOADS.filter((p) => !/[*[\]!\\`]|^- /.test(p) && !/https?:\/\//.test(p));
  check(literal.every((p) => theirs.includes(p)), `agent payloads without Markdown show as their own text (${literal.filter((p) => !theirs.includes(p)).length} missing)`);
  check(theirs.some((t) => t.startsWith('safe link and mail us')), 'the safe links message renders');
  const poked = await page.evaluate(poke);
  await sleep(500);
  const bad = await page.evaluate(scanWidget);
  check(bad.length === 0, `the widget's DOM holds nothing active (${bad.slice(0, 8).join(' | ') || 'clean'})`);
  await checkInert(page, seenWidget, `widget (${poked} elements poked)`, IMAGE);
  check(await page.locator(`${W} [role=dialog]`).isVisible(), 'the widget is still open');
  await page.locator(`${W} .log`).evaluate((l) => { l.scrollTop = 0; });
  await shot(page, '03-widget-live-top');
  await page.locator(`${W} .log`).evaluate((l) => { l.scrollTop = l.scrollHeight / 3; });
  await shot(page, '04-widget-live-middle');
  await page.locator(`${W} .log`).evaluate((l) => { l.scrollTop = l.scrollHeight; });
  await shot(page, '05-widget-live-bottom');

  // Links in the widget: every <a> is http(s) or mailto, opens a new tab, with no opener.
  const links = await page.evaluate(() => [...document.querySelector('[data-livechat]').shadowRoot.querySelectorAll('.log a')]
    .map((a) => ({ href: a.getAttribute('href'), target: a.target, rel: a.rel })));
  check(links.length >= 3 && links.every((l) => /^(https?:\/\/|mailto:)/.test(l.href) && l.target === '_blank' &&
    /\bnoopener\b/.test(l.rel)), `${links.length} links, all http(s)/mailto with target=_blank rel=noopener`);
  const safe = page.locator(`${W} .log .m.agent a[href="https://example.com/safe"]`).last();
  const [tab] = await Promise.all([visitorCtx.waitForEvent('page', { timeout: 20_000 }), safe.click()]);
  await tab.waitForLoadState();
  check(tab.url() === 'https://example.com/safe' && await tab.evaluate(() => window.opener === null),
    `clicking a link opens ${tab.url()} in a new tab without an opener`);
  await tab.close();
  const imageOrTab = (u) => IMAGE(u) || u === 'https://example.com/safe';
  await checkInert(page, seenWidget, 'widget after the link click', imageOrTab);

  // --- The dashboard (Mallory, an admin, whose chat it is) --------------------------------------
  const agentCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await agentCtx.grantPermissions(['notifications'], { origin }).catch(() => {});
  await agentCtx.addInitScript(tripwire);
  await agentCtx.addInitScript((t) => localStorage.setItem('lc_agent_token', t), mallory.token);
  const dash = await agentCtx.newPage();
  const seenDash = watch(dash, origin, 'dashboard');
  await dash.goto(`${origin}/agent/`);
  await until('the dashboard signed in', () => dash.evaluate(() => { const d = window.lcDebug(); return d && d.signed_in && d.connected; }), 60_000);
  check((await dash.title()).endsWith(` - ${HOSTILE_USER}`), `the tab title holds the name as text ("${await dash.title()}")`);
  await clickLabel(dash, 'My conversations');
  await clickLabel(dash, /^row:/);
  await until('the conversation selected', () => dash.evaluate(() => window.lcDebug().selected));
  await sleep(800);
  await shot(dash, '06-dashboard-conversation');
  // A visitor message now: a desktop notification (plain text by the Notification API) and a toast.
  const NOTIFY = '<img src=x onerror=__pwn(48)> new message';
  await input.fill(NOTIFY);
  await input.press('Enter');
  const note = await until('the desktop notification', async () =>
    (await dash.evaluate(() => window.__notified)).find((n) => n.body.includes(NOTIFY)));
  check(!!note, `the notification carries the message as text (${JSON.stringify(note)})`);
  await shot(dash, '06b-dashboard-toast');
  const clicked = await clickLinks(dash, scratch);
  await clickLabel(dash, 'reassign');  // the dropdown lists the other users by name
  check(!!await until('the dropdown', async () => (await widgets(dash)).find((w) => w.label === `reassign:${HASH_USER}`)),
    `the reassign dropdown shows "${HASH_USER}" in full (not cut at "##")`);
  await shot(dash, '07-dashboard-reassign-dropdown');
  await dash.keyboard.press('Escape');
  await sleep(300);
  await shot(dash, '08-dashboard-after-link-clicks');
  await clickLabel(dash, /^Unassigned/);
  await sleep(300);
  await shot(dash, '09-dashboard-unassigned');
  await clickLabel(dash, 'Closed');
  await sleep(300);
  await shot(dash, '10-dashboard-closed-list');
  await clickLabel(dash, 'CRM');
  for (const kind of ['Leads', 'Deals', 'Activities']) {
    await clickLabel(dash, kind);
    await sleep(500);
    await shot(dash, `11-dashboard-crm-${kind.toLowerCase()}`);
  }
  await clickLabel(dash, 'Users');
  await sleep(500);
  await shot(dash, '12-dashboard-users');
  await clickLabel(dash, 'Playbooks');
  await clickLabel(dash, /^open:Playbook /);
  await sleep(500);
  await shot(dash, '13-dashboard-playbook');
  await clickLabel(dash, 'edit:live_chat');
  await sleep(800);
  await shot(dash, '14-dashboard-card-preview');
  const previewClicked = await clickLinks(dash, scratch);

  const opened = await dash.evaluate(() => window.__opened);
  check(clicked + previewClicked > 0 && opened.length > 0,
    `drawn links were clicked (${clicked} in the chat, ${previewClicked} in the preview) and opened ${opened.length} tabs`);
  check(opened.every((o) => /^(https?:\/\/|mailto:)/.test(o.url) && o.target === '_blank' && /noopener/.test(o.features)),
    `the dashboard only opens http(s)/mailto URLs, in a new tab with noopener (${opened.map((o) => o.url).join(' ')})`);
  const dom = await dash.evaluate(() => ({
    scripts: [...document.scripts].map((s) => s.src ? new URL(s.src).pathname : 'inline').join(' '),
    frames: document.querySelectorAll('iframe, object, embed, frame').length,
    handlers: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on'))
      .map((a) => `${e.localName}.${a.name}`)).join(' '),
  }));
  // The page's own: boot.js and the Emscripten glue (no inline script or handler: its CSP allows none).
  check(dom.scripts === '/agent/boot.js /agent/agent_ui.js' && dom.frames === 0 && dom.handlers === '',
    `the dashboard page gained no script, frame or handler (${JSON.stringify(dom)})`);
  await checkInert(dash, seenDash, 'dashboard', IMAGE);  // the dashboard also shows inline images
  await checkInert(page, seenWidget, 'widget at the end', imageOrTab);
}

await run(main, cleanup);
