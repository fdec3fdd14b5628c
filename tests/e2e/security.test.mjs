// The dashboard's security headers in a real browser (issue 19, item 8), against the real server:
//  - /agent/ runs under its strict Content-Security-Policy: signing in and opening a chat raise no
//    CSP violation (every securitypolicyviolation event in the page is recorded);
//  - a page of another origin (127.0.0.2) that frames the dashboard gets nothing: the browser
//    refuses to show it (frame-ancestors 'none', X-Frame-Options DENY), so the dashboard never
//    runs there (no window.lcDebug, no canvas in the frame).
// Usage: node security.test.mjs SERVER_BINARY WEB_DIR SHOT_DIR
import http from 'node:http';
import { chromium } from 'playwright-core';
import {
  CHROMIUM, CHROMIUM_ARGS, check, cleanups, debug, init, openDashboard, run, shot, signIn, sleep, startServer, waitFor,
} from './dashboard_lib.mjs';

const PASSWORD = 'security-e2e-pw';
const { shotDir } = init({ script: 'security.test.mjs', password: PASSWORD, visitorName: 'Giulia Verdi', shotPrefix: 'security' });

function recordViolations() {
  window.lcViolations = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.lcViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
}

async function main() {
  const { base } = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  cleanups.unshift(() => browser.close());

  // 1. The dashboard under its CSP.
  const context = await browser.newContext({ viewport: { width: 1024, height: 640 } });
  await context.addInitScript(recordViolations);
  const page = await context.newPage();
  const refused = [];  // every request of the dashboard is answered (the favicon's 404 was one)
  page.on('response', (r) => { if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`); });
  const answer = await page.goto(`${base}/agent/`, { waitUntil: 'load' });
  const csp = answer.headers()['content-security-policy'] || '';
  check(csp.includes("frame-ancestors 'none'") && csp.includes("script-src 'self' 'wasm-unsafe-eval'") &&
        answer.headers()['x-frame-options'] === 'DENY', `/agent/ is served with a strict CSP (${csp})`);
  await waitFor('the first frame', () => page.evaluate(() => !!window.lcWidgetsJson), 60_000);
  const anna = { page, context, name: 'anna' };
  await signIn(anna, 'anna@demo.local');
  await waitFor('a snapshot', async () => (await debug(anna)).connected);
  await sleep(300);
  const violations = await page.evaluate(() => window.lcViolations);
  check(violations.length === 0, `the dashboard runs with no CSP violation (${JSON.stringify(violations)})`);
  check(refused.length === 0, `every request of the dashboard succeeds (${JSON.stringify(refused)})`);
  await shot(anna, '01-dashboard-under-csp');

  // 2. Another origin frames the dashboard: the browser shows nothing of it.
  const framer = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>evil</title><p>Click the button!</p>
             <iframe id="f" src="${base}/agent/" width="800" height="500"></iframe>`);
  });
  await new Promise((r) => framer.listen(0, '127.0.0.2', r));
  cleanups.push(() => framer.close());
  const evil = await (await browser.newContext()).newPage();
  cleanups.unshift(() => evil.context().close());
  await evil.goto(`http://127.0.0.2:${framer.address().port}/`, { waitUntil: 'load' });
  await sleep(2000);  // time for a dashboard that was (wrongly) allowed to start
  const frame = evil.frames().find((f) => f !== evil.mainFrame());
  check(!!frame, 'the framing page has its iframe');
  const inside = await frame.evaluate(() => ({ debug: typeof window.lcDebug, canvas: !!document.getElementById('canvas') }))
    .catch((e) => ({ error: e.message }));
  check(inside.error || (inside.debug === 'undefined' && !inside.canvas),
        `the dashboard refuses to run inside another origin's frame (${JSON.stringify(inside)}, frame URL ${frame.url()})`);
  await evil.screenshot({ path: `${shotDir}/security-02-framed.png` });
  return 0;
}

await run('security e2e', main, Number(process.env.LIVECHAT_E2E_TIMEOUT_MS) || 200_000);
