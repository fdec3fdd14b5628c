// History in the dashboard (issue 14): the Closed folder is fetched page by page over REST as
// the agent scrolls (GET /api/conversations?folder=closed, 50 a page), each conversation listed
// once, newest first, ending with "No older conversations."; an old closed chat opens; the search
// box finds closed chats by a word of their messages and CRM records by name, in any script,
// and a result opens the conversation or the record. Real server, Debian's Chromium, real mouse
// and keyboard. Screenshots: SHOT_DIR/history-*.png.
// Usage: node dashboard_history.test.mjs SERVER_BINARY WEB_DIR SHOT_DIR
import { chromium } from 'playwright-core';
import {
  CHROMIUM, CHROMIUM_ARGS, check, cleanups, click, debug, init, openDashboard, run, settled, shot, signIn, sleep,
  startServer, waitFor, widgets,
} from './dashboard_lib.mjs';

const PASSWORD = 'history-e2e-pw';
const CHATS = 230;  // five pages of 50 (the last one short)
init({ script: 'dashboard_history.test.mjs', password: PASSWORD, visitorName: 'unused', shotPrefix: 'history' });

async function main() {
  const { base } = await startServer(['--demo-conversations', String(CHATS)]);
  const token = (await (await fetch(`${base}/api/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'marco@demo.local', password: PASSWORD }),
  })).json()).token;
  const person = await (await fetch(`${base}/api/persons`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: '王小明 Wang', email: 'xiaoming@example.cn', phone: '+86 10 1234 5678' }),
  })).json();
  check(!!person.id, `a CRM person to find (${person.id})`);
  // The demo chats are closed in a burst: wait until the store has every one of them.
  await waitFor(`${CHATS} closed chats in the store`, async () => {
    let n = 0;
    for (let next = ''; ;) {
      const page = await (await fetch(`${base}/api/conversations?folder=closed&limit=100${next ? `&before=${encodeURIComponent(next)}` : ''}`,
        { headers: { authorization: `Bearer ${token}` } })).json();
      n += page.conversations.length;
      if (!page.next) break;
      next = page.next;
    }
    return n === CHATS;
  }, 60_000);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  cleanups.unshift(() => browser.close());
  const anna = await openDashboard(browser, base, 'anna');
  await signIn(anna, 'anna@demo.local');

  // 1. The Closed folder: the first page arrives when the folder opens.
  await click(anna, 'Closed');
  let s = await waitFor('the first page', async () => {
    const d = await debug(anna);
    return d.closed.fetched >= 50 ? d : null;
  });
  check(!s.closed.done && s.closed.error === '', `one page of 50 fetched, more to come (${s.closed.fetched})`);
  await shot(anna, '01-closed-first-page');

  // 2. Scrolling to the end fetches the next pages, until none is left.
  const rowLabels = async () => (await widgets(anna)).filter((w) => w.label.startsWith('row:'));
  const firstRow = (await waitFor('rows', async () => ((await rowLabels()).length ? rowLabels() : null)))[0];
  await anna.page.mouse.move(firstRow.x + firstRow.w / 2, firstRow.y + 100);
  let pagesSeen = new Set([s.closed.fetched]);
  s = await waitFor('every page', async () => {
    await anna.page.mouse.wheel(0, 4000);
    await sleep(150);
    const d = await debug(anna);
    pagesSeen.add(d.closed.fetched);
    return d.closed.done ? d : null;
  }, 90_000);
  check(s.closed.fetched === CHATS && s.closed.error === '', `all ${CHATS} fetched, page by page (${[...pagesSeen].join(', ')})`);
  const ids = s.closed.folder;
  check(ids.length === CHATS && new Set(ids).size === CHATS, `the folder lists each of the ${CHATS} once`);
  const numbers = ids.map((id) => Number(id.replace('c_demo_', '')));
  check(numbers[0] === CHATS && numbers[CHATS - 1] === 1, `newest first: c_demo_${numbers[0]} ... c_demo_${numbers[CHATS - 1]}`);
  await waitFor('"No older conversations."', async () => (await anna.page.evaluate(() => window.agentUi.widgets())) && true);
  await shot(anna, '02-closed-end');

  // 3. The oldest chat, at the end of the list, opens with its transcript.
  // Scroll to the very end first: after the last page the list may have stopped anywhere.
  const last = await waitFor('the oldest chat\'s row on screen', async () => {
    await anna.page.mouse.wheel(0, 4000);
    return (await rowLabels()).find((w) => / 1$/.test(w.label)) || null;
  });
  await click(anna, last.label);  // waits until the row holds still
  s = await waitFor('the oldest chat open', async () => {
    const d = await debug(anna);
    return d.selected && d.selected.id === 'c_demo_1' ? d : null;
  });
  check(s.selected.phase === 'closed', `c_demo_1 opens (${last.label}), closed`);
  await shot(anna, '03-oldest-chat');

  // 4. Search: a word of the demo messages (closed chats), then a CRM person by a CJK name.
  await click(anna, 'search');
  await anna.page.keyboard.type('Switzerland');
  await anna.page.keyboard.press('Enter');
  s = await waitFor('search results', async () => {
    const d = await debug(anna);
    return d.search.searched === 'Switzerland' && !d.search.loading && d.search.results.length ? d : null;
  });
  // Pages of 20 are fetched while the results' end is in view: every chat that asked about Switzerland.
  const asked = [];
  for (let i = CHATS; i >= 1; --i) if (i % 4 === 0) asked.push(`c_demo_${i}`);  // demo.cpp: kAsks[i % 4]
  const firstResult = (await waitFor('result rows', async () => (await widgets(anna)).find((w) => w.label.startsWith('result:'))));
  await anna.page.mouse.move(firstResult.x + firstResult.w / 2, firstResult.y + 100);
  s = await waitFor('every result', async () => {
    const d = await debug(anna);
    await anna.page.mouse.wheel(0, 4000);
    return !d.search.loading && d.search.next === '' ? d : null;
  });
  check(s.search.error === '' && JSON.stringify(s.search.results) === JSON.stringify(asked),
        `"Switzerland" finds the ${asked.length} chats that asked, newest first, each once (${s.search.results.length})`);
  await shot(anna, '04-search-chats');
  await sleep(300);  // the last page's rows laid out
  const hit = (await widgets(anna)).find((w) => w.label.startsWith('result:'));
  await anna.page.mouse.click(hit.x + hit.w / 2, hit.y + hit.h / 2);
  s = await waitFor('the result open', async () => {
    const d = await debug(anna);
    return d.selected && d.selected.id && d.selected.id !== 'c_demo_1' ? d : null;
  });
  check(asked.includes(s.selected.id) && s.selected.phase === 'closed' && hit.label.endsWith(` ${s.selected.id.replace('c_demo_', '')}`),
        `a result opens its conversation (${hit.label} -> ${s.selected.id})`);
  await shot(anna, '05-search-result-open');

  await click(anna, 'search');
  await anna.page.keyboard.press('Control+A');
  await anna.page.keyboard.type('王小明');
  await settled(anna);
  await click(anna, 'search kind');
  await click(anna, 'kind:People');  // searches again, for people
  s = await waitFor('the person found', async () => {
    const d = await debug(anna);
    return d.search.searched === '王小明' && d.search.results.length === 1 ? d : null;
  });
  check(s.search.results[0] === person.id, `"王小明" finds the person (${person.id})`);
  const found = (await widgets(anna)).find((w) => w.label.startsWith('result:'));
  await anna.page.mouse.click(found.x + found.w / 2, found.y + found.h / 2);
  s = await waitFor('the record open', async () => ((await debug(anna)).record === person.id ? debug(anna) : null));
  check(true, 'the person\'s card opens');
  await shot(anna, '06-search-person');
  return 0;
}

await run('dashboard history e2e', main, 300_000);
