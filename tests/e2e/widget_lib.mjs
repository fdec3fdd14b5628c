// Shared by the widget's browser tests (widget.test.mjs: the demo page on the server's own
// origin; embed.test.mjs: customers' pages on other origins): waiting, the real server binary,
// and an agent scripted over /ws/agent (the `ws` package) speaking the agent protocol.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';

export const STEP_MS = 15_000;
export const CHROMIUM = process.env.LIVECHAT_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
export const PASSWORD = 'widget-e2e-password';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export async function until(what, fn, ms = STEP_MS) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// The server binary on 127.0.0.1:`port` (0: a free one) with `tmp`/livechat.db and the web
// folder `tmp`/web (made on the first start: WEB_DIR plus the widget build under test in
// web/widget). A second start after a kill is a restart on the same port and database.
// Returns {proc, origin}.
// `args`: more flags for the server (e.g. --test-clock-ms).
export async function startServer({ serverBin, webDir, widgetDir, tmp, port = 0, args = [] }) {
  const web = path.join(tmp, 'web');
  if (!fs.existsSync(web)) {
    fs.cpSync(webDir, web, { recursive: true });
    fs.rmSync(path.join(web, 'widget'), { recursive: true, force: true });
    fs.cpSync(widgetDir, path.join(web, 'widget'), { recursive: true });  // the build under test
  }
  const portFile = path.join(tmp, 'port');
  fs.rmSync(portFile, { force: true });
  const proc = spawn(serverBin, ['--listen', `127.0.0.1:${port}`, '--port-file', portFile, '--db',
    path.join(tmp, 'livechat.db'), '--static', web, '--demo', '--log-level', 'warn', ...args], {
    env: { ...process.env, LIVECHAT_DEMO_PASSWORD: PASSWORD }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  const bound = await until('the port file', () => {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    const t = fs.existsSync(portFile) ? fs.readFileSync(portFile, 'utf8').trim() : '';
    return /^\d+$/.test(t) ? Number(t) : 0;
  });
  return { proc, origin: `http://127.0.0.1:${bound}` };
}

// A scripted agent: signs in, goes online when told, takes every chat that lands in Unassigned
// when autoAssign is set.
export class Agent {
  constructor(origin) { this.origin = origin; this.frames = []; this.n = 0; }
  // An agent signed in, online, taking every new chat.
  static async online(origin, email) {
    const a = new Agent(origin);
    await a.connect(email);
    a.autoAssign = true;
    await a.ack(a.command('set_online', { online: true }));
    return a;
  }
  async connect(email) {
    const r = await fetch(`${this.origin}/api/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', origin: this.origin },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (!r.ok) throw new Error(`login ${r.status}`);
    const { token } = await r.json();
    this.token = token;
    this.ws = new WebSocket(`${this.origin.replace('http', 'ws')}/ws/agent`, { origin: this.origin });
    this.ws.on('message', (d) => this.onFrame(JSON.parse(String(d))));
    await new Promise((ok, ko) => { this.ws.once('open', ok); this.ws.once('error', ko); });
    this.ws.send(JSON.stringify({ v: 1, type: 'hello', token, playbook: '', lang: 'en' }));
    this.user = (await this.wait('agent_welcome', (f) => f.type === 'agent_welcome')).user;
  }
  onFrame(f) {
    this.frames.push(f);
    // Take every chat that lands in Unassigned (the "conversation" frame that makes it visible).
    if (this.autoAssign && f.type === 'conversation' && f.conversation.phase === 'unassigned') {
      this.conversation = f.conversation.id;
      this.command('assign_to_me', { conversation: f.conversation.id });
    }
  }
  command(type, fields) {
    const id = `a-${++this.n}`;
    this.ws.send(JSON.stringify({ v: 1, type, id, ...fields }));
    return id;
  }
  async ack(id) {
    const f = await this.wait(`ack ${id}`, (x) => (x.type === 'ack' || x.type === 'error') && x.id === id);
    if (f.type === 'error') throw new Error(`${id}: ${f.code} ${f.message}`);
    return f;
  }
  wait(what, pred) { return until(`agent: ${what}`, () => this.frames.find(pred)); }
  say(text) { return this.ack(this.command('send_message', { conversation: this.conversation, text, client_id: `c-${this.n}-${Date.now()}` })); }
  typing(on) { this.ws.send(JSON.stringify({ v: 1, type: 'typing', conversation: this.conversation, typing: on })); }
  close() { this.ws?.close(); }
  // A REST call with this agent's token.
  async rest(method, p, body) {
    const r = await fetch(`${this.origin}${p}`, {
      method, headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }
  // What each side saw, to tell a widget bug from a server one.
  summary() {
    return this.frames.map((f) => f.type + (f.event ? `:${f.event.type}` : '') +
      (f.conversation?.phase ? `:${f.conversation.phase}` : '') + (f.code ? `:${f.code}:${f.message}` : '')).join(' ');
  }
}

// Answers the widget's prompts in order: for each [placeholder, text], waits until the text box
// asks for it ('Your email'), types the text and presses Enter.
export async function answerPrompts(input, answers, during = '') {
  for (const [placeholder, text] of answers) {
    await until(`the "${placeholder}" prompt${during}`, async () => (await input.getAttribute('placeholder')) === placeholder);
    await input.fill(text);
    await input.press('Enter');
  }
}

// The command-line arguments named in `usage` ("node x.test.mjs SERVER_BIN WEB_DIR"), in order;
// prints the usage and exits 1 when one is missing.
export function programArgs(usage) {
  const names = usage.split(' ').slice(2), args = process.argv.slice(2, 2 + names.length);
  if (args.length < names.length || args.some((a) => !a)) {
    console.error(`usage: ${usage}`);
    process.exit(1);
  }
  return args;
}

// One test program: check(ok, what) prints a line and remembers failures; run(main, cleanup,
// context) gives main the overall timeout, reports an exception as a failure (printing context(),
// what each side saw), cleans up, prints "<name>: passed|FAILED" and exits 0 or 1.
export function testProgram(name, timeoutMs) {
  let failed = false;
  const check = (ok, what) => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failed = true;
    return ok;
  };
  async function run(main, cleanup, context = () => '') {
    const overall = setTimeout(async () => {
      console.error(`FAIL overall timeout (${timeoutMs} ms)`);
      await cleanup();
      process.exit(1);
    }, timeoutMs);
    try {
      await main();
    } catch (e) {
      check(false, `error: ${e && e.stack || e}`);
      const seen = context();
      if (seen) console.log(seen);
    }
    clearTimeout(overall);
    await cleanup();
    console.log(failed ? `${name}: FAILED` : `${name}: passed`);
    process.exit(failed ? 1 : 0);
  }
  return { check, run };
}
