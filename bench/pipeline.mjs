#!/usr/bin/env node
// The servers' JavaScript cost per request, without the network: which of two
// versions of a server does less work, on a machine too noisy for `npm run bench`.
//
//   node bench/pipeline.mjs [--scenario session-write] [--peers micro-signed,raw-node]
//                           [--rounds 20] [--requests 20000] [--node 24|22|20|system]
//
// --node (env BENCH_NODE, default 24) is the Node.js the servers are timed on; as they
// run in this process, the script runs itself again on that node when it is not on it.
//
// A peer may also be `label=path/to/server.mjs`, any server file written to the
// bench's server convention: e.g. a copy of micro-signed.mjs that imports an
// older build, to compare two versions of micro in one run.
//
// Loads every peer's server file into this one process with `listen` stubbed
// out, then feeds each server the scenario's request over an in-memory
// keep-alive connection (a Duplex handed to the server as a 'connection'), one
// request at a time, and times the whole round trip through node:http, the
// framework and the response write. Peers take turns round by round, so a
// machine that slows down for a few seconds slows every peer alike; the ratios
// printed are medians of per-round ratios. Not a throughput figure: the kernel's
// share (socket reads and writes, about half of a real request) is left out, and
// it is the same for every peer.
import { Server } from 'node:http';
import { Duplex } from 'node:stream';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { continueOnNode } from './lib/node-runtime.mjs';
import { FORM, applySetCookies, cookieHeader } from './lib/client.mjs';
import { DEFAULTS, parseNodeChoice } from './lib/options.mjs';
import { peerNamed, scenarioNamed, serverFile } from './lib/peers.mjs';
import { median } from './lib/report.mjs';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'session-write' },
    peers: { type: 'string', default: 'micro-signed,raw-node,fastify-secure-session' },
    rounds: { type: 'string', default: '20' },
    requests: { type: 'string', default: '20000' },
    node: { type: 'string', default: process.env.BENCH_NODE || DEFAULTS.node },
  },
});

// The code is timed in this process, so this process must be on the chosen node.
await continueOnNode(parseNodeChoice(values.node), import.meta.url);
const scenario = scenarioNamed(values.scenario);
const rounds = Number(values.rounds);
const perRound = Number(values.requests);

/** A keep-alive client connection held in memory: write a request, get a promise of the response bytes. */
class MemorySocket extends Duplex {
  remoteAddress = '127.0.0.1';
  remotePort = 40000;
  localAddress = '127.0.0.1';
  localPort = 3000;
  encrypted = false;
  #pending = null;
  #received = '';
  _read() {}
  _write(chunk, _encoding, callback) {
    this.#received += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    this.#check();
    callback();
  }
  _writev(chunks, callback) {
    for (const { chunk } of chunks) this.#received += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    this.#check();
    callback();
  }
  setTimeout() { return this; }
  setNoDelay() { return this; }
  setKeepAlive() { return this; }
  ref() { return this; }
  unref() { return this; }
  /** Send one request; resolves with the raw response once its body is complete. */
  request(bytes) {
    return new Promise((resolve) => {
      this.#pending = resolve;
      this.push(bytes);
    });
  }
  #check() {
    const end = this.#received.indexOf('\r\n\r\n');
    if (end === -1 || this.#pending === null) return;
    const head = this.#received.slice(0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    let total;
    if (length) total = end + 4 + Number(length[1]);
    else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const last = this.#received.indexOf('\r\n0\r\n\r\n', end);
      if (last === -1) return;
      total = last + 7;
    } else total = end + 4;
    if (this.#received.length < total) return;
    const response = this.#received.slice(0, total);
    this.#received = this.#received.slice(total);
    const resolve = this.#pending;
    this.#pending = null;
    resolve(response);
  }
}

// Servers call listen(); here it only records the server and says it is ready.
const servers = [];
Server.prototype.listen = function (...args) {
  servers.push(this);
  const callback = args.find((a) => typeof a === 'function');
  queueMicrotask(() => {
    this.emit('listening');
    callback?.();
  });
  return this;
};
Server.prototype.address = () => ({ address: '127.0.0.1', family: 'IPv4', port: 3000 });

