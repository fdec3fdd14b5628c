// The widget on customers' own websites (issue 12, docs/embedding.md): pages served by a tiny
// static server of this test on other origins than the chat server (127.0.0.2 and 127.0.0.3),
// the real server binary, Debian's headless Chromium (playwright-core) and an agent scripted
// over /ws/agent. An admin (over the REST API, as the dashboard does) makes a playbook, adds the
// shop's site and publishes it. Then:
//   - the allowed site walks the playbook and chats with the agent; the playbook becomes
//     "embedded on <site> since <time>";
//   - a bot message with a slow image: the newest message stays in view, the image is fetched
//     once and its element survives every update;
//   - a page with a strict Content-Security-Policy listing only the documented directives works;
//   - an it-IT browser on an English page gets Italian;
//   - a site that is not allowed, an unpublished playbook and an unreachable server (assets from
//     the browser's cache, server down) each show the "unavailable" state and write exactly one
//     [livechat] console message naming reason and fix; the widget resumes when the server returns.
// Usage: node embed.test.mjs SERVER_BIN WEB_DIR WIDGET_DIR SHOT_DIR
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Agent, CHROMIUM, CHROMIUM_ARGS, STEP_MS, answerPrompts, programArgs, sleep, startServer, testProgram, until } from './widget_lib.mjs';

const OVERALL_TIMEOUT_MS = Number(process.env.LIVECHAT_E2E_TIMEOUT_MS) || 200_000;
const IMAGE_DELAY_MS = 4000;
const [serverBin, webDir, widgetDir, shotDir] = programArgs('node embed.test.mjs SERVER_BIN WEB_DIR WIDGET_DIR SHOT_DIR');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'livechat-embed-e2e-'));
const { check, run } = testProgram('embed e2e', OVERALL_TIMEOUT_MS);
let server = null, browser = null, agent = null, admin = null;
const sites = [];

async function cleanup() {
  for (const a of [agent, admin]) try { a?.close(); } catch {}
  try { await browser?.close(); } catch {}
  if (server && server.exitCode === null) server.kill('SIGKILL');
  for (const s of sites) s.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}

// [SECTION] The customer's site: a static server on another origin -----------------------------
// /shop.html?pb=ID[&csp=1]: an English page with the snippet (csp=1: served with the strict
// policy docs/embedding.md lists, and nothing more); /slow.svg: a tall image sent after
// IMAGE_DELAY_MS, never cacheable, counted.
let chat = '';  // the chat server's origin, named by the snippet
const imageRequests = { started: 0, done: 0 };
function strictPolicy() {
  const ws = chat.replace(/^http/, 'ws');
  return `default-src 'none'; script-src ${chat} 'wasm-unsafe-eval'; connect-src ${chat} ${ws}; img-src 'self'`;
}
function site(host) {
  const s = http.createServer((req, res) => {
    const url = new URL(req.url, `http://${host}`);
    if (url.pathname === '/slow.svg') {
      imageRequests.started++;
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' });
        res.end('<svg xmlns="http://www.w3.org/2000/svg" width="240" height="420"><rect width="240" height="420" fill="#c8a165"/></svg>');
        imageRequests.done++;
      }, IMAGE_DELAY_MS);
      return;
    }
    if (url.pathname !== '/shop.html') { res.writeHead(404); return res.end(); }
    const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' };
    if (url.searchParams.get('csp')) headers['content-security-policy'] = strictPolicy();
    res.writeHead(200, headers);
    res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme Shop</title></head>' +
      '<body><h1>Acme Shop</h1><p>Tables and chairs.</p>\n' +
      `<script src="${chat}/widget/loader.js" data-playbook="${url.searchParams.get('pb')}" async></script>\n` +
      '</body></html>');
  });
  sites.push(s);
  return new Promise((ok) => s.listen(0, host, () => ok(`http://${host}:${s.address().port}`)));
}

// [SECTION] The page -------------------------------------------------------------------------
const W = '[data-livechat]';
const shot = (page, name) => page.screenshot({ path: path.join(shotDir, `embed_${name}.png`) });
const logText = (page) => page.evaluate(() =>
  document.querySelector('[data-livechat]')?.shadowRoot?.querySelector('.log')?.innerText || '');
