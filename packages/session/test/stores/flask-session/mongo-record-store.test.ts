/**
 * MongoRecordStore on a real MongoDB: Flask-Session's document shape
 * ({ id, val, expiration }), read from and written to. No MongoDB server can be
 * installed on this machine, so this runs only where MONGODB_URL is set; the
 * store is type-checked against the real driver's Collection here either way.
 */
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { MongoRecordStore } from '../../../src/stores/flask-session/mongo-record-store.js';
import { decodeSessionBlob } from '../../../src/stores/flask-session/session-blob.js';
import { optionalService, uniqueSuffix, urls } from '../services.js';
import { rawOf, recordsOf, tag } from './fixtures.js';

const mongo = optionalService('MongoDB (Flask-Session record layout)', 'MONGODB_URL');

describe.skipIf(!mongo.available)('MongoRecordStore on a real MongoDB', () => {
  const client = new MongoClient(urls.mongodb ?? 'mongodb://127.0.0.1:27017', { serverSelectionTimeoutMS: 2000 });
  const db = `micro_fs_${uniqueSuffix()}`;
  const collection = client.db(db).collection('sessions');
  const store = new MongoRecordStore({ collection, prefix: 'session:' });
  afterAll(async () => {
    await client.db(db).dropDatabase().catch(() => {});
    await client.close();
  });

  it('reads a document in Flask-Session shape and merges into it', async () => {
    const record = recordsOf('redis').find((r) => r.case === 'login')!; // the blob is the same on every msgpack backend
    await collection.insertOne({ id: 'session:s1', val: rawOf(record), expiration: new Date(Date.now() + 60_000) });
    expect(tag(await store.get('s1'))).toEqual(record.flask_reads_back);
    await store.apply('s1', { set: { theme: 'dark' }, delete: [] }, 60_000);
    const doc = await collection.findOne({ id: 'session:s1' });
    expect(tag(decodeSessionBlob(Buffer.from(doc!.val.buffer)))).toEqual({ ...record.flask_reads_back, theme: 'dark' });
    expect(doc!.expiration).toBeInstanceOf(Date);
    const indexes = await collection.indexes();
    expect(indexes.some((i) => i.key.expiration === 1 && i.expireAfterSeconds === 0)).toBe(true);
  });

  it('does not return an expired document, and destroy removes it', async () => {
    await store.set('s2', { a: 1 }, 60_000);
    expect(await store.get('s2')).toEqual({ a: 1 });
    await collection.updateOne({ id: 'session:s2' }, { $set: { expiration: new Date(Date.now() - 1000) } });
    expect(await store.get('s2')).toBeNull();
    await store.destroy('s2');
    expect(await collection.countDocuments({ id: 'session:s2' })).toBe(0);
  });
});
