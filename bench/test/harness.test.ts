// Checks what can break in the harness without any speed claim: every present server
// answers the four endpoints correctly over HTTP, the harness's login/check plumbing
// works against each, and the ratio, target, table, SVG, wrk and profile code turn given
// numbers into the expected shape.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM, applySetCookies, cookieHeader, request } from '../lib/client.mjs';
import { formatTop, topSelfTime } from '../lib/cpuprofile.mjs';
import { preflight, redisReachable, requestFor, runBench, runScenario, writeResults } from '../lib/harness.mjs';
import { parseWrkOutput, wrkScript } from '../lib/load.mjs';
import { nodeRuntime } from '../lib/node-runtime.mjs';
import { DEFAULTS, NODE_CHOICES, parseOptions } from '../lib/options.mjs';
import { PEERS, SCENARIOS, peerNamed, serverFile } from '../lib/peers.mjs';
import { buildRows, median, renderSvg, renderTable, targetCell } from '../lib/report.mjs';
import { startServer } from '../lib/server-process.mjs';
import { COOKIE_PEERS, TARGETS, evaluateTargets } from '../lib/targets.mjs';
import { SECRET } from '../servers/lib/common.mjs';
import * as flaskCookie from '../servers/lib/flask-cookie.mjs';

type Server = Awaited<ReturnType<typeof startServer>>;
type Peer = (typeof PEERS)[number];

const redisOk = await redisReachable();
// CI sets MICRO_REQUIRE_SERVICES=1: there a missing Redis fails instead of skipping.
const requireServices = process.env.MICRO_REQUIRE_SERVICES === '1';
const present = PEERS.filter((p: Peer) => serverFile(p) && (!p.needsRedis || redisOk || requireServices));
const hasSession = (p: Peer) => p.scenarios.includes('session-read');

/** Replaces the first character of every cookie value: a tampered signature or ciphertext. */
const tamper = (jar: Map<string, string>) =>
  new Map([...jar].map(([k, v]) => [k, (v[0] === 'A' ? 'B' : 'A') + v.slice(1)]));

describe.each(present.map((p: Peer) => [p.name, p] as const))('server %s', (_name, peer) => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer(peer, { quiet: true });
  });
  afterAll(async () => {
    await server?.stop();
  });

  // Only the checks that apply to this peer are defined, so nothing shows as skipped.
  const itIf = (applies: boolean) => (applies ? it : ((() => undefined) as unknown as typeof it));
  itIf(peer.scenarios.includes('hello'))('GET /hello is plain text without a session cookie', async () => {
    const res = await request(`${server.url}/hello`);
    expect(res.status).toBe(200);
    expect(res.body).toBe('Hello, World!');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.setCookies).toEqual([]);
  });

  itIf(hasSession(peer))('login → cookie → escaped name → logout', async () => {
    const jar = new Map<string, string>();
    const get = async (path: string) => request(`${server.url}${path}`, { headers: { cookie: cookieHeader(jar) } });

    expect((await get('/')).body).toBe('You are not logged in');

    const login = await request(`${server.url}/login`, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ username: '<b>&"x"' }).toString(),
    });
    expect(login.status).toBe(302);
    expect(new URL(login.headers.get('location') ?? '', server.url).pathname).toBe('/');
    applySetCookies(jar, login.setCookies);
    expect(jar.size).toBeGreaterThan(0);

    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    expect(home.body).toMatch(/^Logged in as &lt;b&gt;&amp;(&quot;|&#34;)x(&quot;|&#34;)$/);

    // A tampered cookie is an empty session, not an error.
    const forged = await request(`${server.url}/`, { headers: { cookie: cookieHeader(tamper(jar)) } });
    expect(forged.status).toBe(200);
    expect(forged.body).toBe('You are not logged in');

    const logout = await get('/logout');
    expect(logout.status).toBe(302);
    expect(new URL(logout.headers.get('location') ?? '', server.url).pathname).toBe('/');
    applySetCookies(jar, logout.setCookies);
    expect((await get('/')).body).toBe('You are not logged in');
  });

  it.each(peer.scenarios as string[])('the harness can log in and check scenario %s', async (name) => {
    const scenario = SCENARIOS[name as keyof typeof SCENARIOS];
    const req = await requestFor(scenario, server);
    if (scenario.withSession) expect(req.headers.cookie).toBeTruthy();
    await expect(preflight(scenario, req)).resolves.toBeUndefined();
  });
});

