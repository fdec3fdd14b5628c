// Business hours in the visitor's browser (issue 18, item 1): the real server with its clock set
// by a test flag (--test-clock-ms: Friday 4 December 2026, 18:30 in Rome), a shop page on another
// origin (127.0.0.2, a static server of this test), Debian's headless Chromium (playwright-core)
// and an agent online over /ws/agent. The admin (over REST, as the dashboard does) gives the
// playbook office hours in Rome (Monday to Friday 9:00-18:00). Then, although Anna is online:
//   - an English browser in New York sees "Back Monday at 3:00 AM" (9:00 in Rome, in its own
//     zone) and, walking the playbook, the Live Chat card's offline message;
//   - an Italian browser in Rome sees the same instant as "Di ritorno lunedì alle 09:00".
// The browsers' clocks are pinned to the server's (Playwright's clock.setFixedTime), so "today",
// "tomorrow" and the weekday are those of the test's Friday whatever day the test runs.
// Usage: node hours.test.mjs SERVER_BIN WEB_DIR WIDGET_DIR SHOT_DIR
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Agent, CHROMIUM, CHROMIUM_ARGS, STEP_MS, answerPrompts, programArgs, startServer, testProgram, until } from './widget_lib.mjs';

const OVERALL_TIMEOUT_MS = Number(process.env.LIVECHAT_E2E_TIMEOUT_MS) || 150_000;
const FRIDAY_1830_ROME = 1796405400000;  // 2026-12-04T17:30:00Z
const MONDAY_0900_ROME = 1796630400000;  // 2026-12-07T08:00:00Z
const [serverBin, webDir, widgetDir, shotDir] = programArgs('node hours.test.mjs SERVER_BIN WEB_DIR WIDGET_DIR SHOT_DIR');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'livechat-hours-e2e-'));
const { check, run } = testProgram('hours e2e', OVERALL_TIMEOUT_MS);
let server = null, browser = null, agent = null, admin = null, shopServer = null;

async function cleanup() {
  for (const a of [agent, admin]) try { a?.close(); } catch {}
  try { await browser?.close(); } catch {}
  if (server && server.exitCode === null) server.kill('SIGKILL');
  shopServer?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}

// The customer's site: /shop.html?pb=ID, an English page with the snippet.
function site(host, chat) {
  shopServer = http.createServer((req, res) => {
    const url = new URL(req.url, `http://${host}`);
    if (url.pathname !== '/shop.html') { res.writeHead(404); return res.end(); }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme Shop</title></head>' +
      '<body><h1>Acme Shop</h1><p>Tables and chairs.</p>\n' +
      `<script src="${chat}/widget/loader.js" data-playbook="${url.searchParams.get('pb')}" async></script>\n` +
      '</body></html>');
  });
  return new Promise((ok) => shopServer.listen(0, host, () => ok(`http://${host}:${shopServer.address().port}`)));
}

const W = '[data-livechat]';
const shot = (page, name) => page.screenshot({ path: path.join(shotDir, `hours_${name}.png`) });
const logText = (page) => page.evaluate(() =>
  document.querySelector('[data-livechat]')?.shadowRoot?.querySelector('.log')?.innerText || '');

// A browser in `locale` and `timezoneId` whose clock shows the server's instant; opens the shop
// page and the widget, and waits for the header's "back" line.
async function visitor(shop, pb, locale, timezoneId) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 720 }, locale, timezoneId });
  await context.clock.setFixedTime(FRIDAY_1830_ROME);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(`${shop}/shop.html?pb=${pb}`);
  await page.locator(`${W} button.launcher`).click();
  await page.locator(`${W} [role=dialog]`).waitFor({ state: 'visible', timeout: STEP_MS });
  const sub = await until('the header\'s "back" line', async () => {
    const t = await page.locator(`${W} .sub`).innerText();
    return t && t !== 'Connecting…' && t !== 'Connessione…' ? t : '';
  });
  return { context, page, sub };
}

async function main() {
  fs.mkdirSync(shotDir, { recursive: true });
  const started = await startServer({ serverBin, webDir, widgetDir, tmp, args: ['--test-clock-ms', String(FRIDAY_1830_ROME)] });
  server = started.proc;
  const chat = started.origin;
  const shop = await site('127.0.0.2', chat);
  console.log(`chat server ${chat} (its clock: Friday 18:30 in Rome); shop ${shop}`);

  // The admin: a playbook from the template on the shop's site, published, with office hours.
  admin = new Agent(chat);
  await admin.connect('admin@demo.local');
  const pb = (await admin.rest('POST', '/api/playbooks', { name: 'Shop chat', template: 'live_chat' })).body.id;
  const view = (await admin.rest('GET', `/api/playbooks/${pb}`)).body;
  await admin.rest('PUT', `/api/playbooks/${pb}`, { ...view.playbook, allowed_origins: [shop] });
  await admin.rest('POST', `/api/playbooks/${pb}/publish`, { published: true });
  const day = [{ from: '09:00', to: '18:00' }];
  const hours = await admin.rest('PUT', `/api/playbooks/${pb}/hours`, {
    enabled: true, time_zone: 'Europe/Rome',
    week: { monday: day, tuesday: day, wednesday: day, thursday: day, friday: day }, holidays: [] });
  check(hours.status === 200 && hours.body.open_now === false && hours.body.next_opening === MONDAY_0900_ROME,
    `office hours saved: closed now, next opening ${hours.body.next_opening}`);
  const card = view.playbook.cards.find((c) => c.type === 'live_chat');
  // Someone is in (online, taking no chat by itself): only the hours keep the chat offline.
  agent = new Agent(chat);
  await agent.connect('anna@demo.local');
  await agent.ack(agent.command('set_online', { online: true }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

  // [1] English, New York: Monday 9:00 in Rome is Monday 3:00 AM there.
  const en = await visitor(shop, pb, 'en-US', 'America/New_York');
  // (Intl puts a narrow no-break space before "AM".)
  check(en.sub.replace(/\s/g, ' ') === 'Back Monday at 3:00 AM', `English, New York: "${en.sub}"`);
  const demo = en.page.locator(`${W} .buttons button`, { hasText: 'I want a demo' });
  await demo.waitFor({ timeout: STEP_MS });
  await demo.click();
  const input = en.page.locator(`${W} textarea`);
  await answerPrompts(input, [['Your email', 'luca@example.com'], ['Your name', 'Luca Bianchi']]);
  const offline = card.offline_message.replace(/\*\*/g, '').slice(0, 30);
  await until('the offline message', async () => (await logText(en.page)).includes(offline));
  const log = await logText(en.page);
  check(!log.includes(card.online_message.replace(/\*\*/g, '').slice(0, 30)) && !log.includes('joined the chat') &&
    !(await en.page.locator(`${W} .wait`).isVisible()),
  'the offline path: the offline message, no online message, no waiting for an agent');
  check(en.page.errors.length === 0, `no page errors ${en.page.errors.join('; ')}`);
  await shot(en.page, '01_english_new_york');
  await en.context.close();

  // [2] Italian, Rome: the same instant in Italian, at 09:00.
  const it = await visitor(shop, pb, 'it-IT', 'Europe/Rome');
  check(/^Di ritorno lunedì alle 0?9:00$/.test(it.sub.replace(/\s/g, ' ')), `Italian, Rome: "${it.sub}"`);
  await shot(it.page, '02_italian_rome');
  await it.context.close();
}

await run(main, cleanup, () => agent && `agent frames: ${agent.summary()}`);
