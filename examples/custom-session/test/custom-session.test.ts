import { describe, expect, it } from 'vitest';
import { Signer } from '@micro/session';
import { createApp } from '../src/app.js';

const SECRET = 'custom-secret';
const signer = new Signer({ secretKeys: SECRET, salt: 'flask-session', keyDerivation: 'hmac' });
const sidOf = (setCookie: string) => signer.unsign(setCookie.split(';')[0]!.slice('session='.length));

describe('MySessionInterface', () => {
  it('signs session ids exactly as Flask-Session / itsdangerous do', () => {
    // python3 -c "import itsdangerous; print(itsdangerous.Signer('custom-secret', salt='flask-session', key_derivation='hmac').sign('0b7c6a02-5d0e-4c8e-9d1c-2f3b7a1e9c44'))"
    expect(signer.sign('0b7c6a02-5d0e-4c8e-9d1c-2f3b7a1e9c44')).toBe('0b7c6a02-5d0e-4c8e-9d1c-2f3b7a1e9c44.vD3OF06HnXpQo9m0VooHZL0tRVg');
  });

  it('keeps only a signed id in the cookie and the data, as JSON, in the container', async () => {
    const { app, store } = createApp(SECRET);
    const client = app.testClient({ followRedirects: true });
    const first = await client.get('/');
    expect(first.json()).toEqual({ visits: 1, cart: [] });
    const [header] = first.headers.getSetCookie();
    expect(header).toMatch(/^session=[0-9a-f-]{36}\.[\w-]{27}; HttpOnly; Path=\/; SameSite=Lax$/);
    const sid = sidOf(header!);
    expect(store.container.get(sid)).toBe('{"visits":1}');

    await client.post('/cart/apple');
    const after = await client.post('/cart/pear');
    expect(after.json()).toEqual({ visits: 3, cart: ['apple', 'pear'] });
    expect(JSON.parse(store.container.get(sid)!)).toEqual({ visits: 3, cart: ['apple', 'pear'] });
    expect(store.container.size).toBe(1);
  });

  it('starts a new session for a tampered or unknown id', async () => {
    const { app, store } = createApp(SECRET);
    const client = app.testClient({ useCookies: false });
    const forged = new Signer({ secretKeys: 'other', salt: 'flask-session', keyDerivation: 'hmac' }).sign('stolen-id');
    store.container.set('stolen-id', '{"visits":41}');
    const r = await client.get('/', { headers: { cookie: `session=${forged}` } });
    expect(r.json()).toEqual({ visits: 1, cart: [] });
    expect(sidOf(r.headers.getSetCookie()[0]!)).not.toBe('stolen-id');
    const unknown = await client.get('/', { headers: { cookie: `session=${signer.sign('no-such-id')}` } });
    expect(unknown.json()).toEqual({ visits: 1, cart: [] });
  });

  it('deletes the record and the cookie when the session is emptied', async () => {
    const { app, store } = createApp(SECRET);
    const client = app.testClient();
    await client.get('/');
    const reset = await client.post('/reset');
    expect(reset.headers.getSetCookie()).toEqual(['session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/; SameSite=Lax']);
    expect(store.container.size).toBe(0);
  });

  it('reads ids signed with a key listed in SECRET_KEY_FALLBACKS', async () => {
    const { app, store } = createApp('new-secret');
    app.config.SECRET_KEY_FALLBACKS = [SECRET];
    store.container.set('kept', '{"visits":9}');
    const r = await app.testClient().get('/', { headers: { cookie: `session=${signer.sign('kept')}` } });
    expect(r.json()).toEqual({ visits: 10, cart: [] });
  });
});