describe('peers registry', () => {
  it('has unique names, a baseline per scenario, and a file for every non-micro peer', () => {
    const names = PEERS.map((p: Peer) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of Object.values(SCENARIOS)) expect(names).toContain(s.baseline);
    for (const p of PEERS) if (!p.optional) expect(serverFile(p), p.name).toBeTruthy();
    expect(COOKIE_PEERS).toEqual(['fastify-secure-session', 'express-cookie-session', 'koa-session', 'hono-signed']);
  });

  it.runIf(!redisOk && requireServices)('Redis is reachable when services are required', () => {
    expect(redisOk).toBe(true);
  });
});

const round = (rps: number, p99Ms = 1, errors = 0) => ({ rps, requests: rps, p50Ms: p99Ms / 2, p99Ms, errors });

describe('report', () => {
  const measurements = [
    { scenario: 'hello', peer: 'fastify', label: 'Fastify', rounds: [round(100), round(120), round(110)] },
    { scenario: 'hello', peer: 'raw-node', label: 'node', rounds: [round(150), round(130), round(140)] },
    { scenario: 'hello', peer: 'micro-signed', label: 'micro', rounds: [round(121), round(119), round(120)] },
    { scenario: 'session-read', peer: 'fastify-secure-session', label: 'F+ss', rounds: [round(50)], rssPeak: 80 * 2 ** 20 },
    { scenario: 'session-read', peer: 'hono-signed', label: 'Hono', rounds: [round(60)], rssPeak: 90 * 2 ** 20 },
    { scenario: 'session-read', peer: 'raw-node', label: 'node', rounds: [round(80)], rssPeak: 60 * 2 ** 20 },
    { scenario: 'session-read', peer: 'raw-node-flask', label: 'node + Flask cookie', rounds: [round(70)], rssPeak: 61 * 2 ** 20 },
    { scenario: 'session-read', peer: 'micro-signed', label: 'micro', rounds: [round(62, 2, 3)], rssPeak: 70 * 2 ** 20 },
  ];
  const rows = buildRows(measurements, SCENARIOS);
  const evaluations = evaluateTargets(rows).filter((e: { scenario: string }) => ['hello', 'session-read'].includes(e.scenario));

  it('takes medians, divides by the scenario baseline and sorts fastest first', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(rows.map((r: { peer: string }) => r.peer)).toEqual([
      'raw-node', 'micro-signed', 'fastify',
      'raw-node', 'raw-node-flask', 'micro-signed', 'hono-signed', 'fastify-secure-session',
    ]);
    const micro = rows.find((r: { peer: string; scenario: string }) => r.peer === 'micro-signed' && r.scenario === 'hello');
    expect(micro.rps).toBe(120);
    expect(micro.ratio).toBeCloseTo(120 / 110);
    expect(micro.spread).toBeCloseTo(2 / 120);
    expect(rows.find((r: { peer: string }) => r.peer === 'fastify').ratio).toBe(1);
  });

  it('a row without its baseline has no ratio', () => {
    const [row] = buildRows([{ scenario: 'routing', peer: 'micro-routing-1000', label: 'x', rounds: [round(5)] }], SCENARIOS);
    expect(row.ratio).toBeNull();
  });

  it('evaluates targets: met, missed, against the fastest cookie peer, pending', () => {
    const find = (scenario: string, vs: string) =>
      evaluations.find((e: { scenario: string; vs: string }) => e.scenario === scenario && e.vs.startsWith(vs));
    expect(find('hello', 'fastify')).toMatchObject({ met: true });
    expect(find('session-read', 'hono-signed')).toMatchObject({ met: true, ratio: 62 / 60 }); // fastest cookie peer
    expect(find('session-read', 'raw-node-flask')).toMatchObject({ met: false, ratio: 62 / 70 }); // < 0.9
    // raw-node is a reference without a target.
    expect(evaluations.filter((e: { vs: string }) => e.vs === 'raw-node')).toEqual([]);
    const pending = evaluateTargets(rows).filter((e: { met: boolean | null }) => e.met === null);
    expect(pending.map((e: { peer: string }) => e.peer)).toContain('micro-encrypted');
  });

  it("has the targets of issues 15 and 16, and no other", () => {
    const list = TARGETS.flatMap((t: { peer: string; scenarios: string[]; vs: string | { fastestOf: string[] }; min: number }) =>
      t.scenarios.map((s) => `${t.peer} ${s} ≥ ${t.min}× ${typeof t.vs === 'string' ? t.vs : `fastest of ${t.vs.fastestOf.join('|')}`}`),
    );
    const cookiePeers = 'fastest of fastify-secure-session|express-cookie-session|koa-session|hono-signed';
    expect(list).toEqual([
      'micro-signed hello ≥ 1× fastify',
      `micro-signed session-read ≥ 1× ${cookiePeers}`,
      `micro-signed session-write ≥ 1× ${cookiePeers}`,
      'micro-signed session-read ≥ 0.9× raw-node-flask',
      'micro-signed session-write ≥ 0.9× raw-node-flask',
      'micro-encrypted session-read ≥ 1× fastify-secure-session',
      'micro-encrypted session-write ≥ 1× fastify-secure-session',
      'micro-redis session-read ≥ 1.5× express-session-redis',
      'micro-redis session-write ≥ 1.5× express-session-redis',
      'micro-routing-1000 routing ≥ 0.9× micro-routing-10',
      'micro-static static-1k ≥ 1× fastest of fastify-static|express-static',
      'micro-static static-1m ≥ 1× fastest of fastify-static|express-static',
    ]);
  });

  it('renders one table with the baseline marked, RSS for session-read and a target cell', () => {
    const table = renderTable(rows, evaluations);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^\| scenario +\| peer +\| +req\/s +\|.*\| target met\? +\|$/);
    const tableLines = lines.filter((l: string) => l.startsWith('|'));
    expect(tableLines).toHaveLength(2 + rows.length);
    expect(new Set(tableLines.map((l: string) => l.length)).size).toBe(1); // aligned
    expect(table).toContain('fastify (baseline)');
    expect(table).toMatch(/\| session-read \| raw-node +\| +80 \|.*\| +60 MB \|/);
    expect(table).toContain('NO (3 errors!)');
    expect(table).toMatch(/MISSED +micro-signed session-read ≥ 0\.90× raw-node-flask: 0\.89×/);
    expect(targetCell(rows[2], evaluations)).toBe('');
    expect(targetCell({ peer: 'micro-signed', scenario: 'routing' }, [{ peer: 'micro-signed', scenario: 'routing', met: null }])).toBe('…');
  });

  it("with the run's meta, says first which Node every server ran on", () => {
    const table = renderTable(rows, evaluations, { node: 'v24.21.0', loadgen: 'wrk', rounds: 5, duration: 2, connections: 50 });
    const lines = table.split('\n');
    expect(lines[0]).toBe('Every server on Node v24.21.0, wrk, 5 rounds × 2 s, 50 connections');
    expect(lines[1]).toBe('');
    expect(lines[2]).toMatch(/^\| scenario +\| peer/);
  });

  it('draws one bar per row, its length proportional to the ratio', () => {
    const svg = renderSvg(rows, { title: 'a <test>' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('a &lt;test&gt;');
    const bars = [...svg.matchAll(/<rect class="bar" data-peer="([^"]+)" data-ratio="([^"]+)" x="[^"]+" y="[^"]+" width="([^"]+)"/g)];
    expect(bars).toHaveLength(rows.length);
    const perUnit = bars.map((b) => Number(b[3]) / Number(b[2]));
    for (const u of perUnit) expect(Math.abs(u / perUnit[0] - 1)).toBeLessThan(0.01);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2); // the 1.0× line of each scenario
  });
});

