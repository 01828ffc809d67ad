import { describe, expect, it } from 'vitest';
import { App, ServiceUnavailable, session, type Request, type Response, type SessionInterface, type SessionLike } from '@micro/core';
import { quietApp } from './helpers.js';

/** A tiny in-memory SessionLike, enough to test how core drives the slot. */
class MapSession extends Map<string, unknown> implements SessionLike<Record<string, unknown>> {
  permanent = false;
  isNew = true;
  modified = false;
  accessed = false;
  override get(key: string, defaultValue?: unknown): never {
    this.accessed = true;
    return (super.has(key) ? super.get(key) : defaultValue) as never;
  }
  override set(key: string, value: unknown): this {
    this.modified = true;
    return super.set(key, value);
  }
  pop(key: string, defaultValue?: unknown): never {
    const v = this.get(key, defaultValue);
    this.delete(key);
    return v;
  }
  setdefault(key: string, value: unknown): never {
    if (!this.has(key)) this.set(key, value);
    return this.get(key);
  }
}

function recordingInterface(log: string[], options: { failOpen?: boolean; async?: boolean } = {}): SessionInterface<MapSession> {
  return {
    openSession(_app: App, request: Request) {
      log.push('open');
      if (options.failOpen) throw new ServiceUnavailable('store down');
      const s = new MapSession();
      const v = request.cookies.get('s');
      if (v) s.set('v', v), (s.modified = false);
      return options.async ? Promise.resolve(s) : s;
    },
    saveSession(_app: App, s: MapSession, response: Response) {
      log.push('save');
      if (s.modified) response.setCookie('s', String(s.get('v')));
    },
    makeNullSession() {
      return Object.assign(new MapSession(), { null: true });
    },
    isNullSession(s: MapSession) {
      return 'null' in s;
    },
  };
}

describe('the session slot', () => {
  for (const async of [false, true]) {
    it(`opens before before-request hooks and saves after every after-request hook (${async ? 'async' : 'sync'})`, async () => {
      const log: string[] = [];
      const app = new App();
      app.sessionInterface = recordingInterface(log, { async });
      app.beforeRequest(() => void log.push('before'));
      app.afterRequest(() => void log.push('after1'));
      app.afterRequest(() => void log.push('after2'));
      app.get('/set/<v>', function setV({ v }) {
        log.push('view');
        session.set('v', v);
        return 'ok';
      });
      app.get('/get', function getV() {
        return String(session.get('v'));
      });
      const client = app.testClient();
      const res = await client.get('/set/hello');
      expect(log).toEqual(['open', 'before', 'view', 'after2', 'after1', 'save']);
      expect(res.headers.get('set-cookie')).toMatch(/^s=hello/);
      expect((await client.get('/get')).text).toBe('hello');
    });
  }

  it('a store failure when opening is a 503 and nothing is saved', async () => {
    const log: string[] = [];
    const app = quietApp();
    app.sessionInterface = recordingInterface(log, { failOpen: true });
    app.get('/', function index() {
      return 'never';
    });
    const res = await app.testClient().get('/');
    expect(res.status).toBe(503);
    expect(log).toEqual(['open']);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('a store failure when saving is a 503 and the save is not retried', async () => {
    const log: string[] = [];
    const app = quietApp();
    const si = recordingInterface(log);
    si.saveSession = () => {
      log.push('save');
      throw new ServiceUnavailable('store down');
    };
    app.sessionInterface = si;
    app.get('/', function index() {
      session.set('v', 'x');
      return 'ok';
    });
    const res = await app.testClient().get('/');
    expect(res.status).toBe(503);
    expect(log).toEqual(['open', 'save']);
  });
});
