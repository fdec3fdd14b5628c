// The Italian dashboard walked end to end (issue 19, item 6), in Debian's headless Chromium against
// the real server: a browser whose language is Italian (navigator.languages = it-IT) gets the
// dashboard in Italian, and every step clicks the Italian label a person reads: sign in
// ("Accedi"), go online, the notification of a new chat ("Nuova chat in attesa", toast and desktop
// notification), take the chat ("Assegna a me"), write ("Invia"), the side panel (a deal value
// typed the Italian way, 2500,50, "Salva"), create a lead ("Crea lead": "Lead creato per ..."),
// close ("Chiudi conversazione", "Chiudila"), the CRM's lead (€2.500,50, names, an Italian date,
// search, the link back to the chat). At 1024x640 and 1920x1080 every control lies inside
// the screen and the conversation header's parts do not overlap with the longer Italian words.
// Then the language picker switches to English, and the choice survives a reload.
// Screenshots: SHOT_DIR/italian-*.png (look at them).
// Usage: node dashboard_italian.test.mjs SERVER_BINARY WEB_DIR SHOT_DIR
import { chromium } from 'playwright-core';
import {
  CHROMIUM, CHROMIUM_ARGS, check, cleanups, click, debug, init, openDashboard, run, settled, shot, signIn, sleep,
  startServer, typeInComposer, visitor, waitFor, widgets,
} from './dashboard_lib.mjs';

const PASSWORD = 'dashboard-italian-pw';
const NAME = 'Giulia Verdi';
init({ script: 'dashboard_italian.test.mjs', password: PASSWORD, visitorName: NAME, shotPrefix: 'italian' });

const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const labels = async (d) => (await widgets(d)).map((w) => w.label);

// Every control inside the screen, and the header's name, reassign and close apart.
async function checkLayout(d, tag, width, height) {
  await settled(d);
  await sleep(300);
  const ws = await widgets(d);
  const outside = ws.filter((w) => w.x < 0 || w.y < 0 || w.x + w.w > width + 0.5 || w.y + w.h > height + 0.5);
  check(outside.length === 0, `${tag}: every control is inside the screen (${outside.map((w) => w.label).join(', ') || 'all'})`);
  const get = (label) => ws.find((w) => w.label === label);
  const name = get('header:name'), reassign = get('reassign'), close = get('Chiudi conversazione');
  if (name && reassign && close)
    check(!overlap(name, reassign) && !overlap(name, close) && !overlap(reassign, close),
          `${tag}: the name, the reassign dropdown and "Chiudi conversazione" do not overlap`);
}

