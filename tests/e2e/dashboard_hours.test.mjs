// The business hours editor (issue 18, item 1) in a real browser against the real server, whose
// clock a test flag sets (Friday 4 December 2026, 18:30 in Rome). An admin opens the demo playbook,
// turns business hours on, picks Europe/Rome from the searchable zone list, gives Monday two
// intervals (09:00-13:00, 14:00-18:00) and Friday one, adds a holiday, and saves; a mistyped time
// is refused first with the server's words and the field at fault. The server then has exactly
// those hours, closed now, opening Monday 9:00 in Rome.
// Screenshots: SHOT_DIR/hours-*.png (look at them).
// Usage: node dashboard_hours.test.mjs SERVER_BINARY WEB_DIR SHOT_DIR
import { chromium } from 'playwright-core';
import {
  CHROMIUM, CHROMIUM_ARGS, check, cleanups, click, init, openDashboard, replaceText, run, settled, shot, signIn,
  startServer, typeText, waitFor,
} from './dashboard_lib.mjs';
import { PASSWORD } from './widget_lib.mjs';

const OVERALL_TIMEOUT_MS = Number(process.env.LIVECHAT_E2E_TIMEOUT_MS) || 300_000;
const FRIDAY_1830_ROME = 1796405400000;  // 2026-12-04T17:30:00Z
const MONDAY_0900_ROME = 1796630400000;  // 2026-12-07T08:00:00Z
init({ script: 'dashboard_hours.test.mjs', password: PASSWORD, visitorName: 'Giulia', shotPrefix: 'hours' });

async function main() {
  const { base } = await startServer(['--test-clock-ms', String(FRIDAY_1830_ROME)]);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  cleanups.unshift(() => browser.close());
  const token = (await (await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@demo.local', password: PASSWORD }) })).json()).token;
  const hours = async () => (await fetch(`${base}/api/playbooks/pb_demo/hours`,
    { headers: { authorization: `Bearer ${token}` } })).json();

  const ada = await openDashboard(browser, base, 'ada');
  await signIn(ada, 'admin@demo.local');
  const fill = (label, text) => replaceText(ada, label, text);
  await click(ada, 'Playbooks');
  await click(ada, 'open:Website chat (demo)');
  await click(ada, 'tab:hours');
  await shot(ada, '00-opened');
  await click(ada, 'Use business hours');
  await click(ada, 'time_zone');
  await click(ada, 'zone_filter');
  await typeText(ada, 'rome');
  await shot(ada, '01-zone-search');
  await click(ada, 'zone:Europe/Rome');
  await click(ada, 'add_interval:monday');   // 09:00-17:00
  await fill('to:monday.0', '13:00');
  await click(ada, 'add_interval:monday');   // from 13:00 on
  await fill('from:monday.1', '14:00');
  await fill('to:monday.1', '18:00');
  await click(ada, 'add_interval:friday');
  await fill('from:friday.0', '9am');
  await fill('holiday', '2026-12-08');
  await click(ada, 'Add holiday');
  await settled(ada);
  await click(ada, 'Save business hours');
  await waitFor('the refusal', async () => (await hours()).hours.enabled === false);  // nothing stored
  await shot(ada, '02-refused');
  await fill('from:friday.0', '09:00');
  await fill('to:friday.0', '18:00');
  await settled(ada);
  await click(ada, 'Save business hours');
  const saved = await waitFor('the saved hours', async () => {
    const h = await hours();
    return h.hours.enabled ? h : null;
  });
  await shot(ada, '03-saved');
  const week = saved.hours.week;
  check(saved.hours.time_zone === 'Europe/Rome', `time zone ${saved.hours.time_zone}`);
  check(JSON.stringify(week.monday) === JSON.stringify([{ from: '09:00', to: '13:00' }, { from: '14:00', to: '18:00' }]),
    `Monday ${JSON.stringify(week.monday)}`);
  check(JSON.stringify(week.friday) === JSON.stringify([{ from: '09:00', to: '18:00' }]), `Friday ${JSON.stringify(week.friday)}`);
  check(['sunday', 'tuesday', 'wednesday', 'thursday', 'saturday'].every((d) => week[d].length === 0), 'the other days closed');
  check(JSON.stringify(saved.hours.holidays) === '["2026-12-08"]', `holidays ${JSON.stringify(saved.hours.holidays)}`);
  check(saved.open_now === false && saved.next_opening === MONDAY_0900_ROME,
    `closed now, opening Monday 9:00 in Rome (${saved.next_opening})`);
  return 0;
}

run('dashboard hours e2e', main, OVERALL_TIMEOUT_MS);
