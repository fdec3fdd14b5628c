// Every character survives the dashboard (issue 19, items 1 and 2), in Debian's headless Chromium
// against the real server, on a 1024x640 screen:
//  - click-then-type with no pause: the sign-in form filled by clicking a field and typing at
//    once (a key right after a click goes to the clicked field), and a side panel field the same way;
//  - hostile and unusual strings (emoji with ZWJ and skin tones, flags, CJK, Hebrew, Arabic,
//    bidi overrides, combining marks, zero-width characters, astral-plane letters, 8,000-byte
//    texts) typed (key presses for ASCII, insertText for the rest: what an input method or an
//    emoji picker sends), pasted, and composed with an input method (CDP Input.imeSetComposition)
//    into the composer: byte-exact on the visitor's side and in the store (sqlite3 on the db file);
//  - the visitor's hostile messages byte-exact in the dashboard's model, the fallback fonts loaded
//    for them (and only then: none before), drawn (screenshot: look at it);
//  - the side panel's notes and person name typed and pasted: byte-exact in the store; after a
//    reload the edit buffers hold them unchanged, and saving another field keeps them byte-exact.
// Usage: node dashboard_text.test.mjs SERVER_BINARY WEB_DIR SHOT_DIR
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import {
  CHROMIUM, CHROMIUM_ARGS, check, cleanups, click, debug, init, openDashboard, run, pasteText, settled, shot,
  signIn, sleep, startServer, takeChat, typeText, visitor, waitFor,
} from './dashboard_lib.mjs';

const OVERALL_TIMEOUT_MS = Number(process.env.LIVECHAT_E2E_TIMEOUT_MS) || 400_000;
const PASSWORD = 'dashboard-text-pw';
const VISITOR_NAME = 'Giulia Verdi';

init({ script: 'dashboard_text.test.mjs', password: PASSWORD, visitorName: VISITOR_NAME, shotPrefix: 'text' });

// One row per kind of trouble. No leading or trailing spaces or newlines (the composer trims
// those before sending, on purpose) and no '\n' in typed rows (Enter sends).
const HOSTILE = [
  ['emoji', '😀🎉'],
  ['ZWJ family, skin tones, flags', '👩‍👩‍👧‍👦 👍🏽👋🏿 🏳️‍🌈 🇮🇹🇯🇵 ❤️'],
  ['CJK', '你好，世界 こんにちは 안녕하세요 漢字'],
  ['Hebrew', 'שלום עולם, מה שלומך?'],
  ['Arabic', 'مرحبا بالعالم، كيف حالك؟ 123'],
  ['bidi overrides and isolates', 'a\u202Eevil\u202C b \u2066iso\u2069 \u200Fmark\u200E \u202Dlro\u202C'],
  ['combining marks', 'e\u0301 Z\u0351\u0300\u0316a\u0336l\u0334g\u0335o n\u0303 \u0939\u093F\u0928\u094D\u0926\u0940'],
  ['zero-width', 'zero\u200Bwidth\u200Cnon\u200Djoiner\uFEFFbom\u2060wj'],
  ['astral letters and music', '𝕳𝖊𝖑𝖑𝖔 𝄞 𠜎𠜱 \u{1F9D1}\u{200D}\u{1F4BB}'],
  ['mixed Latin', 'perché €2.500,50 — «ciao» Привет Καλημέρα'],
];
// 8,000 bytes of UTF-8 exactly (the core's kMaxMessageBytes), characters of 2, 3 and 4 bytes.
const LONG = 'ü😀你'.repeat(888) + '😀abcd';

const hex = (s) => Buffer.from(s, 'utf8').toString('hex').toUpperCase();
function sql(db, query) {
  return execFileSync('sqlite3', ['-readonly', db, query], { encoding: 'utf8' }).trim();
}

