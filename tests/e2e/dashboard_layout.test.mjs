// The dashboard's layout at common screen sizes (issue 19, item 3), in Debian's headless Chromium
// against the real server: 1024x640 and 1920x1080 at device pixel ratio 1 and 2, and 2560x1440.
// For each: sign in (real mouse and keyboard), a visitor with a long name and a message holding a
// word longer than the pane; the conversation header's name, the reassign dropdown and Close
// conversation never overlap; every control lies inside the screen; the long word is cut at the
// pane's edge (the transcript's controls stay inside); the canvas renders at the ratio. One of them
// signs in by keyboard only (Tab order, Enter).
// Screenshots: SHOT_DIR/layout-<w>x<h>@<dpr>.png (look at them).
// Usage: node dashboard_layout.test.mjs SERVER_BINARY WEB_DIR SHOT_DIR
import { chromium } from 'playwright-core';
import {
  CHROMIUM, CHROMIUM_ARGS, check, cleanups, click, debug, init, openDashboard, run, settled, shot, signIn, sleep,
  startServer, visitor, waitFor, widgets,
} from './dashboard_lib.mjs';

const PASSWORD = 'dashboard-layout-pw';
const NAME = 'Giulia Verdi-Bianchi de\' Medici di Montalcino e Castiglione';
init({ script: 'dashboard_layout.test.mjs', password: PASSWORD, visitorName: NAME, shotPrefix: 'layout' });

const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

async function main() {
  const { port, base } = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  cleanups.unshift(() => browser.close());
  // One visitor waiting, then assigned to Anna by the first screen.
  const sizes = [[1024, 640, 1], [1024, 640, 2], [1920, 1080, 1], [1920, 1080, 2], [2560, 1440, 1]];
  let v = null;
  for (const [width, height, dpr] of sizes) {
    const tag = `${width}x${height}@${dpr}`;
    const d = await openDashboard(browser, base, `anna ${tag}`, dpr, { width, height });
    if (dpr === 2 && width === 1024) {  // by keyboard only: the email field, Tab, the password, Enter
      await click(d, 'email');
      await d.page.keyboard.type('anna@demo.local');
      await d.page.keyboard.press('Tab');
      await d.page.keyboard.type(PASSWORD);
      await d.page.keyboard.press('Enter');
      await waitFor(`${tag}: signed in by keyboard`, async () => (await debug(d)).connected);
      check(true, `${tag}: sign-in by keyboard (Tab to the password, Enter submits)`);
    } else {
      await signIn(d, 'anna@demo.local');
    }
    if (!v) {
      await click(d, 'online switch');
      await waitFor('anna: online', async () => (await debug(d)).online);
      v = visitor(port);
      await waitFor('the visitor waiting', () => v.waiting && v.conversation);
      await waitFor('the chat in Unassigned', async () => (await debug(d)).ids.unassigned.includes(v.conversation));
      await click(d, `row:${NAME}`);
      await click(d, 'Assign to me');
      await waitFor('assigned', async () => (await debug(d)).ids.mine.includes(v.conversation));
      v.say('Buongiorno! ' + 'Supercalifragilistichespiralidoso'.repeat(8) + ' fine.');
    }
    await click(d, 'My conversations');
    await click(d, `row:${NAME}`);
    await waitFor(`${tag}: the message`, async () => ((await debug(d)).selected?.texts || []).some((t) => t.endsWith('fine.')));
    await settled(d);
    await sleep(300);
    const ws = await widgets(d);
    const get = (label) => ws.find((w) => w.label === label);
    const name = get('header:name'), reassign = get('reassign'), close = get('Close conversation');
    check(name && reassign && close, `${tag}: the header shows the name, reassign and Close conversation`);
    check(!overlap(name, reassign) && !overlap(name, close) && !overlap(reassign, close),
          `${tag}: the name, the reassign dropdown and Close conversation do not overlap`);
    check(reassign.x >= name.x - 1 && reassign.x + reassign.w <= close.x,
          `${tag}: the header's actions start inside the conversation pane (reassign at ${reassign.x}, name at ${name.x})`);
    const outside = ws.filter((w) => w.x < 0 || w.y < 0 || w.x + w.w > width + 0.5 || w.y + w.h > height + 0.5);
    check(outside.length === 0, `${tag}: every control is inside the screen (${outside.map((w) => w.label).join(', ') || 'all'})`);
    const canvas = await d.page.evaluate(() => ({ w: document.getElementById('canvas').width, h: document.getElementById('canvas').height }));
    check(canvas.w === width * dpr && canvas.h === height * dpr, `${tag}: the canvas renders at the ratio (${canvas.w}x${canvas.h})`);
    await shot(d, tag);
    await d.context.close();
  }
  return 0;
}

await run('dashboard layout e2e', main, Number(process.env.LIVECHAT_E2E_TIMEOUT_MS) || 400_000);
