#!/usr/bin/env node
// The servers' JavaScript cost per request, without the network: which of two
// versions of a server does less work, on a machine too noisy for `npm run bench`.
//
//   node bench/pipeline.mjs [--scenario session-write] [--peers micro-signed,raw-node]
//                           [--rounds 20] [--requests 20000]
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
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PEERS, SCENARIOS, SERVERS_DIR } from './lib/peers.mjs';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'session-write' },
    peers: { type: 'string', default: 'micro-signed,raw-node,fastify-secure-session' },
    rounds: { type: 'string', default: '20' },
    requests: { type: 'string', default: '20000' },
  },
});
const scenario = SCENARIOS[values.scenario];
if (!scenario) throw new Error(`Unknown scenario ${values.scenario}; known: ${Object.keys(SCENARIOS).join(', ')}`);
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
    const m = /\r\ncontent-length: *(\d+)/i.exec(this.#received.slice(0, end));
    const total = end + 4 + (m ? Number(m[1]) : 0);
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
  const before = servers.length;
  process.env.PORT = '3000';
  await import(`${pathToFileURL(join(SERVERS_DIR, peer.file ?? `${peer.name}.mjs`)).href}?${peer.name}`);
  for (let i = 0; i < 100 && servers.length === before; i++) await new Promise((r) => setTimeout(r, 20));
  const server = servers[servers.length - 1];
  if (servers.length === before) throw new Error(`${peer.name} never called listen()`);
  const socket = new MemorySocket();
  server.emit('connection', socket);
  return { peer, socket, server };
}

function requestBytes(spec) {
  const headers = { host: '127.0.0.1:3000', ...spec.headers };
  if (spec.body !== undefined) headers['content-length'] = String(Buffer.byteLength(spec.body));
  const head = `${spec.method} ${spec.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.from(head + (spec.body ?? ''));
}

/** What the harness sends for the scenario, with a session cookie made by logging in first. */
async function scenarioRequest({ socket }) {
  const headers = scenario.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' };
  const spec = { method: scenario.method, path: scenario.path, headers, body: scenario.body };
  if (scenario.withSession) {
    const login = await socket.request(requestBytes({ method: 'POST', path: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=bench' }));
    const cookie = /\r\nset-cookie: *([^;\r]+)/i.exec(login)?.[1];
    if (!cookie) throw new Error(`no session cookie in:\n${login}`);
    spec.headers.cookie = cookie;
  }
  return requestBytes(spec);
}

async function time(target, bytes, n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await target.socket.request(bytes);
  return Number(process.hrtime.bigint() - start) / 1000 / n; // µs per request
}

const peers = values.peers.split(',').map((name) => {
  const peer = PEERS.find((p) => p.name === name);
  if (!peer) throw new Error(`Unknown peer ${name}; known: ${PEERS.map((p) => p.name).join(', ')}`);
  return peer;
});
const targets = [];
for (const peer of peers) {
  const target = await load(peer);
  target.bytes = await scenarioRequest(target);
  const sample = await target.socket.request(target.bytes);
  const status = Number(sample.slice(9, 12));
  const body = Buffer.from(sample.slice(sample.indexOf('\r\n\r\n') + 4), 'latin1').toString('utf8');
  if (!scenario.expect(status, body)) throw new Error(`${peer.name}: unexpected response to ${values.scenario}\n${sample}`);
  await time(target, target.bytes, perRound); // warm-up
  target.us = [];
  targets.push(target);
}
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? targets : [...targets].reverse();
  for (const t of order) t.us.push(await time(t, t.bytes, perRound));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = targets[0];
console.log(`${values.scenario}: µs per request in-process (median of ${rounds} rounds × ${perRound}); ratio = median per-round speed vs ${base.peer.name}`);
for (const t of targets) {
  const ratios = t.us.map((us, i) => base.us[i] / us);
  const sorted = [...ratios].sort((a, b) => a - b);
  const q = (p) => sorted[Math.floor(p * (sorted.length - 1))].toFixed(3);
  console.log(`  ${t.peer.name.padEnd(28)} ${median(t.us).toFixed(2).padStart(7)} µs   ×${median(ratios).toFixed(3)}  (quartiles ${q(0.25)}–${q(0.75)})`);
}
process.exit(0);
