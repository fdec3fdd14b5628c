// The visitor widget end to end: the real server binary (temp SQLite file, --demo data), the
// demo page in Debian's headless Chromium (driven by playwright-core), and an agent scripted
// from node over /ws/agent (the `ws` package). Walks the demo playbook to live chat, has Anna
// take the chat, exchanges messages and typing, reloads mid-chat (no loss, no duplicates),
// checks hostile agent text renders inert, the chat end and a new chat, a phone-sized
// viewport, and the size budget. Screenshots of every step go to SHOT_DIR.
// Usage: node widget.test.mjs SERVER_BIN WEB_DIR WIDGET_DIR SHOT_DIR
// Exit code 0 when every check passes; 1 on a failed check, an error or the overall timeout.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Agent, CHROMIUM, CHROMIUM_ARGS, STEP_MS, answerPrompts, programArgs, sleep, startServer as start, testProgram, until } from './widget_lib.mjs';

const OVERALL_TIMEOUT_MS = Number(process.env.LIVECHAT_E2E_TIMEOUT_MS) || 150_000;
const BUDGET = 60 * 1024;

const [serverBin, webDir, widgetDir, shotDir] = programArgs('node widget.test.mjs SERVER_BIN WEB_DIR WIDGET_DIR SHOT_DIR');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'livechat-widget-e2e-'));
const { check, run } = testProgram('widget e2e', OVERALL_TIMEOUT_MS);
let server = null, browser = null, agent = null;

async function cleanup() {
  try { agent?.close(); } catch {}
  try { await browser?.close(); } catch {}
  if (server && server.exitCode === null) server.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
}

// [SECTION] The server -----------------------------------------------------------------------
// Starts the server on `port` (0: a free one); a second call after a kill is a restart on the
// same port and the same database.
async function startServer(port = 0) {
  const started = await start({ serverBin, webDir, widgetDir, tmp, port });
  server = started.proc;
  return started.origin;
}

// [SECTION] The page ---------------------------------------------------------------------------
const W = '[data-livechat]';  // playwright's CSS selectors pierce open shadow roots
async function shot(page, name) {
  await page.screenshot({ path: path.join(shotDir, `widget_${name}.png`) });
}
async function logText(page) {
  return page.evaluate(() => {
    const root = document.querySelector('[data-livechat]')?.shadowRoot;
    return root?.querySelector('.log')?.innerText || '';
  });
}
const count = (hay, needle) => hay.split(needle).length - 1;

