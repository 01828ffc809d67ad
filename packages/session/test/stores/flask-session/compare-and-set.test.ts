/**
 * What happens when a Flask-Session app saves in the middle of micro's merge.
 * Flask-Session writes whole records with a plain SET / UPDATE; micro's `apply`
 * compares the bytes it read before writing, so a whole-record write that lands
 * between micro's read and micro's write is kept, and micro's change is merged
 * on top of it. On real Redis and real SQLite; the "Flask write" is the exact
 * record Flask-Session wrote (flask-written.json) put in place at that moment.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisRecordStore, type NodeRedisRecordClientLike, type NodeRedisRecordCommandsLike } from '../../../src/stores/flask-session/redis-record-store.js';
import { SqlRecordStore } from '../../../src/stores/flask-session/sql-record-store.js';
import type { FlaskKnexLike } from '../../../src/stores/flask-session/flask-knex-like.js';
import { decodeSessionBlob, encodeSessionBlob } from '../../../src/stores/flask-session/session-blob.js';
import { checkService, hostPort, probeTcp, uniqueSuffix, urls } from '../services.js';
import { rawOf, recordsOf, tag } from './fixtures.js';

const flaskRecord = recordsOf('redis').find((r) => r.case === 'login')!;
const rd = hostPort(urls.redis, 6379);
const redis = await checkService('Redis', urls.redis, () => probeTcp(rd.host, rd.port));

describe.skipIf(!redis.available)('Redis: a Flask-Session save between micro read and write', () => {
  const client = createClient({ url: urls.redis, disableOfflineQueue: true });
  const prefix = `fscas_${uniqueSuffix()}:`;
  afterAll(async () => {
    if (client.isOpen) {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length) await client.del(keys);
      client.destroy();
    }
  });

  it("keeps Flask's whole record and merges micro's change on top", async () => {
    await client.connect();
    const key = `${prefix}sid1`;
    await client.set(key, encodeSessionBlob({ _permanent: true, step: 'before flask' }), { EX: 60 });
    let flaskSaved = false;
    // The client as the store sees it; the first compare-and-set is preceded by Flask-Session's SET.
    const interleaved: NodeRedisRecordClientLike = {
      get isReady() {
        return client.isReady;
      },
      withTypeMapping(mapping) {
        const commands = client.withTypeMapping(mapping as never) as unknown as NodeRedisRecordCommandsLike;
        return {
          get: (k) => commands.get(k),
          set: (k, v, o) => commands.set(k, v, o),
          pExpire: (k, ms) => commands.pExpire(k, ms),
          del: (k) => commands.del(k),
          async eval(script, options) {
            if (!flaskSaved) {
              flaskSaved = true;
              await client.set(key, rawOf(flaskRecord), { EX: 60 }); // what Flask-Session's save_session sends
            }
            return commands.eval(script, options);
          },
        };
      },
    };
    const store = new RedisRecordStore({ client: interleaved, prefix });
    await store.apply('sid1', { set: { theme: 'dark' }, delete: [] }, 60_000);
    expect(flaskSaved).toBe(true);
    const stored = decodeSessionBlob((await client.withTypeMapping({ 36: Buffer }).get(key)) as unknown as Buffer);
    expect(tag(stored)).toEqual({ ...flaskRecord.flask_reads_back, theme: 'dark' });
  });
});

describe('SQLite: a Flask-Session save between micro read and write', () => {
  const dir = mkdtempSync(join(tmpdir(), 'micro-fscas-'));
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: join(dir, 's.db') }, useNullAsDefault: true });
  afterAll(async () => {
    await knex.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps Flask's whole record and merges micro's change on top", async () => {
    let flaskSaved = false;
    // Flask-Session's save is `record.data = …; commit()`: an UPDATE by session_id alone.
    const interleaved = new Proxy(knex, {
      apply(target, self, args: [string]) {
        const query = Reflect.apply(target, self, args) as { update: (v: object) => PromiseLike<number> };
        const update = query.update.bind(query);
        query.update = (values: object) => {
          if (flaskSaved) return update(values);
          flaskSaved = true;
          return Promise.resolve(knex('sessions').where('session_id', 'session:sid1').update({ data: rawOf(flaskRecord) })).then(() => update(values));
        };
        return query;
      },
    }) as unknown as FlaskKnexLike;
    const store = new SqlRecordStore({ knex: interleaved });
    await new SqlRecordStore({ knex: knex as unknown as FlaskKnexLike }).set('sid1', { _permanent: true, step: 'before flask' }, 60_000);
    await store.apply('sid1', { set: { theme: 'dark' }, delete: [] }, 60_000);
    expect(flaskSaved).toBe(true);
    const row = await knex('sessions').select('data').where('session_id', 'session:sid1').first();
    expect(tag(decodeSessionBlob(row.data))).toEqual({ ...flaskRecord.flask_reads_back, theme: 'dark' });
  });
});
