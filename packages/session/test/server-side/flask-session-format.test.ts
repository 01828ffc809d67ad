/**
 * SESSION_RECORD_FORMAT='flask-session' on real Redis, memcached, the filesystem,
 * SQLite, PostgreSQL and MariaDB, driven over HTTP: micro reads sessions planted
 * exactly where and as Flask-Session 0.8 stored them (the bytes of
 * fixtures/flask-session-records/flask-written.json), and writes the very bytes
 * that real Flask-Session was verified to read (micro-written.json).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flash, session } from '../../src/index.js';
import { decodeSessionBlob } from '../../src/stores/flask-session/session-blob.js';
import { loadPickle } from '../../src/stores/flask-session/pickle.js';
import { hasBinary } from '../stores/local-servers.js';
import { checkService, hostPort, probeTcp, uniqueSuffix, urls } from '../stores/services.js';
import { flaskWritten, microWritten, rawOf, recordsOf, tag } from '../stores/flask-session/fixtures.js';
import type { AppTestClient } from '@micro/core';
import { COOKIE, serverSideApp, type TestApp } from './app.js';
import { microWrites, openBackend, type Backend, type BackendName } from './flask-session-backends.js';

const LIFETIME_S = flaskWritten.lifetime_seconds;

/** With SESSION_USE_SIGNER off (Flask-Session's default) the cookie is the bare id. */
function sidOf(client: AppTestClient): string | undefined {
  return client.cookies.get(COOKIE);
}

const pg = hostPort(urls.postgres, 5432);
const my = hostPort(urls.mysql, 3306);
const rd = hostPort(urls.redis, 6379);
const available: Record<BackendName, boolean> = {
  redis: (await checkService('Redis', urls.redis, () => probeTcp(rd.host, rd.port))).available,
  memcached: (
    await checkService('Memcached', 'a memcached process started by the test', async () => {
      if (!hasBinary('memcached')) throw new Error('memcached is not installed (apt-get install -y memcached)');
    })
  ).available,
  filesystem: true,
  'sql:sqlite': true,
  'sql:postgres': (await checkService('PostgreSQL', urls.postgres, () => probeTcp(pg.host, pg.port))).available,
  'sql:mysql': (await checkService('MySQL/MariaDB', urls.mysql, () => probeTcp(my.host, my.port))).available,
};

/** What is stored under a key, as a session: the msgpack blob decoded, or the cachelib file's pickle. */
function decoded(name: BackendName, value: Buffer): unknown {
  return name === 'filesystem' ? loadPickle(value.subarray(4)) : decodeSessionBlob(value);
}

/** The bytes Flask-Session keeps for a session: the blob, or the cachelib file's pickle (its header is planted fresh). */
function payload(name: BackendName, raw: Buffer): Buffer {
  return name === 'filesystem' ? raw.subarray(4) : raw;
}