describe('load generators', () => {
  it('writes a wrk script with method, escaped body and headers', () => {
    const lua = wrkScript({ url: 'http://x/', method: 'POST', headers: { cookie: 'a="b"\\c' }, body: 'username=bench', duration: 1, connections: 1 });
    expect(lua).toContain('wrk.method = "POST"');
    expect(lua).toContain('wrk.body = "username=bench"');
    expect(lua).toContain('wrk.headers["cookie"] = "a=\\"b\\"\\\\c"');
    expect(lua).toContain('done = function(summary, latency, requests)');
  });

  it('reads the result line of wrk', () => {
    const out = 'Running 2s test @ http://127.0.0.1:1/\n  1 threads and 50 connections\nBENCH_JSON {"requests":100000,"duration_us":2000000,"p50_us":700,"p99_us":2500,"errors":3}\n';
    expect(parseWrkOutput(out)).toEqual({ rps: 50000, requests: 100000, p50Ms: 0.7, p99Ms: 2.5, errors: 3 });
    expect(() => parseWrkOutput('nothing')).toThrow(/no result line/);
  });
});

describe('cpu profiles', () => {
  const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '0' });
  const profile = {
    startTime: 0,
    endTime: 10_000,
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 3, 4, 5] },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('parse', 'file:///work/main/node_modules/.pnpm/x@1/node_modules/x/index.js', 9) },
      { id: 4, callFrame: frame('parse', 'file:///work/main/node_modules/.pnpm/x@1/node_modules/x/index.js', 9) },
      { id: 5, callFrame: frame('', 'file:///work/main/bench/servers/raw-node.mjs', 41) },
    ],
    samples: [2, 3, 4, 5, 2, 3],
    timeDeltas: [5000, 1000, 1000, 1000, 1000, 1000],
  };

  it('sums self time per function, leaves out idle, and shortens places', () => {
    const { total, top } = topSelfTime(profile, 10);
    expect(total).toBe(4);
    expect(top).toEqual([
      { name: 'parse', where: 'x/index.js:10', selfMs: 3, share: 0.75 },
      { name: '(anonymous)', where: 'bench/servers/raw-node.mjs:42', selfMs: 1, share: 0.25 },
    ]);
    expect(formatTop('hello / micro', { total, top })).toMatch(/top 2 by self time:\n +1\. +3\.0 ms +75\.0% +parse +\(x\/index\.js:10\)/);
  });
});

