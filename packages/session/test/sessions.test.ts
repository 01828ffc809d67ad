import { describe, expect, it } from 'vitest';
import { App, Config, ConfigError, DEFAULT_CONFIG, type Request, type Response } from '@micro/core';
import {
  EncryptedCookieSessionInterface,
  SecureCookieSessionInterface,
  Session,
  SessionInterface,
  registerSessionType,
  session,
  sessionTypes,
  sessions,
} from '@micro/session';
import { quietApp } from './helpers.js';

describe('sessions(app)', () => {
  it('installs the signed cookie interface by default', () => {
    const app = new App();
    expect(app.config.SESSION_TYPE).toBe('cookie');
    expect(DEFAULT_CONFIG.SESSION_TYPE).toBe('cookie');
    expect(sessions(app)).toBeInstanceOf(SecureCookieSessionInterface);
    expect(app.sessionInterface).toBeInstanceOf(SecureCookieSessionInterface);
  });

  it('reads SESSION_TYPE from the config, the environment, or the options', () => {
    const fromEnv = new App();
    fromEnv.config.fromEnv('MICRO_', { MICRO_SESSION_TYPE: 'encrypted-cookie' });
    expect(sessions(fromEnv)).toBeInstanceOf(EncryptedCookieSessionInterface);
    expect(sessions(new App(), { type: 'encrypted-cookie' })).toBeInstanceOf(EncryptedCookieSessionInterface);
  });

  it('names the known types when SESSION_TYPE is unknown', () => {
    const app = new App({ config: { SESSION_TYPE: 'redis-typo' } });
    expect(() => sessions(app)).toThrow(ConfigError);
    expect(() => sessions(app)).toThrow(/Unknown SESSION_TYPE "redis-typo"\. Known types: cookie, encrypted-cookie/);
  });

  it('validates SESSION_TYPE with the rest of the config', () => {
    const config = new Config({ SESSION_TYPE: 42 as unknown as string });
    expect(() => config.validate()).toThrow(/SESSION_TYPE must be a session type name/);
  });

  it('lets a package register a type, and refuses to take a name silently', async () => {
    class Fixed extends SessionInterface {
      openSession(): Session {
        return new Session({ from: 'fixed' }, { isNew: false });
      }
      saveSession(app: App, s: Session, response: Response): void {
        if (this.prepareSave(app, s, response)) this.setSessionCookie(app, response, 'fixed', s);
      }
    }
    const factory = () => new Fixed();
    registerSessionType('fixed-test', factory);
    registerSessionType('fixed-test', factory); // the same factory again is fine
    expect(() => registerSessionType('fixed-test', () => new Fixed())).toThrow(/already registered/);
    expect(sessionTypes()).toContain('fixed-test');
    const app = quietApp({ config: { SESSION_TYPE: 'fixed-test' } });
    sessions(app);
    app.get('/', () => String(session.get('from')));
    const r = await app.testClient().get('/');
    expect(r.text).toBe('fixed');
    expect(r.headers.get('vary')).toBe('Cookie');
  });

  it('installs an interface passed in, whatever SESSION_TYPE says', () => {
    const mine = {
      openSession: (_a: App, _r: Request) => null,
      saveSession: () => undefined,
      makeNullSession: () => new Session(),
      isNullSession: () => true,
    };
    const app = new App();
    expect(sessions(app, { interface: mine })).toBe(mine);
    expect(app.sessionInterface).toBe(mine);
  });
});
