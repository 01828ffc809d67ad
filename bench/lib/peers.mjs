// The registry of servers and scenarios. Adding a server = one file in bench/servers/
// plus one entry below (see the convention at the top of bench/run.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STATIC_FILES } from '../servers/lib/static-files.mjs';

export const SERVERS_DIR = fileURLToPath(new URL('../servers/', import.meta.url));

/**
 * @typedef {object} Scenario
 * @property {string} name
 * @property {'GET'|'POST'} method
 * @property {string} path
 * @property {boolean} [withSession] log in once before the load and send that cookie
 * @property {string} [body] urlencoded request body
 * @property {string} baseline the peer every row of this scenario is divided by
 * @property {(status: number, body: string) => boolean} expect checked once before the load
 */

/** @type {Record<string, Scenario>} */
export const SCENARIOS = {
  hello: {
    name: 'hello',
    method: 'GET',
    path: '/hello',
    baseline: 'fastify',
    expect: (status, body) => status === 200 && body === 'Hello, World!',
  },
  'session-read': {
    name: 'session-read',
    method: 'GET',
    path: '/',
    withSession: true,
    baseline: 'fastify-secure-session',
    expect: (status, body) => status === 200 && body === 'Logged in as bench',
  },
  'session-write': {
    name: 'session-write',
    method: 'POST',
    path: '/login',
    body: 'username=bench',
    baseline: 'fastify-secure-session',
    expect: (status) => status === 302,
  },
  // Routing servers register 9 / 999 filler routes first and this one last, the worst
  // case for a router that tries routes in order. Only micro has routing servers.
  routing: {
    name: 'routing',
    method: 'GET',
    path: '/routing/target/42',
    baseline: 'micro-routing-10',
    expect: (status, body) => status === 200 && body === '42',
  },
  // A file from a static folder (bench/servers/lib/static-files.mjs), whole, no conditional
  // headers: what a browser's first visit costs. 1 KiB measures the per-request work
  // (open, stat, headers), 1 MiB the streaming.
  'static-1k': {
    name: 'static-1k',
    method: 'GET',
    path: '/static/1k.txt',
    baseline: 'fastify-static',
    expect: (status, body) => status === 200 && body.length === STATIC_FILES['1k.txt'],
  },
  'static-1m': {
    name: 'static-1m',
    method: 'GET',
    path: '/static/1m.txt',
    baseline: 'fastify-static',
    expect: (status, body) => status === 200 && body.length === STATIC_FILES['1m.txt'],
  },
};

export const SESSION_SCENARIOS = ['session-read', 'session-write'];
export const STATIC_SCENARIOS = ['static-1k', 'static-1m'];

/**
 * @typedef {object} Peer
 * @property {string} name unique, also the default file name: bench/servers/<name>.mjs
 * @property {string} label shown in the chart
 * @property {string} [helloLabel] the chart label in `hello`, where no session package is involved
 * @property {string[]} scenarios which scenarios this server takes part in
 * @property {string} [file] another file name in bench/servers/ (several peers may share one)
 * @property {Record<string,string>} [env] extra environment for the child
 * @property {boolean} [cookieSession] the session lives in a cookie (for the "fastest cookie peer" target)
 * @property {boolean} [staticPeer] another framework's static file serving (for the "fastest static peer" target)
 * @property {boolean} [needsRedis]
 * @property {boolean} [optional] skipped without complaint while its file does not exist
 */

const SESSION = ['session-read', 'session-write'];

/** @type {Peer[]} */
export const PEERS = [
  // The old ceiling: a hand-rolled cookie that does less than Flask's. A reference, no target.
  { name: 'raw-node', label: 'node:http + HMAC cookie', helloLabel: 'node:http', scenarios: ['hello', ...SESSION] },
  // The limit for a Flask-compatible session: node:http writing exactly Flask's cookie.
  { name: 'raw-node-flask', label: 'node:http + Flask cookie (node:crypto)', helloLabel: 'node:http (Flask peer)', scenarios: ['hello', ...SESSION] },
  { name: 'fastify', label: 'Fastify', scenarios: ['hello'] },
  { name: 'fastify-secure-session', label: 'Fastify + secure-session', scenarios: SESSION, cookieSession: true },
  { name: 'fastify-session', label: 'Fastify + @fastify/session (memory)', scenarios: SESSION },
  // /hello is routed before the session middleware, so this is plain Express for `hello`.
  { name: 'express-cookie-session', label: 'Express + cookie-session', helloLabel: 'Express', scenarios: ['hello', ...SESSION], cookieSession: true },
  { name: 'express-session', label: 'Express + express-session (memory)', scenarios: SESSION },
  {
    name: 'express-session-redis',
    label: 'Express + express-session + connect-redis',
    file: 'express-session.mjs',
    env: { BENCH_STORE: 'redis' },
    scenarios: SESSION,
    needsRedis: true,
  },
  { name: 'koa-session', label: 'Koa + koa-session', helloLabel: 'Koa', scenarios: ['hello', ...SESSION], cookieSession: true },
  { name: 'hono-signed', label: 'Hono + signed cookie', helloLabel: 'Hono', scenarios: ['hello', ...SESSION], cookieSession: true },
  // micro's servers: the lead drops these files in; until then they are skipped.
  { name: 'micro-signed', label: 'micro (signed cookie)', helloLabel: 'micro', scenarios: ['hello', ...SESSION], optional: true },
  { name: 'micro-encrypted', label: 'micro (encrypted cookie)', scenarios: SESSION, optional: true },
  { name: 'micro-encrypted-xc20p', label: 'micro (encrypted cookie, XC20P)', scenarios: SESSION, optional: true },
  { name: 'micro-redis', label: 'micro (Redis store)', scenarios: SESSION, needsRedis: true, optional: true },
  { name: 'micro-routing-10', label: 'micro, 10 routes', scenarios: ['routing'], optional: true },
  { name: 'micro-routing-1000', label: 'micro, 1000 routes', scenarios: ['routing'], optional: true },
  // Static files: each framework's own file serving, with its defaults.
  { name: 'fastify-static', label: 'Fastify + @fastify/static', scenarios: STATIC_SCENARIOS, staticPeer: true },
  { name: 'express-static', label: 'Express + express.static', scenarios: STATIC_SCENARIOS, staticPeer: true },
  { name: 'micro-static', label: 'micro (static folder)', scenarios: STATIC_SCENARIOS },
];

/** The server file of a peer: `file`, else <name>.mjs, else <name>.js. */
export function serverFile(peer, dir = SERVERS_DIR) {
  const candidates = peer.file ? [peer.file] : [`${peer.name}.mjs`, `${peer.name}.js`];
  for (const c of candidates) {
    const path = `${dir}${c}`;
    if (existsSync(path)) return path;
  }
  return undefined;
}

export const isMicro = (name) => name.startsWith('micro');

/** The peer called `name`; throws, listing the known ones, for a name that is not. */
export function peerNamed(name) {
  const peer = PEERS.find((p) => p.name === name);
  if (!peer) throw new Error(`Unknown peer ${name}; known: ${PEERS.map((p) => p.name).join(', ')}`);
  return peer;
}

/** The scenario called `name`; throws, listing the known ones, for a name that is not. */
export function scenarioNamed(name) {
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`Unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  return scenario;
}