describe('options', () => {
  it('has defaults, env twins, flags that win, and a bare --cpu-prof', () => {
    expect(parseOptions([], {})).toMatchObject({ ...DEFAULTS, help: false });
    const o = parseOptions(['--duration', '5s', '--only=raw-node,fastify', '--cpu-prof', '--rounds', '2'], { BENCH_DURATION: '9', BENCH_CONNECTIONS: '10' });
    expect(o).toMatchObject({ duration: 5, connections: 10, rounds: 2, only: ['raw-node', 'fastify'], cpuProf: [] });
    expect(parseOptions(['--cpu-prof', 'raw-node', '--scenario', 'hello']).cpuProf).toEqual(['raw-node']);
    expect(parseOptions(['--scenario', 'hello,session-read']).scenarios).toEqual(['hello', 'session-read']);
    expect(parseOptions(['--node-args=--min-semi-space-size=8 --max-semi-space-size=16']).nodeArgs).toEqual([
      '--min-semi-space-size=8',
      '--max-semi-space-size=16',
    ]);
    expect(parseOptions([], { BENCH_NODE_ARGS: '--max-semi-space-size=16' }).nodeArgs).toEqual(['--max-semi-space-size=16']);
  });

  it('--node picks the Node.js of every server: 24 by default, BENCH_NODE, the flag winning', () => {
    expect(DEFAULTS.node).toBe('24');
    expect(NODE_CHOICES).toEqual(['24', '22', '20', 'system']);
    expect(parseOptions([]).node).toBe('24');
    expect(parseOptions(['--node', '20']).node).toBe('20');
    expect(parseOptions(['--node=system']).node).toBe('system');
    expect(parseOptions([], { BENCH_NODE: '22' }).node).toBe('22');
    expect(parseOptions(['--node', 'v20'], { BENCH_NODE: '22' }).node).toBe('20');
    // BENCH_NODE_ARGS is another option: it neither sets nor breaks --node.
    expect(parseOptions([], { BENCH_NODE_ARGS: '--max-semi-space-size=16' })).toMatchObject({ node: '24', nodeArgs: ['--max-semi-space-size=16'] });
    expect(parseOptions(['--node', '24', '--node-args=--max-semi-space-size=16'])).toMatchObject({ node: '24', nodeArgs: ['--max-semi-space-size=16'] });
  });

  it('says what is wrong', () => {
    expect(() => parseOptions(['--scenario', 'nope'])).toThrow(/Unknown scenario nope/);
    expect(() => parseOptions(['--rounds', '0'])).toThrow(/positive/);
    expect(() => parseOptions(['--bogus', '1'])).toThrow(/Unknown option --bogus/);
    expect(() => parseOptions(['--duration'])).toThrow(/needs a value/);
    expect(() => parseOptions(['--node-args=max-semi-space-size=8'])).toThrow(/node flags/);
    expect(() => parseOptions(['--node', '18'])).toThrow(/--node must be one of 24, 22, 20, system, got "18"/);
    expect(() => parseOptions([], { BENCH_NODE: 'latest' })).toThrow(/--node must be one of/);
    expect(() => parseOptions(['--node'])).toThrow(/needs a value/);
  });
});

describe('node flags for the servers', () => {
  it('reach the server process (--node-args)', async () => {
    const peer = PEERS.find((p: Peer) => p.name === 'raw-node')!;
    const server = await startServer(peer, { quiet: true, nodeArgs: ['--max-semi-space-size=16'] });
    try {
      const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline).toContain('--max-semi-space-size=16');
    } finally {
      await server.stop();
    }
  });
});