async function main() {
  const { port, base, db } = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  cleanups.unshift(() => browser.close());

  // 1. Sign in by clicking each field and typing at once (signIn sends no pause).
  const anna = await openDashboard(browser, base, 'anna', 1, { width: 1024, height: 640 });
  const requested = await anna.page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  check(!requested.some((u) => /Symbola|DroidSans|\/DejaVuSans\.ttf/.test(u)),
        'no fallback font is downloaded before text needs one');
  const s0 = await signIn(anna, 'anna@demo.local');
  check(s0.user.email === 'anna@demo.local', 'click-then-type: each key lands in the field clicked just before');
  await click(anna, 'online switch');
  await waitFor('anna: online', async () => (await debug(anna)).online);  // before the visitor asks

  // 2. A visitor writes every hostile string; the dashboard holds each byte-exact.
  const v = visitor(port);
  await takeChat(anna, v, VISITOR_NAME);
  for (const [, text] of HOSTILE) v.say(text);
  v.say(LONG);
  const seen = await waitFor('the visitor\'s messages in the dashboard', async () => {
    const d = await debug(anna);
    return d.selected && d.selected.texts.includes(LONG) ? d : null;
  });
  for (const [name, text] of HOSTILE)
    check(seen.selected.texts.includes(text), `visitor -> agent, ${name}: byte-exact in the dashboard`);
  check(seen.selected.texts.includes(LONG), 'visitor -> agent, 8,000 bytes: byte-exact in the dashboard');
  const fonts = await waitFor('the fallback fonts', async () => {
    const f = (await debug(anna)).fonts;
    return Object.values(f.fallbacks).every((x) => x === 'ready') ? f : null;
  }, 60_000);
  check(true, `emoji, CJK, Hebrew and Arabic load the fallback fonts (${JSON.stringify(fonts)})`);
  await settled(anna);
  await sleep(300);
  await shot(anna, '01-visitor-scripts');

  // 3. Anna types, pastes and composes each string into the composer; Enter sends it.
  const sent = [];
  const agentTexts = () => v.frames.filter((f) => f.type === 'event' && f.event.type === 'message_posted' &&
                                                  f.event.author === 'agent').map((f) => f.event.text);
  async function send(how, name, text, put) {
    await click(anna, 'composer');
    await put();
    await waitFor(`the composer holding ${name} (${how})`, async () => ((await debug(anna)).composer === text ? true : null));
    await anna.page.keyboard.press('Enter');
    sent.push(text);
    const got = await waitFor(`the visitor receiving ${name} (${how})`, () => {
      const a = agentTexts();
      return a.length >= sent.length ? a : null;
    });
    check(got[sent.length - 1] === text, `agent -> visitor, ${name}, ${how}: byte-exact on the visitor's side`);
  }
  for (const [name, text] of HOSTILE) await send('typed', name, text, () => typeText(anna, text));
  for (const [name, text] of HOSTILE) await send('pasted', name, text, () => pasteText(anna, text));
  await send('pasted', '8,000 bytes', LONG, () => pasteText(anna, LONG));
  await send('typed (one insert)', '8,000 bytes', LONG, () => anna.page.keyboard.insertText(LONG));
  const cdp = await anna.context.newCDPSession(anna.page);
  await send('composed with an input method', 'Japanese', '日本語です', async () => {
    await cdp.send('Input.imeSetComposition', { text: 'にほんご', selectionStart: 4, selectionEnd: 4 });
    await cdp.send('Input.imeSetComposition', { text: 'にほんごです', selectionStart: 6, selectionEnd: 6 });
    await cdp.send('Input.insertText', { text: '日本語です' });
  });
  // A key right after a click, again: the composer is clicked and typed into with no pause.
  await send('typed right after the click', 'ASCII', 'quick', () => anna.page.keyboard.type('quick'));

  // The store: each message's text byte-exact (the messages view reads the event log).
  const stored = sql(db, `SELECT hex(text) FROM messages WHERE conversation_id = '${v.conversation}' AND author = 'agent' ORDER BY seq`)
    .split('\n');
  check(stored.length === sent.length, `the store holds the ${sent.length} messages Anna sent`);
  sent.forEach((t, i) => {
    if (stored[i] !== hex(t)) throw new Error(`check failed: stored message ${i} differs: ${JSON.stringify(t).slice(0, 80)}`);
  });
  check(true, 'every message Anna typed, pasted or composed is byte-exact in the store');
  await sleep(300);
  await shot(anna, '02-agent-scripts');

  // 4. The side panel: person name typed, notes pasted; a field clicked and typed into at once.
  const NAME = '👩‍👩‍👧‍👦 Giulia 你好 שלום مرحبا e\u0301';
  const NOTES = HOSTILE.map(([, t]) => t).join('\n') + '\n' + 'ü😀你'.repeat(300);  // < 4,000 bytes
  const fill = async (label, put) => {
    await click(anna, label);
    await anna.page.keyboard.press('Control+A');
    await anna.page.keyboard.press('Backspace');
    await put();
  };
  await fill('person_name', () => typeText(anna, NAME));
  await fill('notes', () => pasteText(anna, NOTES));
  await fill('phone', () => anna.page.keyboard.type('+39 02 1234567'));
  await click(anna, 'Save');
  const panelEvent = async () => sql(db, `SELECT hex(body ->> '$.panel.notes') || ' ' || hex(body ->> '$.panel.person_name') || ' ' || ` +
    `(body ->> '$.panel.phone') FROM events WHERE type = 'side_panel_updated' AND conversation = '${v.conversation}' ORDER BY pos DESC LIMIT 1`);
  // The playbook's captures (email, name) saved the panel before: wait for Anna's save.
  const row = await waitFor('the side panel in the store', async () => {
    const r = await panelEvent();
    return r.endsWith(' +39 02 1234567') ? r : null;
  });
  const [notesHex, nameHex, ...phone] = row.split(' ');

  const diff = (a, b) => `${Buffer.from(a, 'hex').toString('utf8').slice(0, 60)} vs ${Buffer.from(b, 'hex').toString('utf8').slice(0, 60)}`;
  check(nameHex === hex(NAME), `the person name is byte-exact in the store (${nameHex === hex(NAME) ? 'same' : diff(nameHex, hex(NAME))})`);
  check(notesHex === hex(NOTES), `the notes are byte-exact in the store (${notesHex === hex(NOTES) ? 'same' : diff(notesHex, hex(NOTES))})`);
  check(phone.join(' ') === '+39 02 1234567', 'the phone typed right after its click is stored');
  await sleep(300);
  await shot(anna, '03-side-panel');

  // 5. After a reload: the edit buffers hold the same text; saving another field keeps it.
  await anna.page.reload({ waitUntil: 'load' });
  await waitFor('anna: signed in again', async () => {
    const d = await debug(anna);
    return d && d.signed_in && d.connected ? d : null;
  }, 60_000);
  await click(anna, 'My conversations');
  await click(anna, `row:${NAME}`);  // the chat is named after the side panel's person name
  const form = await waitFor('the side panel form', async () => (await debug(anna)).panel_form);
  check(form.notes === NOTES && form.person_name === NAME, 'after a reload the side panel shows the notes and name unchanged');
  const back = await debug(anna);
  check(sent.every((t) => back.selected.texts.includes(t)), 'after a reload every message is byte-exact in the dashboard');
  await fill('phone', () => anna.page.keyboard.type('+39 333 000'));
  await click(anna, 'Save');
  const again = await waitFor('the second save in the store', async () => {
    const r = await panelEvent();
    return r.endsWith('+39 333 000') ? r : null;
  });
  check(again === `${hex(NOTES)} ${hex(NAME)} +39 333 000`, 'saving another field keeps the notes and name byte-exact');
  await settled(anna);
  await sleep(300);
  await shot(anna, '04-after-reload');
  return 0;
}

await run('dashboard text e2e', main, OVERALL_TIMEOUT_MS);