async function main() {
  fs.mkdirSync(shotDir, { recursive: true });
  // The budget: loader + glue + wasm as browsers download them (Brotli; gzip shown too).
  const sizes = { gz: 0, br: 0 };
  const files = fs.readdirSync(widgetDir).filter((f) => /^(loader\.js|widget\.[0-9a-f]{10}\.(js|wasm))$/.test(f));
  check(files.length === 3, `the widget is loader.js plus content-hashed glue and wasm (${files.join(', ')})`);
  const wasmName = files.find((f) => f.endsWith('.wasm'));
  for (const f of files)
    for (const z of ['gz', 'br']) sizes[z] += fs.statSync(path.join(widgetDir, `${f}.${z}`)).size;
  console.log(`widget download: ${sizes.br} bytes Brotli, ${sizes.gz} bytes gzip; budget ${BUDGET}`);
  check(sizes.br <= BUDGET, `size budget: ${sizes.br} <= ${BUDGET} bytes compressed (Brotli)`);

  const origin = await startServer();
  const served = await fetch(`${origin}/widget/${wasmName}`, { headers: { 'accept-encoding': 'br, gzip' } });
  const wasmBytes = (await served.arrayBuffer()).byteLength;  // fetch decodes; the header says how it came
  check(served.headers.get('content-encoding') === 'br' && wasmBytes > 0,
    `the server sends the precompressed widget.wasm (content-encoding ${served.headers.get('content-encoding')})`);

  agent = await Agent.online(origin, 'anna@demo.local');

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-US' });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${origin}/demo/`);

  // The launcher: a button with an accessible name, in an open shadow root, painted at once.
  const launcher = await until('the launcher', () => page.evaluate(() => {
    const host = document.querySelector('[data-livechat]');
    const b = host?.shadowRoot?.querySelector('button.launcher');
    return b ? { mode: host.shadowRoot.mode, tag: b.tagName, label: b.getAttribute('aria-label') } : null;
  }));
  check(launcher.mode === 'open' && launcher.tag === 'BUTTON' && launcher.label === 'Open chat',
    `launcher is a <button aria-label="${launcher.label}"> in an ${launcher.mode} shadow root`);
  await shot(page, '01_launcher');

  // Open the chat from the keyboard: focus the launcher, press Enter.
  await page.focus(`${W} button.launcher`);
  await page.keyboard.press('Enter');
  const dialog = page.locator(`${W} [role=dialog]`);
  await dialog.waitFor({ state: 'visible', timeout: STEP_MS });
  check(await dialog.getAttribute('aria-labelledby') === 'lc-title', 'the dialog is labelled by its title');
  check(await page.locator(`${W} [role=log]`).count() === 1, 'the messages are a role=log');
  const demo = page.locator(`${W} .buttons button`, { hasText: 'I want a demo' });
  await demo.waitFor({ timeout: STEP_MS });
  check((await page.locator(`${W} .title`).innerText()) === 'Lia', 'the header shows the bot name (Lia)');
  await shot(page, '02_opened');
  await demo.click();

  // Capture cards: the email (first a wrong one: the core's validation answers), then the name.
  const input = page.locator(`${W} textarea`);
  await input.waitFor({ state: 'visible', timeout: STEP_MS });
  await until('the email prompt', async () => (await input.getAttribute('placeholder')) === 'Your email');
  await input.fill('not-an-email');
  await input.press('Enter');
  await until('the validation message', async () => /valid email/.test(await page.locator(`${W} .notice`).innerText()));
  check(true, 'an invalid email is refused before sending');
  await shot(page, '03_email_invalid');
  await input.fill('luca@example.com');
  await input.press('Enter');
  await answerPrompts(input, [['Your name', 'Luca Bianchi']]);

  // Live chat: Anna (online) takes it; the widget says so and the header switches to her name.
  await until('"Anna Rossi joined the chat"', async () => (await logText(page)).includes('Anna Rossi joined the chat'));
  check(true, 'the widget shows "Anna Rossi joined the chat"');
  await until('the header with the agent name', async () => (await page.locator(`${W} .title`).innerText()) === 'Anna Rossi');
  check(true, 'the header switched to "Anna Rossi"');
  agent.typing(true);
  await until('the typing indicator', async () => /Anna Rossi is typing/.test(await page.locator(`${W} .typing`).innerText()));
  check(true, 'the agent typing shows in the widget');
  await shot(page, '04_agent_joined_typing');
  await agent.say('Hello Luca! I am **Anna**. How can I help?');
  await until('the agent message', async () => (await logText(page)).includes('Hello Luca! I am Anna. How can I help?'));
  check(true, 'the agent message arrives live (rich text rendered)');

  // The visitor writes; Anna receives it; the visitor's typing reaches her first.
  await input.fill('I need 3 tables, ciao 👋 Привет 你好');
  await agent.wait('visitor typing', (f) => f.type === 'typing' && f.typing === true);
  check(true, 'the visitor typing reaches the agent');
  await input.press('Enter');
  await agent.wait('the visitor message', (f) => f.type === 'event' && f.event.type === 'message_posted' &&
    f.event.text === 'I need 3 tables, ciao 👋 Привет 你好');
  check(true, 'the visitor message reaches the agent byte-exact');
  await until('the message marked sent', async () => {
    const t = await logText(page);
    return t.includes('I need 3 tables') && !t.includes('Sending');
  });
  await shot(page, '05_conversation');

  // Hostile text from the agent renders inert.
  await agent.say('<img src=x onerror="window.__lcPwned=1"> <script>window.__lcPwned=2</script> ' +
    '[click me](javascript:window.__lcPwned=3) ![x](javascript:window.__lcPwned=4)');
  await until('the hostile message', async () => (await logText(page)).includes('<script>window.__lcPwned=2</script>'));
  await sleep(300);
  const inert = await page.evaluate(() => {
    const root = document.querySelector('[data-livechat]').shadowRoot;
    return {
      flag: window.__lcPwned, scripts: root.querySelectorAll('.log script').length,
      imgs: root.querySelectorAll('.log img').length,
      js: [...root.querySelectorAll('.log a')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href') || '')).length,
    };
  });
  check(inert.flag === undefined && inert.scripts === 0 && inert.imgs === 0 && inert.js === 0,
    `hostile text is inert (flag ${inert.flag}, scripts ${inert.scripts}, imgs ${inert.imgs}, javascript: links ${inert.js})`);
  await shot(page, '06_hostile_inert');

  // Reload mid-chat: everything comes back once, nothing twice.
  const before = await logText(page);
  await page.reload();
  await page.locator(`${W} button.launcher`).click();
  await until('the transcript after reload', async () => (await logText(page)).includes('window.__lcPwned=2'));
  await sleep(500);
  const after = await logText(page);
  for (const needle of ['I want a demo', 'luca@example.com', 'Luca Bianchi', 'Anna Rossi joined the chat',
    'How can I help?', 'I need 3 tables, ciao 👋 Привет 你好', 'window.__lcPwned=2']) {
    check(count(after, needle) === 1 && count(before, needle) === 1, `after reload "${needle}" shows exactly once`);
  }
  check((await page.locator(`${W} .title`).innerText()) === 'Anna Rossi', 'after reload the header still shows Anna Rossi');
  const token = await page.evaluate(() => localStorage.getItem('lc_visitor_pb_demo'));
  check(!!token, 'the visitor token is kept in localStorage (lc_visitor_pb_demo)');
  await shot(page, '07_after_reload');

  // The server dies (SIGKILL) mid-chat; the visitor writes meanwhile; the server restarts on the
  // same database: the widget reconnects with backoff and resends, the message arrives once.
  server.kill('SIGKILL');
  await until('the widget to notice', async () => (await page.locator(`${W} .sub`).innerText()) === 'Connecting…');
  await input.fill('Are you still there?');
  await input.press('Enter');
  await until('the pending message', async () => (await logText(page)).includes('Sending…'));
  check(true, 'while the server is down the message shows as "Sending…"');
  await shot(page, '07b_server_down');
  agent.close();
  const conversation = agent.conversation;
  await startServer(Number(new URL(origin).port));
  agent = new Agent(origin);
  await agent.connect('anna@demo.local');
  agent.conversation = conversation;
  await until('the resent message marked sent', async () => {
    const t = await logText(page);
    return t.includes('Are you still there?') && !t.includes('Sending…');
  }, 30_000);
  await sleep(500);
  check(count(await logText(page), 'Are you still there?') === 1, 'after the restart the message shows exactly once');
  await agent.say('Still here!');
  await until('the agent answer after restart', async () => (await logText(page)).includes('Still here!'));
  const stored = await (await fetch(`${origin}/api/conversations/${conversation}`, {
    headers: { authorization: `Bearer ${agent.token}` } })).text();
  check(count(stored, 'Are you still there?') === 1, 'the server stored the resent message exactly once');

  // A burst faster than the server's per-connection rate (20/s, burst 40): the refused messages
  // come back as rate_limited with their request ids and the widget sends them again by itself.
  await page.evaluate((sel) => {
    const root = document.querySelector(sel).shadowRoot;
    const form = root.querySelector('form'), box = form.querySelector('input, textarea');
    for (let i = 1; i <= 60; ++i) { box.value = `burst ${i} of 60`; form.requestSubmit(); }
  }, W);
  await until('every burst message sent', async () => {
    const t = await logText(page);
    return t.includes('burst 60 of 60') && !t.includes('Sending');
  }, 30_000);
  const burst = await (await fetch(`${origin}/api/conversations/${conversation}`, {
    headers: { authorization: `Bearer ${agent.token}` } })).json();
  const texts = JSON.stringify(burst);
  const missing = [];
  for (let i = 1; i <= 60; ++i) if (count(texts, `"burst ${i} of 60"`) !== 1) missing.push(i);
  check(missing.length === 0, `a 60-message burst is stored exactly once each, none lost to the rate limit (missing or doubled: ${missing.join(',') || 'none'})`);

  // Anna closes the chat: the widget shows it ended and offers a new one.
  await agent.ack(agent.command('close_conversation', { conversation: agent.conversation }));
  const again = page.locator(`${W} .end button`);
  await again.waitFor({ state: 'visible', timeout: STEP_MS });
  check((await logText(page)).includes('Chat ended'), 'the closed chat shows "Chat ended"');
  await shot(page, '08_ended');
  await again.click();
  await page.locator(`${W} .buttons button`, { hasText: 'I want a demo' }).waitFor({ timeout: STEP_MS });
  check(!(await logText(page)).includes('I need 3 tables'), 'a new chat starts empty with the playbook');

  // Nobody online: the Live Chat card shows the offline message (rich text) and the offline flow
  // creates a lead from the captured email and name.
  await agent.ack(agent.command('set_online', { online: false }));
  await page.locator(`${W} .buttons button`, { hasText: 'I want a demo' }).click();
  await answerPrompts(input, [['Your email', 'giulia@example.it'], ['Your name', 'Giulia Verdi']], ' (offline run)');
  await until('the offline message', async () => (await logText(page)).includes('nobody is available to chat right now'));
  const rich = await page.evaluate(() => {
    const log = document.querySelector('[data-livechat]').shadowRoot.querySelector('.log');
    const a = log.querySelector('a[href="https://example.com/help"]');
    return { items: log.querySelectorAll('ul li').length, bold: log.querySelectorAll('strong').length,
      target: a?.getAttribute('target'), rel: a?.getAttribute('rel') };
  });
  check(rich.items === 3 && rich.bold >= 1 && rich.target === '_blank' && rich.rel === 'noopener noreferrer',
    `the offline message renders its list, bold and link (${JSON.stringify(rich)})`);
  await agent.wait('the lead from the offline flow', (f) =>
    (f.type === 'event' && f.event.type === 'item_recorded' && f.event.kind === 'lead') ||
    (f.type === 'conversation' && f.conversation.id !== conversation && f.conversation.items.some((i) => i.kind === 'lead')));
  check(true, 'the offline flow created a lead');
  await page.locator(`${W} .end button`).waitFor({ state: 'visible', timeout: STEP_MS });
  await shot(page, '08b_offline_flow');

  // A phone-sized viewport: the open widget fills the screen.
  await page.setViewportSize({ width: 375, height: 700 });
  await sleep(200);
  const box = await dialog.boundingBox();
  check(box && box.width >= 370 && box.height >= 690, `full screen below 480px (${box && `${box.width}x${box.height}`})`);
  await shot(page, '09_phone');
  check(pageErrors.length === 0, `no page errors${pageErrors.length ? ': ' + pageErrors.join('; ') : ''}`);

  // Language: the browser's languages (en-US here) win over the page's lang; data-lang wins over both.
  for (const [file, attrs, want] of [['it.html', '', 'Open chat'], ['it-lang.html', ' data-lang="it"', 'Apri la chat']]) {
    fs.writeFileSync(path.join(tmp, 'web', 'demo', file),
      '<!doctype html><html lang="it"><meta charset="utf-8"><body><p>Pagina italiana</p>' +
      `<script src="/widget/loader.js" data-playbook="pb_demo"${attrs} async></script></body></html>`);
    const it = await context.newPage();
    await it.goto(`${origin}/demo/${file}`);
    const label = await until('the launcher', () => it.evaluate(() =>
      document.querySelector('[data-livechat]')?.shadowRoot?.querySelector('button')?.getAttribute('aria-label')));
    check(label === want, `lang="it" page in an en-US browser${attrs}: launcher "${label}"`);
    await it.close();
  }
}

await run(main, cleanup, () => agent && `agent frames: ${agent.summary()}`);