describe('the Node.js of the servers (--node)', () => {
  it('system is the node running the harness', async () => {
    expect(await nodeRuntime('system')).toEqual({ choice: 'system', path: process.execPath, version: process.version });
  });

  // The first use installs node@24 from the npm registry into .cache/ (scripts/node-runtime.mjs).
  it('24 is a Node 24 binary, and a server started with it runs on it', async () => {
    const runtime = await nodeRuntime('24');
    expect(runtime.version).toMatch(/^v24\./);
    const server = await startServer(peerNamed('raw-node-flask'), { quiet: true, execPath: runtime.path });
    try {
      expect(realpathSync(`/proc/${server.pid}/exe`)).toBe(realpathSync(runtime.path));
    } finally {
      await server.stop();
    }
  }, 180_000);

  // Peers whose session needs a native module (sodium-native, N-API) must load on Node 24.
  const native = ['fastify-secure-session', 'micro-encrypted-xc20p'].map(peerNamed).filter((p: Peer) => serverFile(p));
  it.each(native.map((p: Peer) => [p.name, p] as const))('on Node 24, %s loads its native module and keeps a session', async (_name, peer) => {
    const runtime = await nodeRuntime('24');
    const server = await startServer(peer, { quiet: true, execPath: runtime.path });
    try {
      const scenario = SCENARIOS['session-read'];
      await expect(preflight(scenario, await requestFor(scenario, server))).resolves.toBeUndefined();
    } finally {
      await server.stop();
    }
  }, 180_000);
});

const MAX_AGE = 31 * 24 * 60 * 60;
type Vector = { name: string; secret: string; cookie: string; signed_at?: number; session_tagged_json?: string };
const vectors = JSON.parse(readFileSync(new URL('../../../shared/vectors/flask-session-cookies.json', import.meta.url), 'utf8')) as {
  valid: Vector[];
  invalid: Vector[];
};

