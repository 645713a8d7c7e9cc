// An external load generator for Tollgate's benchmark: plain Node HTTP with keep-alive, no Tollgate code.
// Each client opens one MCP session (initialize + notifications/initialized), then sends tools/call with a
// unique text per call and checks the echo. Two modes:
//   --mode rate --rate R     fixed arrival rate; latency counts from each call's intended send time
//   --mode closed            every client sends its next call as soon as the last one is answered
// Prints one JSON line: calls, errors, achieved calls/s, latency percentiles in ms.
// --protocol sets the MCP revision the clients speak (default 2025-11-25, what Tollgate itself speaks to a 2025-era
// upstream, so a direct run and a run through Tollgate ask the upstream for the same work).
//
// node bench/load.mjs --url http://127.0.0.1:PORT/mcp --tool echo [--key KEY] [--mode rate --rate 200]
//                     [--clients 16] [--seconds 10] [--label direct] [--protocol 2025-11-25]
import http from 'node:http';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const url = new URL(args.url);
const tool = args.tool;
const key = args.key;
const mode = args.mode ?? 'closed';
const rate = Number(args.rate ?? 200);
const clients = Number(args.clients ?? 16);
const seconds = Number(args.seconds ?? 10);
const label = args.label ?? url.toString();
const protocol = args.protocol ?? '2025-11-25';

const agent = new http.Agent({ keepAlive: true, maxSockets: clients * 2 });

function post(body, session) {
  const payload = JSON.stringify(body);
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'content-length': Buffer.byteLength(payload),
    'mcp-protocol-version': protocol,
  };
  if (key) headers.authorization = `Bearer ${key}`;
  if (session) headers['mcp-session-id'] = session;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The JSON-RPC answer with this id, from a JSON body or an SSE stream. */
function answer(res, id) {
  const type = res.headers['content-type'] ?? '';
  if (type.includes('text/event-stream')) {
    for (const line of res.text.split('\n')) {
      if (line.startsWith('data:') && line.slice(5).trim() !== '') {
        const message = JSON.parse(line.slice(5));
        if (message.id === id) return message;
      }
    }
    throw new Error(`no answer to ${id} in the stream`);
  }
  return JSON.parse(res.text);
}

async function openSession(n) {
  const init = await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {
    protocolVersion: protocol, capabilities: {}, clientInfo: { name: `bench-${n}`, version: '1' } } });
  if (init.status !== 200) throw new Error(`initialize: HTTP ${init.status} ${init.text}`);
  const session = init.headers['mcp-session-id'];
  const ack = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session);
  if (ack.status >= 300) throw new Error(`initialized: HTTP ${ack.status}`);
  return session;
}

let sequence = 0;
async function call(session) {
  const id = ++sequence;
  const text = `bench-${process.pid}-${id}`;
  const res = await post({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: tool, arguments: { message: text } } },
    session);
  if (res.status !== 200) return false;
  const message = answer(res, id);
  const result = message.result;
  return !!result && !result.isError && JSON.stringify(result.content ?? []).includes(text);
}

const sessions = [];
for (let i = 0; i < clients; i++) sessions.push(await openSession(i));

const latencies = [];
let errors = 0;
const start = performance.now();
const end = start + seconds * 1000;
let next = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function worker(session) {
  while (true) {
    let intended;
    if (mode === 'rate') {
      intended = start + (next++) * (1000 / rate);
      if (intended >= end) return;
      const wait = intended - performance.now();
      if (wait > 0) await sleep(wait);
    } else {
      intended = performance.now();
      if (intended >= end) return;
    }
    try {
      if (!(await call(session))) errors++;
    } catch (e) {
      errors++;
    }
    latencies.push(performance.now() - intended);
  }
}

await Promise.all(sessions.map((s) => worker(s)));
const elapsed = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.floor(p / 100 * latencies.length))];
const round = (v) => Math.round(v * 1000) / 1000;
console.log(JSON.stringify({ label, protocol, mode, rate: mode === 'rate' ? rate : undefined, clients, seconds,
  calls: latencies.length, errors, perSecond: round(latencies.length / elapsed),
  p50: round(pct(50)), p90: round(pct(90)), p99: round(pct(99)), max: round(latencies[latencies.length - 1] ?? 0) }));
agent.destroy();
