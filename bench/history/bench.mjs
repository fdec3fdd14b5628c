// bench/history: a year of chats. The real server on databases holding 0, 100,000 and 1,000,000
// closed conversations (seeded straight into the store by bench_history_seed), each measured
// beside the empty account in the same run:
//   - agent connect: a dashboard's WebSocket opened, hello sent, its inbox (snapshot) received;
//   - visitor handshake p99 on the largest account while 10 dashboards keep connecting, beside
//     the same with no dashboard connecting;
//   - the server's memory (VmRSS) after the dashboards connected;
//   - restart: process start to serving (/healthz answers) on the same file.
// Every server is stopped (and waited for) before the next row starts; each row prints the
// machine's idle CPU measured just before it.
//   node bench.mjs SERVER SEED_TOOL full|smoke      (run from tests/e2e so that `ws` resolves)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const require = createRequire(path.join(process.cwd(), 'package.json'));  // tests/e2e/node_modules
const WebSocket = require('ws');

const [serverBin, seedTool, mode] = process.argv.slice(2);
const smoke = mode === 'smoke';
const sizes = smoke ? [0, 2000] : [0, 100_000, 1_000_000];
const connects = smoke ? 3 : 15;
const handshakes = smoke ? 20 : 300;
const password = 'bench password 1';
const log = (...a) => console.error('bench/history:', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function idleCpu() {  // percent idle over one second, all cores
  const read = () => fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const a = read();
  spawnSync('sleep', ['1']);
  const b = read();
  const d = b.map((v, i) => v - a[i]);
  const total = d.reduce((x, y) => x + y, 0);
  return total > 0 ? Math.round((100 * (d[3] + (d[4] || 0))) / total) : 0;
}

// demo: add the demo users and playbook (the first start; its password hashing would be timed
// too). The measured restarts run without it: the users are in the file already.
async function start(db, demo) {
  const dir = path.dirname(db);
  const portFile = path.join(dir, 'port');
  fs.rmSync(portFile, { force: true });
  const t0 = performance.now();
  const proc = spawn(serverBin, ['--db', db, '--listen', '127.0.0.1:0', '--port-file', portFile, ...(demo ? ['--demo'] : []),
    '--log-level', 'warn', '--max-connections-per-ip', '0', '--max-frames-per-second', '1000',
    '--static', dir], { env: { ...process.env, LIVECHAT_DEMO_PASSWORD: password }, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((r) => proc.on('exit', r));
  for (;;) {
    if (proc.exitCode !== null) throw new Error('the server exited at start');
    const port = fs.existsSync(portFile) ? Number(fs.readFileSync(portFile, 'utf8')) : 0;
    if (port > 0) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (r.ok) {
          const ms = performance.now() - t0;
          const base = `http://127.0.0.1:${port}`;
          let token = '';
          for (let i = 0; i < 200 && !token; ++i) {  // the demo passwords are set just after listening
            const l = await fetch(`${base}/api/login`, { method: 'POST', body: JSON.stringify({ email: 'anna@demo.local', password }) });
            if (l.ok) token = (await l.json()).token;
            else await sleep(25);
          }
          if (!token) throw new Error('cannot sign in');
          return { proc, exited, base, token, startMs: ms };
        }
      } catch (e) { if (e.message === 'cannot sign in') throw e; }
    }
    await sleep(5);
  }
}

async function stop(s) {
  s.proc.kill('SIGTERM');
  await s.exited;
}

function rss(s) {
  const line = fs.readFileSync(`/proc/${s.proc.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) * 1024;
}

// hello -> the inbox (the snapshot, and the conversation frames of a split one: none here).
function agentConnect(s) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const ws = new WebSocket(`${s.base.replace('http', 'ws')}/ws/agent`, { headers: { Origin: s.base } });
    ws.on('open', () => ws.send(JSON.stringify({ v: 1, type: 'hello', token: s.token, lang: 'en' })));
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      if (f.type === 'snapshot') {
        const ms = performance.now() - t0;
        ws.close();
        resolve({ ms, bytes: data.length });
      } else if (f.type === 'error') reject(new Error(JSON.stringify(f)));
    });
    ws.on('error', reject);
  });
}

function visitorHandshake(s) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const ws = new WebSocket(`${s.base.replace('http', 'ws')}/ws/visitor?playbook=pb_demo`, { headers: { Origin: s.base } });
    ws.on('open', () => {
      const ms = performance.now() - t0;
      ws.close();
      resolve(ms);
    });
    ws.on('error', reject);
  });
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const p99 = (a) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * 0.99))];
const fmt = (ms) => `${ms.toFixed(1)} ms`;
const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;
const row = (name, ours, theirs, ratio, target, met) =>
  console.log(`| ${name} | ${ours} | ${theirs} | ${ratio.toFixed(2)} | ${target} | ${met} |`);
const label = (n) => n.toLocaleString('en-US');

// In a worker thread (its own event loop, so the measuring thread's timings are not its queue):
// ten dashboards connecting over and over, each pausing 100 ms between connects, until told to stop.
if (!isMainThread) {
  let stopAgents = false;
  parentPort.on('message', () => { stopAgents = true; });
  await Promise.all(Array.from({ length: 10 }, async () => {
    while (!stopAgents) {
      await agentConnect(workerData);
      await sleep(100);
    }
  }));
  parentPort.postMessage('stopped');
  process.exit(0);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-history-'));
const results = {};
const servers = [];
try {
  // Seed every account, then start each (the first start migrates and adds the demo users; the
  // second, measured, is the restart). All stay up, idle, and are measured in turns, so that the
  // machine's drift (other work on a shared machine) falls on every account alike.
  for (const n of sizes) {
    const dir = path.join(tmp, `n${n}`);
    fs.mkdirSync(dir);
    const db = path.join(dir, 'livechat.db');
    if (n > 0) {
      const t = performance.now();
      const r = spawnSync(seedTool, [db, String(n)], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error('seeding failed');
      log(`seeded ${label(n)} closed conversations in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    await stop(await start(db, true));
    const idle = idleCpu();
    const s = await start(db, false);
    servers.push(s);
    results[n] = { n, idle, restartMs: s.startMs, connect: [], bytes: 0, server: s };
  }
  const idle = idleCpu();
  for (let i = 0; i < connects; ++i) {
    for (const n of sizes) {
      const c = await agentConnect(results[n].server);
      results[n].connect.push(c.ms);
      results[n].bytes = c.bytes;
    }
  }
  for (const n of sizes) results[n].rss = rss(results[n].server);
  // Handshakes on the largest account, in alternating blocks: no dashboard connecting, then ten
  // dashboards connecting over and over (each every 100 ms, from a worker thread).
  const big = results[sizes[sizes.length - 1]];
  big.quiet = [];
  big.busy = [];
  const block = smoke ? 10 : 30;
  for (let done = 0; done < handshakes; done += block) {
    for (let i = 0; i < block; ++i) big.quiet.push(await visitorHandshake(big.server));
    const agents = new Worker(new URL(import.meta.url), {
      argv: process.argv.slice(2), workerData: { base: big.server.base, token: big.server.token } });
    await sleep(200);
    for (let i = 0; i < block; ++i) big.busy.push(await visitorHandshake(big.server));
    const stopped = new Promise((r) => agents.once('message', r));
    agents.postMessage('stop');
    await stopped;
  }
  // The server's own view: the longest stretch its loop was busy without serving sockets
  // (livechat_loop_lag_seconds, over the last 10-20 s), i.e. whether anything stalled it.
  const metrics = await (await fetch(`${big.server.base}/metrics`)).text();
  const lagLine = metrics.split('\n').find((l) => l.startsWith('livechat_loop_lag_seconds '));
  const loopLagMs = lagLine ? Number(lagLine.split(' ')[1]) * 1000 : NaN;
  for (const n of sizes) {
    const r = results[n];
    log(`${label(n)}: restart ${fmt(r.restartMs)}, connect median ${fmt(median(r.connect))} (snapshot ${r.bytes} bytes), RSS ${mb(r.rss)}`);
  }
  const empty = results[0];
  for (const n of sizes.slice(1)) {
    const r = results[n];
    const ratio = median(r.connect) / median(empty.connect);
    row(`agent connect (hello → inbox), ${label(n)} closed conversations`, fmt(median(r.connect)),
      `${fmt(median(empty.connect))} (empty account)`, ratio, '<= 1.5x', ratio <= 1.5 ? 'yes' : 'no');
    console.log(`> history: agent connect with ${label(n)} closed: median of ${connects}, in turns with the empty account; snapshot ${r.bytes} bytes; idle CPU before the connects ${idle}%`);
  }
  const hs = p99(big.busy) / p99(big.quiet);
  row(`visitor handshake p99 while 10 agents connect, ${label(big.n)} closed conversations`, fmt(p99(big.busy)),
    `${fmt(p99(big.quiet))} (no agent connecting)`, hs, '<= 2x', hs <= 2 ? 'yes' : 'no');
  console.log(`> history: handshakes while agents connect: the server's longest busy stretch (livechat_loop_lag_seconds, last 10-20 s) was ${loopLagMs.toFixed(1)} ms; medians ${fmt(median(big.busy))} with agents, ${fmt(median(big.quiet))} without`);
  const mem = big.rss / empty.rss;
  row(`server memory (VmRSS), ${label(big.n)} closed conversations`, mb(big.rss), `${mb(empty.rss)} (empty account)`,
    mem, '<= 1.25x (nothing per closed conversation)', mem <= 1.25 ? 'yes' : 'no');
  const rs = big.restartMs / empty.restartMs;
  row(`restart (start → serving), ${label(big.n)} closed conversations`, fmt(big.restartMs),
    `${fmt(empty.restartMs)} (empty database)`, rs, '<= 2 s', big.restartMs <= 2000 ? 'yes' : 'no');
  console.log(`> history: ${handshakes} visitor handshakes each way, in alternating blocks of ${block}; memory after the connects; restart measured on the account's second start (the first migrates and adds the demo users); idle CPU before the ${label(big.n)} restart ${big.idle}%, before the empty one ${empty.idle}%`);
} finally {
  for (const s of servers) if (s.proc.exitCode === null) await stop(s);
  fs.rmSync(tmp, { recursive: true, force: true });
}