for (const name of Object.keys(available) as BackendName[]) {
  describe.skipIf(!available[name])(`SESSION_RECORD_FORMAT 'flask-session' on ${name}`, () => {
    let backend: Backend;
    const prefix = `fsfmt_${uniqueSuffix()}:`;

    beforeAll(async () => {
      backend = await openBackend(name);
    });
    afterAll(async () => {
      await backend?.teardown();
    });

    function app(): TestApp {
      const a = serverSideApp((x) => backend.configure(x), {
        SESSION_RECORD_FORMAT: 'flask-session',
        SESSION_KEY_PREFIX: prefix,
        SESSION_USE_SIGNER: false, // Flask-Session's default: the cookie is the bare id
        PERMANENT_SESSION_LIFETIME: LIFETIME_S,
      });
      a.get('/tagged', function tagged() {
        return tag(session.toObject()) as Record<string, unknown>;
      });
      a.post('/write-like-the-live-check', function write() {
        for (const [k, v] of Object.entries(microWrites(name))) session.set(k, v);
        flash('Saved', 'success');
        return 'ok';
      });
      return a;
    }

    const readable = recordsOf(name).filter((r) => !(name === 'filesystem' && r.case === 'binary'));

    it.each(readable.map((r) => [r.case, r] as const))('reads a session Flask-Session stored (%s)', async (_, record) => {
      await backend.plant(prefix + record.sid, payload(name, rawOf(record)), 3600);
      const client = app().testClient();
      client.cookies.set(COOKIE, record.sid);
      const response = await client.get('/tagged');
      expect(response.status).toBe(200);
      expect(response.json()).toEqual(record.flask_reads_back);
    });

    it('writes the bytes real Flask-Session was verified to read, with its expiry', async () => {
      const verified = microWritten.records.find((r) => r.backend === name)!;
      expect(verified.verified_by_flask).toBe(true);
      const client = app().testClient();
      const before = Date.now();
      await client.post('/write-like-the-live-check');
      const raw = (await backend.raw(prefix + sidOf(client)!))!;
      expect(payload(name, raw.value).toString('base64')).toBe(payload(name, Buffer.from(verified.value, 'base64')).toString('base64'));
      expect(tag(decoded(name, raw.value))).toEqual(verified.flask_read);
      if (!Number.isNaN(raw.expiresAtMs)) {
        // Flask-Session: now + PERMANENT_SESSION_LIFETIME (whole seconds on MariaDB and in cachelib headers).
        expect(raw.expiresAtMs).toBeGreaterThanOrEqual(before + LIFETIME_S * 1000 - 1000);
        expect(raw.expiresAtMs).toBeLessThanOrEqual(Date.now() + LIFETIME_S * 1000 + 1000);
      }
    });

    it('merges a change into a Flask-written session, keeping every Flask key', async () => {
      const record = readable.find((r) => r.case === 'login')!;
      const sid = `merge${record.sid.slice(5)}`;
      await backend.plant(prefix + sid, payload(name, rawOf(record)), 3600);
      const client = app().testClient();
      client.cookies.set(COOKIE, sid);
      expect((await client.post('/set?key=theme&value=from-micro')).status).toBe(200);
      const stored = (await backend.raw(prefix + sid))!;
      expect(tag(decoded(name, stored.value))).toEqual({ ...record.flask_reads_back, theme: 'from-micro' });
    });

    it('keeps both of two concurrent changes to different keys', async () => {
      const a = app();
      const client = a.testClient();
      await client.post('/set?key=start&value=1');
      const sid = sidOf(client)!;
      const other = a.testClient();
      other.cookies.set(COOKIE, sid);
      await Promise.all([client.post('/set?key=left&value=L&delay=30'), other.post('/set?key=right&value=R&delay=30')]);
      const stored = decoded(name, (await backend.raw(prefix + sid))!.value) as Record<string, unknown>;
      expect(stored).toMatchObject({ start: '1', left: 'L', right: 'R' });
    });

    it('deletes the record when the session is emptied (logout)', async () => {
      const client = app().testClient();
      await client.post('/set?key=k&value=v');
      const sid = sidOf(client)!;
      expect(await backend.raw(prefix + sid)).not.toBeNull();
      await client.post('/logout');
      expect(await backend.raw(prefix + sid)).toBeNull();
    });

    it('opens a fresh session, logs a warning and leaves the record alone when it is not Flask-Session data', async () => {
      const sid = `foreign${uniqueSuffix()}`.replace(/[^A-Za-z0-9_-]/g, '_').padEnd(20, 'x');
      // Another program's value, or (filesystem) a Flask session holding a datetime.
      const foreign = name === 'filesystem' ? payload(name, rawOf(recordsOf(name).find((r) => r.case === 'binary')!)) : Buffer.from('not a session');
      await backend.plant(prefix + sid, foreign, 3600);
      const a = app();
      const client = a.testClient();
      client.cookies.set(COOKIE, sid);
      expect((await client.get('/')).text).toBe('anonymous');
      await client.post('/set?key=k&value=v');
      expect(sidOf(client)).not.toBe(sid);
      expect(a.logs.warn.join('\n')).toMatch(/not a Flask-Session record micro reads/);
      expect(a.logs.warn.join('\n')).not.toContain(sid);
      expect(payload(name, (await backend.raw(prefix + sid))!.value).equals(foreign)).toBe(true);
    });

    // memcached does not tell an item's expiry; everywhere else the extension is visible.
    if (name !== 'memcached') it('extends the lifetime of a session that was only read (SESSION_REFRESH_EACH_REQUEST)', async () => {
      const record = readable.find((r) => r.case === 'login')!;
      const sid = `touch${record.sid.slice(5)}`;
      await backend.plant(prefix + sid, payload(name, rawOf(record)), 100);
      const client = app().testClient();
      client.cookies.set(COOKIE, sid);
      const before = Date.now();
      expect((await client.get('/tagged')).json()).toEqual(record.flask_reads_back);
      const after = (await backend.raw(prefix + sid))!;
      expect(after.expiresAtMs).toBeGreaterThanOrEqual(before + LIFETIME_S * 1000 - 1000);
      // Only the expiry changed: the record is still the bytes Flask-Session wrote.
      expect(payload(name, after.value).equals(payload(name, rawOf(record)))).toBe(true);
    });

    // Redis and memcached expire keys themselves; the others keep an expiry micro must check.
    if (name !== 'redis' && name !== 'memcached') it('does not read a record whose expiry has passed', async () => {
      const record = readable.find((r) => r.case === 'login')!;
      const sid = `expired${record.sid.slice(7)}`;
      await backend.plant(prefix + sid, payload(name, rawOf(record)), -60);
      const client = app().testClient();
      client.cookies.set(COOKIE, sid);
      expect((await client.get('/')).text).toBe('anonymous');
    });
  });
}
