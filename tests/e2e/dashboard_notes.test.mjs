// Private notes (issue 17, item 2), in Debian's headless Chromium against the real server: a
// visitor on a shop's page (another origin, 127.0.0.2) asks for a human; Anna, in her dashboard,
// writes a note mentioning Marco on the waiting chat; Marco, in his, gets the notification and
// reads the note (marked as a note); Anna takes the chat, replies and writes a second note. The
// visitor's widget shows the reply and never a note, before and after a reload.
// Screenshots: SHOT_DIR/notes-*.png (look at them).
// Usage: node dashboard_notes.test.mjs SERVER_BINARY WEB_DIR SHOT_DIR
import http from 'node:http';
import path from 'node:path';

import { chromium } from 'playwright-core';
import {
  CHROMIUM, CHROMIUM_ARGS, check, cleanups, click, debug, init, openDashboard, run, settled, shot, signIn, sleep,
  startServer, typeInComposer, waitFor,
} from './dashboard_lib.mjs';

const PASSWORD = 'dashboard-notes-pw';
const NAME = 'Giulia Verdi';
const { shotDir } = init({ script: 'dashboard_notes.test.mjs', password: PASSWORD, visitorName: NAME, shotPrefix: 'notes' });

const NOTE_1 = '@Marco she asked for a discount, secret-one';
const NOTE_2 = 'secret-two: call her back on Monday';
const REPLY = 'Hello Giulia, I am Anna';

// The shop: a page on another origin embedding the demo playbook's snippet.
function shop(chat) {
  const s = http.createServer((req, res) => {
    if (!req.url.startsWith('/shop.html')) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body>' +
      `<h1>Shop</h1><script src="${chat}/widget/loader.js" data-playbook="pb_demo" async></script></body></html>`);
  });
  cleanups.push(() => s.close());
  return new Promise((ok) => s.listen(0, '127.0.0.2', () => ok(`http://127.0.0.2:${s.address().port}`)));
}

const W = '[data-livechat]';
const logText = (page) => page.evaluate(() =>
  document.querySelector('[data-livechat]')?.shadowRoot?.querySelector('.log')?.innerText || '');

