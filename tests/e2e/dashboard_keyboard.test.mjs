// The dashboard by keyboard only (issue 19, item 7), in Debian's headless Chromium against the
// real server: sign in (the email field has the focus, Tab to the password, Enter), go online
// (Alt+O), select the waiting chat (Alt+Down), take it (Alt+A), write and send (Enter): no mouse.
// Screenshot: SHOT_DIR/keyboard-taken.png (look at it).
// Usage: node dashboard_keyboard.test.mjs SERVER_BINARY WEB_DIR SHOT_DIR
import { chromium } from 'playwright-core';
import {
  CHROMIUM, CHROMIUM_ARGS, check, cleanups, debug, init, openDashboard, run, settled, shot, startServer, visitor,
  waitFor, widgets,
} from './dashboard_lib.mjs';

const PASSWORD = 'dashboard-keyboard-pw';
const NAME = 'Marta Neri';
init({ script: 'dashboard_keyboard.test.mjs', password: PASSWORD, visitorName: NAME, shotPrefix: 'keyboard' });

async function main() {
  const { port, base } = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  cleanups.unshift(() => browser.close());
  const d = await openDashboard(browser, base, 'anna');
  const keys = d.page.keyboard;
  await waitFor('the sign-in screen', async () => (await widgets(d)).some((w) => w.label === 'Sign in'));
  await keys.type('anna@demo.local');  // the email field has the focus when the sign-in appears
  await keys.press('Tab');
  await keys.type(PASSWORD);
  await keys.press('Enter');
  await waitFor('signed in', async () => (await debug(d))?.connected);
  check(true, 'signed in by keyboard (typing, Tab, Enter)');
  await settled(d);
  await keys.press('Alt+O');
  await waitFor('online', async () => (await debug(d)).online);
  check(true, 'Alt+O goes online');
  const v = visitor(port);
  await waitFor('the visitor waiting', () => v.waiting && v.conversation);
  await waitFor('the chat in Unassigned', async () => (await debug(d)).ids.unassigned.includes(v.conversation));
  await keys.press('Alt+ArrowDown');
  await waitFor('the chat selected', async () => (await debug(d)).selected?.id === v.conversation);
  check(true, 'Alt+Down selects the waiting chat');
  await keys.press('Alt+A');
  await waitFor('assigned', async () => (await debug(d)).ids.mine.includes(v.conversation));
  check(true, 'Alt+A takes it (Assign to me)');
  await waitFor('the composer focused', async () => (await debug(d)).composer_active);
  await keys.type('Hello from the keyboard');
  await waitFor('the text in the composer', async () => (await debug(d)).composer === 'Hello from the keyboard');
  await keys.press('Enter');
  await waitFor('the visitor reading it', () => v.frames.some((f) => f.type === 'event' &&
    f.event.type === 'message_posted' && f.event.text === 'Hello from the keyboard'));
  check(true, 'typed and sent with Enter, the mouse never used');
  await settled(d);
  await shot(d, 'taken');
  await keys.press('Alt+O');
  await waitFor('offline', async () => !(await debug(d)).online);
  check(true, 'Alt+O goes offline again');
  return 0;
}

await run('dashboard keyboard e2e', main, Number(process.env.LIVECHAT_E2E_TIMEOUT_MS) || 300_000);