describe("raw-node-flask writes and reads exactly Flask's session cookie", () => {
  const { deriveKey, dumps, loads, decodeTimestamp, encodeTimestamp, flaskJson, zlibLowerBound } = flaskCookie;

  it('key derivation, salt and max age are Flask 3.1 / itsdangerous 2.2 defaults', () => {
    expect(flaskCookie.SALT).toBe('cookie-session');
    expect(flaskCookie.MAX_AGE_SECONDS).toBe(MAX_AGE);
    expect(deriveKey('k').type).toBe('secret');
    expect(encodeTimestamp(1795404836)).toBe('awO0JA');
    expect(decodeTimestamp('awO0JA')).toBe(1795404836);
    expect(decodeTimestamp('awO0JA=')).toBeNaN();
    expect(decodeTimestamp('')).toBeNaN();
    expect(flaskJson({ username: 'bench' })).toBe('{"username":"bench"}');
    expect(flaskJson({ b: 'é\u007f\n😀', a: 1 })).toBe('{"b":"\\u00e9\\u007f\\n\\ud83d\\ude00","a":1}');
  });

  it.each(vectors.valid.map((v) => [v.name, v] as const))('reads the Flask vector %s, and writes it again', (_name, v) => {
    const key = deriveKey(v.secret);
    const session = JSON.parse(v.session_tagged_json!);
    expect(loads(v.cookie, key, v.signed_at)).toEqual(session);
    expect(loads(v.cookie, key, v.signed_at! + MAX_AGE)).toEqual(session);
    expect(loads(v.cookie, key, v.signed_at! + MAX_AGE + 1)).toBeNull(); // expired
    expect(loads(v.cookie, key, v.signed_at! - 1)).toBeNull(); // from the future
    const written = dumps(session, key, v.signed_at);
    if (v.cookie.startsWith('.')) {
      // Compressed: node's zlib need not make CPython's bytes; Flask reads any zlib stream.
      expect(written.startsWith('.')).toBe(true);
      expect(loads(written, key, v.signed_at)).toEqual(session);
    } else {
      expect(written).toBe(v.cookie);
    }
  });

  it.each(vectors.invalid.map((v) => [v.name, v] as const))('rejects the invalid vector %s', (_name, v) => {
    expect(loads(v.cookie, deriveKey(v.secret), 1795404836)).toBeNull();
  });

  it('skips deflate only where it cannot save the 2 bytes itsdangerous asks for', () => {
    const json = Buffer.from('{"username":"bench"}');
    expect(zlibLowerBound(json)).toBeGreaterThanOrEqual(json.length - 1);
    expect(zlibLowerBound(Buffer.from('{"a":"abcabc"}'))).toBe(0); // a repeat: no bound, deflate runs
    // The bound never exceeds what zlib really makes.
    for (const text of ['{"username":"bench"}', '{"username":"<b>&\\"x\\""}', 'abcdefghijklmnopqrstuvwxyz0123456789', '{"x":"\\u00e9"}']) {
      const bytes = Buffer.from(text);
      const bound = zlibLowerBound(bytes);
      if (bound) expect(bound).toBeLessThanOrEqual(deflateSync(bytes).length);
    }
  });

  const micro = serverFile(peerNamed('micro-signed')) ? peerNamed('micro-signed') : undefined;
  describe.runIf(micro)('against micro-signed over HTTP (same SECRET)', () => {
    let flask: Server;
    let microServer: Server;
    beforeAll(async () => {
      [flask, microServer] = await Promise.all([startServer(peerNamed('raw-node-flask'), { quiet: true }), startServer(micro!, { quiet: true })]);
    });
    afterAll(async () => {
      await Promise.all([flask?.stop(), microServer?.stop()]);
    });

    const loginAt = (server: Server, username: string) =>
      request(`${server.url}/login`, { method: 'POST', headers: FORM, body: new URLSearchParams({ username }).toString() });
    const sessionCookie = (setCookies: string[]) => /^session=([^;]+);/.exec(setCookies[0] ?? '')?.[1] ?? '';

    it("answers as Flask does: Vary: Cookie, Flask's cookie attributes, Werkzeug's redirect", async () => {
      const login = await loginAt(flask, 'bench');
      expect(login.status).toBe(302);
      expect(login.headers.get('vary')).toBe('Cookie');
      expect(login.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(login.setCookies).toHaveLength(1);
      expect(login.setCookies[0]).toMatch(/^session=eyJ1c2VybmFtZSI6ImJlbmNoIn0\.[\w-]+\.[\w-]{27}; HttpOnly; Path=\/; SameSite=Lax$/);
      const fromMicro = await loginAt(microServer, 'bench');
      expect(login.body).toBe(fromMicro.body);
      const home = await request(`${flask.url}/`, { headers: { cookie: `session=${sessionCookie(login.setCookies)}` } });
      expect(home.headers.get('vary')).toBe('Cookie');
      expect((await request(`${flask.url}/hello`)).headers.get('vary')).toBeNull();
    });

    it.each(['bench', '<b>&"x"', 'Zoë 😀'])('micro reads the cookie raw-node-flask writes for %j, and the other way round', async (username) => {
      const fromFlask = sessionCookie((await loginAt(flask, username)).setCookies);
      const fromMicro = sessionCookie((await loginAt(microServer, username)).setCookies);
      const home = async (server: Server, cookie: string) => (await request(`${server.url}/`, { headers: { cookie: `session=${cookie}` } })).body;
      // Each server renders the name with its own escaping; what matters is that either cookie logs in.
      const atMicro = await home(microServer, fromMicro);
      const atFlask = await home(flask, fromFlask);
      expect(atMicro.startsWith('Logged in as ')).toBe(true);
      expect(atFlask.startsWith('Logged in as ')).toBe(true);
      expect(await home(microServer, fromFlask)).toBe(atMicro);
      expect(await home(flask, fromMicro)).toBe(atFlask);

      // Byte for byte: raw-node-flask's cookie at micro's timestamp is micro's cookie.
      const [, ts] = fromMicro.split('.');
      expect(dumps({ username }, deriveKey(SECRET), decodeTimestamp(ts!))).toBe(fromMicro);
    });
  });

  // The vector was made by real Flask at signed_at; over HTTP the server's own clock counts,
  // so this runs while the vector is younger than Flask's 31 days.
  const plain = vectors.valid.find((v) => v.name === 'plain')!;
  const fresh = Date.now() / 1000 - plain.signed_at! <= MAX_AGE;
  it.runIf(fresh)("reads a cookie made by real Flask over HTTP (vector 'plain', its SECRET_KEY)", async () => {
    const server = await startServer(peerNamed('raw-node-flask'), { quiet: true, env: { BENCH_SECRET: plain.secret } });
    try {
      const res = await request(`${server.url}/`, { headers: { cookie: `session=${plain.cookie}` } });
      expect(res.body).toBe(`Logged in as ${JSON.parse(plain.session_tagged_json!).username}`);
      const tampered = vectors.invalid.find((v) => v.name === 'tampered-payload')!;
      const forged = await request(`${server.url}/`, { headers: { cookie: `session=${tampered.cookie}` } });
      expect(forged.body).toBe('You are not logged in');
    } finally {
      await server.stop();
    }
  });
});

describe('a whole (tiny) run', () => {
  const out = mkdtempSync(join(tmpdir(), 'micro-bench-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('measures the hello baseline with autocannon on Node 24 (the default) and writes latest.json and latest.svg', async () => {
    const opts = { ...parseOptions(['--scenario', 'hello', '--only', 'raw-node', '--duration', '0.5', '--warmup', '0.3', '--rounds', '2', '--connections', '4', '--loadgen', 'autocannon']), out };
    const logs: string[] = [];
    const result = await runBench(opts, { log: (m: string) => logs.push(m), quiet: true });
    expect(result.failures).toEqual([]);
    // Every server ran on the --node binary, and the results say which version that is.
    const runtime = await nodeRuntime('24');
    expect(result.meta).toMatchObject({ node: runtime.version, nodeChoice: '24', nodePath: runtime.path, harnessNode: process.version });
    expect(result.meta.node).toMatch(/^v24\./);
    expect(logs).toContain(`  servers on Node ${runtime.version} (--node 24: ${runtime.path}); harness on Node ${process.version}`);
    expect(result.table.split('\n')[0]).toBe(`Every server on Node ${runtime.version}, autocannon, 2 rounds × 0.5 s, 4 connections`);
    expect(result.rows.map((r: { peer: string }) => r.peer).sort()).toEqual(['fastify', 'raw-node']);
    for (const r of result.rows) {
      expect(r.roundsRps).toHaveLength(2);
      expect(r.rps).toBeGreaterThan(0);
      expect(r.errors).toBe(0);
    }
    expect(result.rows.find((r: { peer: string }) => r.peer === 'fastify').ratio).toBe(1);
    expect(logs.filter((l) => l.includes('round ')).length).toBe(4);
    // Each server is warmed up before the next one starts (see the warm-up comment in harness.mjs).
    const events = logs.map((l) => /^\s+(started|warm-up [\d.]+s) (\S+)/.exec(l)).filter(Boolean).map((m) => `${m![1].split(' ')[0]} ${m![2]}`);
    expect(events).toHaveLength(4);
    expect(events[0]).toMatch(/^started /);
    expect(events[1]).toBe(events[0].replace('started', 'warm-up'));
    expect(events[2]).toMatch(/^started /);
    expect(events[3]).toBe(events[2].replace('started', 'warm-up'));
    const [json, svg] = writeResults(result);
    const saved = JSON.parse(readFileSync(json, 'utf8'));
    expect(saved.meta).toMatchObject({ loadgen: 'autocannon', rounds: 2, node: runtime.version, harnessNode: process.version });
    expect(saved.rows).toHaveLength(2);
    expect(readFileSync(svg, 'utf8')).toContain('<rect class="bar" data-peer="raw-node"');
    expect(readFileSync(svg, 'utf8')).toContain(`servers on Node ${runtime.version}</text>`);
  }, 180_000);
});

describe('a server that fails its check', () => {
  it('is left out, reported, and stopped (its process would keep the harness alive)', async () => {
    const logs: string[] = [];
    const ctx = { loadgen: 'autocannon', runtime: await nodeRuntime('system'), profileDir: '', profiled: new Set(), failures: [] as Array<{ peer: string }>, profiles: [], log: (m: string) => logs.push(m), quiet: true };
    // raw-node has no routing endpoint: its 404 fails the routing check.
    const opts = { ...parseOptions(['--warmup', '0.2', '--duration', '0.2', '--rounds', '1', '--connections', '2']) };
    const measurements = await runScenario(SCENARIOS.routing, [peerNamed('raw-node')], opts, ctx);
    expect(measurements).toEqual([]);
    expect(ctx.failures.map((f) => f.peer)).toEqual(['raw-node']);
    const pid = Number(/started raw-node \(pid (\d+)\)/.exec(logs.join('\n'))?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it.runIf(existsSync('/usr/bin/wrk'))('wrk is not asked for a fraction of a second', async () => {
    const opts = { ...parseOptions(['--loadgen', 'wrk', '--warmup', '0.5', '--scenario', 'hello', '--only', 'raw-node']) };
    await expect(runBench(opts, { log: () => undefined, quiet: true })).rejects.toThrow(/wrk takes whole seconds/);
  });
});

const execFileAsync = promisify(execFile);

describe('idle-probe.mjs', () => {
  it('measures a peer after a cold idle and after a hot one, with CPU per request', async () => {
    const script = new URL('../idle-probe.mjs', import.meta.url).pathname;
    const { stdout } = await execFileAsync(process.execPath, [script, '--peer', 'raw-node', '--idle', '0.2', '--rounds', '1', '--duration', '0.5', '--connections', '4', '--loadgen', 'autocannon', '--node', 'system']);
    expect(stdout.split('\n')[0]).toBe(`server on Node ${process.version} (--node system)`);
    const modes = [...stdout.matchAll(/^raw-node session-read, (cold idle|hot), idle 0.2 s:\n {2}(\d+) req\/s \(user ([\d.]+) µs, sys ([\d.]+) µs per request\)$/gm)];
    expect(modes.map((m) => m[1])).toEqual(['cold idle', 'hot']);
    for (const m of modes) expect(Number(m[2])).toBeGreaterThan(0);
  }, 30_000);
});

describe('pipeline.mjs', () => {
  const script = new URL('../pipeline.mjs', import.meta.url).pathname;
  const run = (args: string[]) => execFileAsync(process.execPath, [script, '--rounds', '3', '--requests', '100', ...args]);

  // koa-session hands out two cookies (value and signature): the replayed request needs both.
  it.each(['session-write', 'session-read'])('times %s through node:http in memory, each peer checked first', async (scenario) => {
    const { stdout } = await run(['--scenario', scenario, '--peers', 'raw-node,micro-signed,micro-encrypted,koa-session']);
    expect(stdout).toContain(`${scenario}: µs per request in-process (median of 3 rounds × 100); ratio = median per-round speed vs raw-node`);
    const rows = [...stdout.matchAll(/^ {2}(\S+) +([\d.]+) µs {3}×([\d.]+) {2}\(quartiles ([\d.]+)–([\d.]+)\)$/gm)];
    expect(rows.map((r) => r[1])).toEqual(['raw-node', 'micro-signed', 'micro-encrypted', 'koa-session']);
    expect(rows[0]![3]).toBe('1.000');
    for (const r of rows) expect(Number(r[2])).toBeGreaterThan(0);
    // Timed in-process, so on the default --node 24: the script ran itself again on that node.
    expect(stdout).toContain(`; Node ${(await nodeRuntime('24')).version}\n`);
  }, 180_000);

  it('stays on the node it runs on with --node system, and runs raw-node-flask', async () => {
    const { stdout } = await run(['--scenario', 'session-write', '--peers', 'raw-node-flask,raw-node', '--node', 'system']);
    expect(stdout).toContain(`ratio = median per-round speed vs raw-node-flask; Node ${process.version}\n`);
    expect([...stdout.matchAll(/^ {2}(\S+) +[\d.]+ µs/gm)].map((r) => r[1])).toEqual(['raw-node-flask', 'raw-node']);
  }, 60_000);

  it('takes any server file as label=path, to compare two builds in one run', async () => {
    const file = new URL('../servers/raw-node.mjs', import.meta.url).pathname;
    const { stdout } = await run(['--scenario', 'hello', '--peers', `raw-node,copy=${file}`]);
    const rows = [...stdout.matchAll(/^ {2}(\S+) +([\d.]+) µs/gm)].map((r) => r[1]);
    expect(rows).toEqual(['raw-node', 'copy']);
    await expect(run(['--scenario', 'hello', '--peers', 'missing=/nonexistent/server.mjs'])).rejects.toThrow(/Cannot find module|ERR_MODULE_NOT_FOUND/);
  }, 60_000);

  it("times the login's parts (bench/servers/parts), each answering the login as the scenario expects", async () => {
    const part = (name: string) => new URL(`../servers/parts/${name}.mjs`, import.meta.url).pathname;
    const peers = ['redirect-only', 'form-only', 'session-only'].map((name) => `${name}=${part(name)}`).join(',');
    const { stdout } = await run(['--scenario', 'session-write', '--peers', peers, '--node', 'system']);
    expect([...stdout.matchAll(/^ {2}(\S+) +[\d.]+ µs/gm)].map((r) => r[1])).toEqual(['redirect-only', 'form-only', 'session-only']);
  }, 60_000);

  it('refuses a server whose answer is not what the scenario expects', async () => {
    // The routing server has no /login: its 404 must stop the run, not be timed.
    await expect(run(['--scenario', 'session-write', '--peers', 'micro-routing-10'])).rejects.toThrow(/micro-routing-10: unexpected response to session-write/);
  }, 60_000);
});

describe('crypto-per-call.mjs', () => {
  const script = new URL('../crypto-per-call.mjs', import.meta.url).pathname;

  it('times each primitive a session cookie needs, node:crypto beside libsodium, on the chosen node', async () => {
    const { stdout } = await execFileAsync(process.execPath, [script, '--rounds', '2', '--calls', '50', '--node', '24']);
    expect(stdout.split('\n')[0]).toBe(`Node ${(await nodeRuntime('24')).version}, 2 rounds × 50 calls, 45-byte payload`);
    const rows = [...stdout.matchAll(/^\| (.+?) \| (\d+) \| (\d+)–(\d+) \|$/gm)];
    const names = rows.map((r) => r[1]);
    for (const expected of ['hmac-sha1 sign, KeyObject', 'aes-256-gcm encrypt, KeyObject', 'secretbox encrypt, libsodium', 'xchacha20-poly1305 decrypt, libsodium']) {
      expect(names.some((n) => n!.startsWith(expected))).toBe(true);
    }
    for (const r of rows) {
      expect(Number(r[2])).toBeGreaterThan(0);
      expect(Number(r[3])).toBeLessThanOrEqual(Number(r[4]));
    }
  }, 60_000);
});