async function main() {
  const { port, base } = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  cleanups.unshift(() => browser.close());

  const d = await openDashboard(browser, base, 'anna', 1, { width: 1920, height: 1080 }, 'it-IT');
  await waitFor('the Italian sign-in screen', async () => (await labels(d)).includes('Accedi'));
  check((await debug(d)).language === 'it', 'an Italian browser gets the Italian dashboard');
  check(await d.page.evaluate(() => document.documentElement.lang) === 'it', '<html lang="it">');
  const loading = await d.page.evaluate(() => document.getElementById('loading').textContent);
  check(loading === 'Caricamento della dashboard Live Chat…', `the page says it is loading in Italian ("${loading}")`);
  await shot(d, 'signin-1920x1080');
  await signIn(d, 'anna@demo.local', 'Accedi');
  const nav = await labels(d);
  for (const l of ['Posta in arrivo', 'Non assegnate', 'Le mie conversazioni', 'Chiuse', 'Notifiche', 'Esci'])
    check(nav.includes(l), `the inbox shows "${l}"`);

  await click(d, 'online switch');
  await waitFor('anna online', async () => (await debug(d)).online);
  const v = visitor(port);
  await waitFor('the visitor waiting', () => v.waiting && v.conversation);
  const s = await waitFor('the notification toast', async () => {
    const x = await debug(d);
    return x.toasts.includes('Nuova chat in attesa') ? x : null;
  });
  check(true, `the toast's title is Italian (${JSON.stringify(s.toasts)})`);
  const notified = await waitFor('the desktop notification', () => d.page.evaluate(() => window.lcNotified.length && window.lcNotified));
  check(notified[0].title === 'Nuova chat in attesa' && notified[0].body.includes(NAME),
        `the desktop notification is Italian and names the visitor (${JSON.stringify(notified[0])})`);

  await click(d, `row:${NAME}`);
  await click(d, 'Assegna a me');
  await waitFor('assigned to anna', async () => (await debug(d)).ids.mine.includes(v.conversation));
  check(true, 'took the chat with "Assegna a me"');
  await click(d, 'composer');
  await typeInComposer(d, 'Buongiorno, come posso aiutarla?', 'Buongiorno, come posso aiutarla?');
  await click(d, 'Invia');
  await waitFor('the visitor reading the answer', () => v.frames.some((f) => f.type === 'event' &&
    f.event.type === 'message_posted' && f.event.text === 'Buongiorno, come posso aiutarla?'));
  check(true, 'wrote to the visitor with "Invia"');

  // The side panel: a deal value typed the Italian way (a decimal comma).
  await click(d, 'deal_value');
  await d.page.keyboard.type('2500,50');
  await click(d, 'currency');
  await d.page.keyboard.type('eur');
  await click(d, 'Salva');
  await waitFor('the deal value saved', async () => {
    const p = (await debug(d)).selected.panel;
    return p.deal_value_cents === 250050 && p.currency === 'EUR';
  });
  check(true, 'the side panel saved 2500,50 EUR as 250050 cents with "Salva"');
  const shown = (await debug(d)).panel_form.deal_value;
  check(shown === '2500,50', `the deal value keeps its decimal comma in Italian ("${shown}")`);
  await click(d, 'deal_value');
  await d.page.keyboard.press('End');
  await d.page.keyboard.type('x');
  const refused = await waitFor('the refused key explained', async () => (await debug(d)).panel_form.refused);
  check(refused === "Il valore dell'affare accetta cifre e una virgola decimale, ad es. 2500,50.",
        `a refused key is explained in Italian (${refused})`);

  await click(d, 'Crea lead');
  await waitFor('the lead toast', async () => (await debug(d)).toasts.includes(`Lead creato per ${NAME}`));
  check(true, `creating a lead says "Lead creato per ${NAME}"`);
  await waitFor('the lead on the conversation', async () => (await debug(d)).selected.notes.includes('lead_created'));
  await checkLayout(d, '1920x1080', 1920, 1080);
  await shot(d, 'conversation-1920x1080');

  // The same screen at 1024x640, where the Italian words are longest for the space.
  await d.page.setViewportSize({ width: 1024, height: 640 });
  await waitFor('the smaller screen drawn', async () => (await widgets(d)).every((w) => w.x + w.w <= 1024.5));
  await checkLayout(d, '1024x640', 1024, 640);
  await shot(d, 'conversation-1024x640');

  await click(d, 'Chiudi conversazione');
  await click(d, 'Chiudila');
  await waitFor('closed', async () => (await debug(d)).ids.closed.includes(v.conversation));
  check(true, 'closed the chat with "Chiudi conversazione", then "Chiudila"');
  await click(d, 'Chiuse');
  await click(d, `row:${NAME}`);
  await settled(d);
  await shot(d, 'closed-1024x640');

  // The CRM as a sales person reads it (item 5): names for ids, the value and dates in Italian,
  // sorting (newest first), a search box over what is loaded, a link back to the chat.
  await click(d, 'CRM');
  const me = (await debug(d)).user.name;
  const leadRow = async () => ((await debug(d)).crm_rows || []).find((r) => r[0] === `Lead: ${NAME}`);
  const lead = await waitFor('the lead in the CRM, its person by name', async () => {
    const r = await leadRow();
    return r && r[1] === NAME ? r : null;
  });
  check(lead[3] === '€2.500,50', `the lead's value reads €2.500,50 (${JSON.stringify(lead)})`);
  check(lead[5] === 'aperto' && lead[6] === me, `its status in Italian and its owner by name (${lead[5]}, ${lead[6]})`);
  check(/^\d{1,2} (gen|feb|mar|apr|mag|giu|lug|ago|set|ott|nov|dic) \d{4}$/.test(lead[7]), `its date in Italian (${lead[7]})`);
  check(!JSON.stringify(lead).includes('lead_') && !JSON.stringify(lead).includes('person_'), 'no raw ids in the row');
  await settled(d);
  await shot(d, 'crm-1024x640');
  await click(d, 'crm_search');
  await d.page.keyboard.type('zzz');
  await waitFor('nothing matches', async () => (await debug(d)).crm_rows.length === 0);
  check(true, 'the search box hides what does not match');
  for (let i = 0; i < 3; ++i) await d.page.keyboard.press('Backspace');
  await d.page.keyboard.type('GIULIA');
  await waitFor('the lead found', async () => !!(await leadRow()));
  check(true, 'the search box finds the lead by the person\'s name, in any case');
  await click(d, `crm_chat:Lead: ${NAME}`);
  await waitFor('the chat opened from the CRM', async () => (await debug(d)).selected?.id === v.conversation);
  check(true, 'the CRM row links to the chat');

  // The language picker: English at once, kept after a reload (localStorage).
  await click(d, 'language');
  await click(d, 'language:en');
  await waitFor('the English dashboard', async () => (await labels(d)).includes('Closed'));
  check((await debug(d)).language === 'en', 'the picker switches to English at once');
  await d.page.reload({ waitUntil: 'load' });
  await waitFor('the dashboard after the reload', async () => (await debug(d))?.connected);
  await waitFor('English after the reload', async () => (await labels(d)).includes('Sign out'));
  check((await debug(d)).language === 'en', 'the choice of English survives a reload of an Italian browser');
  await click(d, 'CRM');
  const english = await waitFor('the lead in the English CRM', leadRow);
  check(english[3] === '€2,500.50' && english[5] === 'open', `in English the value reads €2,500.50 (${JSON.stringify(english)})`);
  return 0;
}

await run('dashboard italian e2e', main, Number(process.env.LIVECHAT_E2E_TIMEOUT_MS) || 400_000);
