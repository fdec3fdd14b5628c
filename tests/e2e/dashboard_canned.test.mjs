// Canned responses in the dashboard (issue 17, item 1) in Debian's headless Chromium against the
// real server, on a 1024x640 screen: Anna makes a personal canned response on its screen (a
// refused shortcut is explained next to its field; the text, pasted, holds emoji and variables),
// then in a chat types "/pri": the suggestion shows with the variable that has no value yet
// marked; Enter puts the filled text in the composer (never sends "/pri"); a second Enter sends
// it, and the visitor receives it byte for byte. Screenshots: look at them.
// Usage: node dashboard_canned.test.mjs SERVER_BINARY WEB_DIR SHOT_DIR
import { chromium } from 'playwright-core';
import {
  CHROMIUM, CHROMIUM_ARGS, check, cleanups, click, debug, init, openDashboard, pasteText, run, settled, shot, signIn,
  startServer, takeChat, visitor, waitFor,
} from './dashboard_lib.mjs';

const OVERALL_TIMEOUT_MS = Number(process.env.LIVECHAT_E2E_TIMEOUT_MS) || 300_000;
const PASSWORD = 'dashboard-canned-pw';
const VISITOR_NAME = 'Giulia Verdi';
const TEXT = 'Ciao {{person.first_name}} 👋🏽! Il listino 2026: https://example.com/prezzi — 你好 مرحبا ({{organization.name}})';
const FILLED = 'Ciao Giulia 👋🏽! Il listino 2026: https://example.com/prezzi — 你好 مرحبا ({{organization.name}})';

init({ script: 'dashboard_canned.test.mjs', password: PASSWORD, visitorName: VISITOR_NAME, shotPrefix: 'canned' });

async function main() {
  const { port, base } = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  cleanups.unshift(() => browser.close());
  const anna = await openDashboard(browser, base, 'anna', 1, { width: 1024, height: 640 });
  await signIn(anna, 'anna@demo.local');
  await click(anna, 'online switch');
  await waitFor('anna: online', async () => (await debug(anna)).online);

  // 1. The Canned responses screen: a refused shortcut, then a good one.
  await click(anna, 'Canned responses');
  await click(anna, 'New canned response');
  await click(anna, 'canned_shortcut');
  await anna.page.keyboard.type('Listino Prezzi');
  await click(anna, 'canned_en');
  await pasteText(anna, TEXT);
  await settled(anna);
  await click(anna, 'Save');
  let d = await waitFor('the refusal', async () => ((await debug(anna)).canned.field ? debug(anna) : null));
  check(d.canned.field === 'shortcut' && /lower-case/.test(d.canned.message),
        `a refused shortcut is explained next to its field (${JSON.stringify(d.canned)})`);
  await shot(anna, '01-refused');
  await click(anna, 'canned_shortcut');
  await anna.page.keyboard.press('Control+A');
  await anna.page.keyboard.type('prices');
  await settled(anna);
  await click(anna, 'Save');
  d = await waitFor('the saved canned response', async () => ((await debug(anna)).canned.count === 1 ? debug(anna) : null));
  check(d.canned.message === 'Saved.', 'the canned response is saved');
  const token = (await (await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'anna@demo.local', password: PASSWORD }) })).json()).token;
  const stored = await (await fetch(`${base}/api/canned`, { headers: { authorization: `Bearer ${token}` } })).json();
  check(stored.length === 1 && stored[0].shortcut === 'prices' && stored[0].texts.en === TEXT && !stored[0].shared,
        'stored byte for byte as a personal canned response');
  await shot(anna, '02-saved');

  // 2. In a chat: "/pri" offers it; Enter fills the composer; Enter again sends.
  const v = visitor(port);
  await click(anna, 'Inbox');
  await takeChat(anna, v, VISITOR_NAME);
  await click(anna, 'composer');
  await waitFor('anna: the composer active', async () => (await debug(anna)).composer_active);
  await anna.page.keyboard.type('/pri');
  d = await waitFor('the suggestion', async () => ((await debug(anna)).canned.suggestions ? debug(anna) : null));
  check(d.composer === '/pri', 'the composer holds the query');
  await shot(anna, '03-suggestion');
  await anna.page.keyboard.press('Enter');
  d = await waitFor('the filled composer', async () => ((await debug(anna)).composer === FILLED ? debug(anna) : null));
  check(!d.canned.suggestions, 'Enter takes the suggestion: the composer holds the filled text');
  check(!v.frames.some((f) => f.type === 'event' && f.event.type === 'message_posted' && f.event.text === '/pri'),
        '"/pri" is never sent');
  await shot(anna, '04-filled');
  await anna.page.keyboard.press('Enter');
  const got = await waitFor('the visitor receives it', () =>
    v.frames.find((f) => f.type === 'event' && f.event.type === 'message_posted' && f.event.author === 'agent'));
  check(got.event.text === FILLED, `the visitor receives the filled text byte for byte (${JSON.stringify(got.event.text)})`);
  return 0;
}

run('dashboard canned e2e', main, OVERALL_TIMEOUT_MS);