async function load(peer) {
  const file = peer.path ?? serverFile(peer);
  if (!file) throw new Error(`${peer.name}: no server file in bench/servers/`);
  const before = servers.length;
  process.env.PORT = '3000';
  await import(`${pathToFileURL(file).href}?${peer.name}`);
  for (let i = 0; i < 100 && servers.length === before; i++) await new Promise((r) => setTimeout(r, 20));
  if (servers.length === before) throw new Error(`${peer.name} never called listen()`);
  const socket = new MemorySocket();
  servers.at(-1).emit('connection', socket);
  return { peer, socket };
}

function requestBytes(spec) {
  const headers = { host: '127.0.0.1:3000', ...spec.headers };
  if (spec.body !== undefined) headers['content-length'] = String(Buffer.byteLength(spec.body));
  const head = `${spec.method} ${spec.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.from(head + (spec.body ?? ''));
}

/** Status, Set-Cookie lines and body (de-chunked, UTF-8) of one raw response. */
function parseResponse(raw) {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, end);
  let body = raw.slice(end + 4);
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
    let out = '';
    for (let at = 0; ; ) {
      const eol = body.indexOf('\r\n', at);
      const size = parseInt(body.slice(at, eol), 16);
      if (!size) break;
      out += body.slice(eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
    body = out;
  }
  const setCookies = [...head.matchAll(/\r\nset-cookie: *([^\r]*)/gi)].map((m) => m[1]);
  return { status: Number(raw.slice(9, 12)), setCookies, body: Buffer.from(body, 'latin1').toString('utf8') };
}

/** What the harness sends for the scenario (harness.mjs `requestFor`), logging in first for a session. */
async function scenarioRequest({ socket }) {
  const headers = scenario.body === undefined ? {} : { ...FORM };
  if (scenario.withSession) {
    const login = parseResponse(await socket.request(requestBytes({ method: 'POST', path: '/login', headers: FORM, body: 'username=bench' })));
    const jar = applySetCookies(new Map(), login.setCookies);
    if (jar.size === 0) throw new Error(`POST /login set no cookie (status ${login.status})`);
    headers.cookie = cookieHeader(jar);
  }
  return requestBytes({ method: scenario.method, path: scenario.path, headers, body: scenario.body });
}

async function time(target, bytes, n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await target.socket.request(bytes);
  return Number(process.hrtime.bigint() - start) / 1000 / n; // µs per request
}

/** A known peer, or `label=file` for a server file anywhere (its label only names it in the output). */
function peerFromArgument(argument) {
  const eq = argument.indexOf('=');
  if (eq === -1) return peerNamed(argument);
  return { name: argument.slice(0, eq), path: resolve(argument.slice(eq + 1)) };
}

const peers = values.peers.split(',').map(peerFromArgument);
const targets = [];
for (const peer of peers) {
  const target = await load(peer);
  target.bytes = await scenarioRequest(target);
  const sample = await target.socket.request(target.bytes);
  const { status, body } = parseResponse(sample);
  if (!scenario.expect(status, body)) throw new Error(`${peer.name}: unexpected response to ${values.scenario}\n${sample}`);
  await time(target, target.bytes, perRound); // warm-up
  target.us = [];
  targets.push(target);
}
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? targets : [...targets].reverse();
  for (const t of order) t.us.push(await time(t, t.bytes, perRound));
}

const base = targets[0];
console.log(`${values.scenario}: µs per request in-process (median of ${rounds} rounds × ${perRound}); ratio = median per-round speed vs ${base.peer.name}; Node ${process.version}`);
for (const t of targets) {
  const ratios = t.us.map((us, i) => base.us[i] / us);
  const sorted = [...ratios].sort((a, b) => a - b);
  const q = (p) => sorted[Math.floor(p * (sorted.length - 1))].toFixed(3);
  console.log(`  ${t.peer.name.padEnd(28)} ${median(t.us).toFixed(2).padStart(7)} µs   ×${median(ratios).toFixed(3)}  (quartiles ${q(0.25)}–${q(0.75)})`);
}
process.exit(0);