async function main() {
  const { base } = await startServer();
  const site = await shop(base);
  // The demo playbook may be embedded on the shop.
  const login = await (await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@demo.local', password: PASSWORD }) })).json();
  const rest = async (method, p, body) => {
    const r = await fetch(`${base}${p}`, { method, headers: { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json().catch(() => null) };
  };
  const view = (await rest('GET', '/api/playbooks/pb_demo')).body;
  const put = await rest('PUT', '/api/playbooks/pb_demo', { ...view.playbook, allowed_origins: [site] });
  check(put.status === 200, `the shop may embed the demo playbook (${put.status})`);
  // The edit is a draft until published (visitors get the published version).
  const published = await rest('POST', '/api/playbooks/pb_demo/publish', { published: true });
  check(published.status === 200, `the draft with the shop is published (${published.status})`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  cleanups.unshift(() => browser.close());
  const anna = await openDashboard(browser, base, 'anna');
  await signIn(anna, 'anna@demo.local');
  await click(anna, 'online switch');
  await waitFor('anna: online', async () => (await debug(anna)).online);
  const marco = await openDashboard(browser, base, 'marco');
  await signIn(marco, 'marco@demo.local');
  await click(marco, 'online switch');
  await waitFor('marco: online', async () => (await debug(marco)).online);

  // The visitor on the shop walks the demo playbook to the Live Chat card.
  const visitorPage = await (await browser.newContext({ viewport: { width: 1000, height: 760 } })).newPage();
  cleanups.unshift(() => visitorPage.context().close());
  await visitorPage.goto(`${site}/shop.html`, { waitUntil: 'load' });
  await visitorPage.locator(`${W} button.launcher`).click({ timeout: 30_000 });
  await visitorPage.locator(`${W} .buttons button`).first().click({ timeout: 30_000 });
  const input = visitorPage.locator(`${W} textarea`);
  for (const [placeholder, text] of [['Your email', 'giulia@example.it'], ['Your name', NAME]]) {
    await waitFor(`the "${placeholder}" prompt`, async () => (await input.getAttribute('placeholder')) === placeholder, 30_000);
    await input.fill(text);
    await input.press('Enter');
  }
  const id = (await waitFor('the chat in Unassigned', async () => (await debug(anna)).ids.unassigned[0]));
  check(true, `the visitor on ${site} waits in Unassigned (${id})`);

  // 1. Anna writes a note on the waiting chat: the composer offers only a note there.
  await click(anna, `row:${NAME}`);
  await waitFor('anna: the chat open', async () => (await debug(anna)).selected?.id === id);
  await click(anna, 'composer');
  await typeInComposer(anna, NOTE_1, NOTE_1);
  await anna.page.keyboard.press('Enter');
  await waitFor('anna: the note in the transcript', async () => (await debug(anna)).selected.private_notes.includes(NOTE_1));
  check(true, 'Anna writes a note on the waiting chat (Enter in the note composer)');
  await settled(anna);
  await shot(anna, '01-anna-note');

  // 2. Marco is notified (toast and desktop notification) and reads the note.
  const desktop = await waitFor('marco: the desktop notification', async () =>
    (await marco.page.evaluate(() => window.lcNotified)).find((n) => /mentioned/i.test(n.title)));
  check(desktop.title === 'You were mentioned in a note' && desktop.body.includes('secret-one'),
        `Marco is notified: "${desktop.title}: ${desktop.body}"`);
  check(!(await anna.page.evaluate(() => window.lcNotified)).some((n) => /mentioned/i.test(n.title)),
        'the author is not notified');
  await click(marco, `row:${NAME}`);
  const m = await waitFor('marco: the note', async () => {
    const s = await debug(marco);
    return s.selected?.id === id && s.selected.private_notes.includes(NOTE_1) ? s : null;
  });
  check(!m.selected.texts.includes(NOTE_1), 'Marco sees it as a note, not as a message');
  await settled(marco);
  await shot(marco, '02-marco-reads-the-note');

  // 3. Anna takes the chat, replies, then switches to a note.
  await click(anna, 'Assign to me');
  await waitFor('anna: the chat is hers', async () => (await debug(anna)).ids.mine.includes(id));
  await click(anna, 'My conversations');
  await click(anna, `row:${NAME}`);
  await click(anna, 'Reply');
  await click(anna, 'composer');
  await typeInComposer(anna, REPLY, REPLY);
  await anna.page.keyboard.press('Enter');
  await waitFor('the visitor reading the reply', async () => (await logText(visitorPage)).includes(REPLY), 30_000);
  await click(anna, 'Private note');
  await click(anna, 'composer');
  await typeInComposer(anna, NOTE_2, NOTE_2);
  await click(anna, 'Add note');
  await waitFor('anna: the second note', async () => (await debug(anna)).selected.private_notes.includes(NOTE_2));
  check(true, 'Anna replies, then adds a note with the Add note button');
  await settled(anna);
  await shot(anna, '03-anna-reply-and-note');

  // 4. The visitor: the reply, never a note, live and after a reload (the resume's replay).
  await sleep(1500);
  let text = await logText(visitorPage);
  check(text.includes(REPLY) && !text.includes('secret'), `the widget shows the reply and no note: ${JSON.stringify(text)}`);
  await visitorPage.screenshot({ path: path.join(shotDir, 'notes-04-visitor.png') });
  await visitorPage.reload({ waitUntil: 'load' });
  await visitorPage.locator(`${W} button.launcher`).click({ timeout: 30_000 });
  await waitFor('the transcript again after the reload', async () => (await logText(visitorPage)).includes(REPLY), 30_000);
  await sleep(1000);
  text = await logText(visitorPage);
  check(!text.includes('secret'), 'after a reload the widget still shows no note');
  await visitorPage.screenshot({ path: path.join(shotDir, 'notes-05-visitor-reloaded.png') });
  return 0;
}

await run('dashboard notes e2e', main, Number(process.env.LIVECHAT_E2E_TIMEOUT_MS) || 400_000);