// Opens `url` in `context`, collecting the page's [livechat] console messages and CSP violations.
async function visit(context, url) {
  const page = await context.newPage();
  page.messages = [];
  page.errors = [];
  page.on('console', (m) => { if (m.text().startsWith('[livechat]')) page.messages.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  return page;
}
async function open(page) {
  await page.locator(`${W} button.launcher`).click();
  await page.locator(`${W} [role=dialog]`).waitFor({ state: 'visible', timeout: STEP_MS });
}
// Waits for the documented "unavailable" state, then checks what the visitor and the console show.
async function expectUnavailable(page, reason, visitorText, consoleWords, label) {
  await until(`the unavailable state (${label})`, () => page.evaluate((r) =>
    document.querySelector('[data-livechat]')?.getAttribute('data-reason') === r, reason), 20_000);
  await open(page);
  const sub = await page.locator(`${W} .sub`).innerText();
  const notice = await page.locator(`${W} .notice`).innerText();
  check(sub === 'Unavailable' && notice === visitorText, `${label}: the widget shows "${sub}" / "${notice}"`);
  await sleep(2500);  // time for more attempts: still one message
  check(page.messages.length === 1 && consoleWords.every((w) => page.messages[0].includes(w)),
    `${label}: exactly one console message naming reason and fix (${JSON.stringify(page.messages)})`);
  await shot(page, label.replace(/\W+/g, '_'));
}

async function main() {
  fs.mkdirSync(shotDir, { recursive: true });
  const started = await startServer({ serverBin, webDir, widgetDir, tmp });
  server = started.proc;
  chat = started.origin;
  const shop = await site('127.0.0.2');
  const elsewhere = await site('127.0.0.3');
  console.log(`chat server ${chat}; allowed site ${shop}; other site ${elsewhere}`);

  // The admin: a playbook from the template, a slow image in its greeting, the shop's site
  // (typed as a person would; the dashboard sends the core's origin_of), published. A draft too.
  admin = new Agent(chat);
  await admin.connect('admin@demo.local');
  const made = await admin.rest('POST', '/api/playbooks', { name: 'Shop chat', template: 'live_chat' });
  const pb = made.body.id;
  const draft = (await admin.rest('POST', '/api/playbooks', { name: 'Not yet', template: 'live_chat' })).body.id;
  check(made.status === 201 && !!draft, `playbooks made (${pb}, draft ${draft})`);
  await admin.rest('PATCH', `/api/playbooks/${pb}/cards/greeting`,
    { text: `Hi there! ![Our workshop](${shop}/slow.svg) Welcome, we are happy to help.` });
  const view = (await admin.rest('GET', `/api/playbooks/${pb}`)).body;
  const bad = await admin.rest('PUT', `/api/playbooks/${pb}`, { ...view.playbook, allowed_origins: [`${shop}/page`] });
  check(bad.status === 400 && bad.body.error.field === 'allowed_origins.0', `a site with a path is refused (${bad.status})`);
  const put = await admin.rest('PUT', `/api/playbooks/${pb}`, { ...view.playbook, allowed_origins: [shop] });
  check(put.status === 200, `the shop's site is added (${put.status})`);
  check((await admin.rest('GET', `/api/playbooks/${pb}/snippet`)).status === 409, 'no snippet for a draft');
  await admin.rest('POST', `/api/playbooks/${pb}/publish`, { published: true });
  const snippet = (await admin.rest('GET', `/api/playbooks/${pb}/snippet`)).body.snippet;
  check(snippet === `<script src="${chat}/widget/loader.js" data-playbook="${pb}" async></script>`, `the snippet: ${snippet}`);
  let state = (await admin.rest('GET', `/api/playbooks/${pb}`)).body;
  check(!state.embedded && state.playbook.published, 'published, not yet seen on any allowed site');

  // The widget's files as another site's browser fetches them.
  const loader = await fetch(`${chat}/widget/loader.js`, { headers: { origin: shop } });
  const glue = (await loader.text()).match(/widget\.[0-9a-f]{10}\.js/)?.[0];
  const glueReply = await fetch(`${chat}/widget/${glue}`, { headers: { origin: shop } });
  check(loader.headers.get('access-control-allow-origin') === '*' &&
    loader.headers.get('cross-origin-resource-policy') === 'cross-origin' &&
    loader.headers.get('cache-control') === 'public, max-age=300' &&
    glueReply.headers.get('cache-control') === 'public, max-age=31536000, immutable' &&
    glueReply.headers.get('access-control-allow-origin') === '*',
  `cross-origin headers: loader ${loader.headers.get('cache-control')}, ${glue} ${glueReply.headers.get('cache-control')}`);

  agent = await Agent.online(chat, 'anna@demo.local');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

  // [1] The allowed site, end to end, with a slow image in the greeting.
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-US' });
  const page = await visit(context, `${shop}/shop.html?pb=${pb}`);
  await open(page);
  const demo = page.locator(`${W} .buttons button`, { hasText: 'I want a demo' });
  await demo.waitFor({ timeout: STEP_MS });
  check(imageRequests.started === 1 && imageRequests.done === 0, 'the greeting\'s image is still loading');
  await page.evaluate(() => { document.querySelector('[data-livechat]').shadowRoot.querySelector('.log img').__mark = 1; });
  await demo.click();
  const input = page.locator(`${W} textarea`);
  await answerPrompts(input, [['Your email', 'luca@example.com'], ['Your name', 'Luca Bianchi']]);
  await until('"Anna Rossi joined the chat"', async () => (await logText(page)).includes('Anna Rossi joined the chat'));
  check(imageRequests.done === 0, 'Anna joined before the image arrived');
  await until('the image', async () => imageRequests.done === 1 && page.evaluate(() =>
    document.querySelector('[data-livechat]').shadowRoot.querySelector('.log img').complete), IMAGE_DELAY_MS + STEP_MS);
  await sleep(300);
  // The newest message is in view: its box lies inside the list's box.
  const inView = () => page.evaluate(() => {
    const log = document.querySelector('[data-livechat]').shadowRoot.querySelector('.log');
    const last = log.lastElementChild.getBoundingClientRect(), box = log.getBoundingClientRect();
    return { visible: last.bottom <= box.bottom + 1 && last.top >= box.top - 1, text: log.lastElementChild.innerText,
      gap: Math.round(log.scrollHeight - log.scrollTop - log.clientHeight) };
  });
  let seen = await inView();
  check(seen.visible && /Anna Rossi joined/.test(seen.text), `after the late image the newest message is in view (${JSON.stringify(seen)})`);
  await shot(page, '01_allowed_site_image_loaded');
  await agent.say('Hello Luca! I am **Anna**.');
  await until('the agent message', async () => (await logText(page)).includes('Hello Luca! I am Anna.'));
  await input.fill('Do you ship to Milan?');
  await input.press('Enter');
  await agent.wait('the visitor message', (f) => f.type === 'event' && f.event.type === 'message_posted' &&
    f.event.text === 'Do you ship to Milan?');
  await until('the message marked sent', async () => !(await logText(page)).includes('Sending'));
  await sleep(300);
  seen = await inView();
  const img = await page.evaluate(() => document.querySelector('[data-livechat]').shadowRoot.querySelector('.log img').__mark);
  check(seen.visible && /Do you ship to Milan/.test(seen.text), `the list follows new messages (${JSON.stringify(seen)})`);
  check(imageRequests.started === 1 && img === 1,
    `the image was fetched once (${imageRequests.started}) and its element survived every update (${img})`);
  check(page.errors.length === 0, `no page errors ${page.errors.join('; ')}`);
  await shot(page, '02_allowed_site_chat');
  state = (await admin.rest('GET', `/api/playbooks/${pb}`)).body;
  check(state.embedded && state.embedded_on === shop && state.embedded_at > 0,
    `the playbook is embedded on ${state.embedded_on} since ${state.embedded_at}`);

  // Scrolled up to read: a new message does not pull the list down.
  await page.evaluate(() => { document.querySelector('[data-livechat]').shadowRoot.querySelector('.log').scrollTop = 0; });
  await sleep(200);
  await agent.say('We ship everywhere in Italy.');
  await until('the agent answer', async () => (await logText(page)).includes('We ship everywhere'));
  await sleep(300);
  const top = await page.evaluate(() => document.querySelector('[data-livechat]').shadowRoot.querySelector('.log').scrollTop);
  check(top === 0, `a visitor who scrolled up stays where they are (scrollTop ${top})`);
  await agent.ack(agent.command('close_conversation', { conversation: agent.conversation }));

  // [2] A strict Content-Security-Policy with only the documented directives.
  const fresh = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-US' });  // a new visitor
  const strict = await visit(fresh, `${shop}/shop.html?pb=${pb}&csp=1`);
  await open(strict);
  await strict.locator(`${W} .buttons button`, { hasText: 'I want a demo' }).waitFor({ timeout: STEP_MS });
  const styled = await strict.evaluate(() => getComputedStyle(
    document.querySelector('[data-livechat]').shadowRoot.querySelector('button.launcher')).backgroundColor);
  const violations = await strict.evaluate(() => window.__violations.filter((v) => !/slow\.svg/.test(v)));
  check(styled === 'rgb(31, 78, 121)' && violations.length === 0 && strict.messages.length === 0,
    `strict CSP (${strictPolicy()}): styled launcher (${styled}), the chat runs, violations ${JSON.stringify(violations)}`);
  await shot(strict, '03_strict_csp');
  await fresh.close();

  // [3] An Italian browser on an English page.
  const italian = await browser.newContext({ locale: 'it-IT' });
  const it = await visit(italian, `${shop}/shop.html?pb=${pb}`);
  const itLabel = await until('the launcher', () => it.evaluate(() =>
    document.querySelector('[data-livechat]')?.shadowRoot?.querySelector('button')?.getAttribute('aria-label')));
  await open(it);
  const itClose = await it.locator(`${W} button.x`).getAttribute('aria-label');
  check(itLabel === 'Apri la chat' && itClose === 'Chiudi la chat',
    `navigator.languages it-IT on a lang="en" page: "${itLabel}", "${itClose}"`);
  await shot(it, '04_italian_browser');
  await italian.close();

  // [4] A site that is not allowed, [5] an unpublished playbook.
  const other = await visit(context, `${elsewhere}/shop.html?pb=${pb}`);
  await expectUnavailable(other, 'site-not-allowed', 'The chat is not available on this site.',
    [elsewhere, 'not one of the allowed sites', 'add it in the dashboard'], 'site not allowed');
  const unpublished = await visit(context, `${shop}/shop.html?pb=${draft}`);
  await expectUnavailable(unpublished, 'unknown-playbook', 'The chat is not available on this site.',
    [draft, 'no published playbook', 'publish it in the dashboard'], 'unpublished playbook');

  // [6] The server is down; the page's widget files come from the browser's cache (the loader
  // for 5 minutes, the hashed files for a year): nothing is downloaded, the state says so.
  server.kill('SIGKILL');
  await until('the server to stop', () => server.exitCode !== null || server.signalCode !== null);
  const down = await visit(context, `${shop}/shop.html?pb=${pb}`);
  await expectUnavailable(down, 'unreachable', 'The chat cannot be reached right now. We keep trying.',
    [chat, 'cannot be reached', 'connect-src'], 'server unreachable');
  const restarted = await startServer({ serverBin, webDir, widgetDir, tmp, port: Number(new URL(chat).port) });
  server = restarted.proc;
  await until('the widget to resume', () => down.evaluate(() => {
    const host = document.querySelector('[data-livechat]');
    return !host.hasAttribute('data-state') && /I want a demo|Chat ended/.test(host.shadowRoot.querySelector('.log').innerText);
  }), 40_000);
  check(true, 'when the server is back the widget resumes by itself');
  await shot(down, '06_resumed');
}

await run(main, cleanup, () => agent && `agent frames: ${agent.summary()}`);
