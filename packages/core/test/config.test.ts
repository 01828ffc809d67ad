import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { App } from '@micro/core';
import { Config, ConfigError, DEFAULT_CONFIG } from '../src/config.js';
import { editDistance } from '../src/config/misspelled-key.js';

function validationError(config: Config): ConfigError {
  try {
    config.validate();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('validate() did not throw');
}

describe('Config defaults', () => {
  it("has Flask's defaults, except SameSite Lax and an empty fallback list", () => {
    const config = new Config();
    expect(config.DEBUG).toBe(false);
    expect(config.TESTING).toBe(false);
    expect(config.SECRET_KEY).toBeNull();
    expect(config.SECRET_KEY_FALLBACKS).toEqual([]);
    expect(config.SERVER_NAME).toBeNull();
    expect(config.APPLICATION_ROOT).toBe('/');
    expect(config.PREFERRED_URL_SCHEME).toBe('http');
    expect(config.MAX_CONTENT_LENGTH).toBeNull();
    expect(config.MAX_FORM_MEMORY_SIZE).toBe(500_000);
    expect(config.MAX_FORM_PARTS).toBe(1_000);
    expect(config.SESSION_COOKIE_NAME).toBe('session');
    expect(config.SESSION_COOKIE_DOMAIN).toBeNull();
    expect(config.SESSION_COOKIE_PATH).toBeNull();
    expect(config.SESSION_COOKIE_HTTPONLY).toBe(true);
    expect(config.SESSION_COOKIE_SECURE).toBe(false);
    expect(config.SESSION_COOKIE_PARTITIONED).toBe(false);
    expect(config.SESSION_COOKIE_SAMESITE).toBe('Lax');
    expect(config.PERMANENT_SESSION_LIFETIME).toBe(31 * 24 * 60 * 60);
    expect(config.SESSION_REFRESH_EACH_REQUEST).toBe(true);
    expect(config.MAX_COOKIE_SIZE).toBe(4093);
    expect(config.PROPAGATE_EXCEPTIONS).toBeNull();
    expect(config.TRUSTED_HOSTS).toBeNull();
    expect(() => config.validate()).not.toThrow();
  });

  it('exposes the same defaults read-only in DEFAULT_CONFIG', () => {
    const config = new Config();
    for (const [key, value] of Object.entries(DEFAULT_CONFIG)) {
      expect(config[key as keyof Config]).toEqual(value);
    }
    expect(Object.keys(DEFAULT_CONFIG).sort()).toEqual(Object.keys(config).sort());
    expect(() => {
      (DEFAULT_CONFIG as { DEBUG: boolean }).DEBUG = true;
    }).toThrow(TypeError);
  });

  it('gives each config its own copy of list defaults', () => {
    const a = new Config();
    a.SECRET_KEY_FALLBACKS.push('old');
    expect(new Config().SECRET_KEY_FALLBACKS).toEqual([]);
  });

  it('keys are plain own data properties', () => {
    const config = new Config();
    config.SECRET_KEY = 'dev';
    const descriptor = Object.getOwnPropertyDescriptor(config, 'SECRET_KEY');
    expect(descriptor).toMatchObject({ value: 'dev', writable: true });
    expect(descriptor?.get).toBeUndefined();
  });
});

describe('fromObject', () => {
  it('copies only upper-case keys', () => {
    const config = new Config().fromObject({ DEBUG: true, SECRET_KEY: 'k', helper: 1, MixedCase: 2 });
    expect(config.DEBUG).toBe(true);
    expect(config.SECRET_KEY).toBe('k');
    expect(Object.keys(config)).not.toContain('helper');
    expect(Object.keys(config)).not.toContain('MixedCase');
  });

  it('reads static fields of a class, like a Flask config class', () => {
    class ProductionConfig {
      static SESSION_COOKIE_SECURE = true;
      static MAX_CONTENT_LENGTH = 16 * 1024 * 1024;
    }
    const config = new Config().fromObject(ProductionConfig);
    expect(config.SESSION_COOKIE_SECURE).toBe(true);
    expect(config.MAX_CONTENT_LENGTH).toBe(16 * 1024 * 1024);
  });

  it('turns a lifetime object into seconds', () => {
    const config = new Config({ PERMANENT_SESSION_LIFETIME: { days: 1, hours: 2, minutes: 3, seconds: 4 } });
    expect(config.PERMANENT_SESSION_LIFETIME).toBe(86_400 + 7_200 + 180 + 4);
  });
});

describe('fromObject, as Flask from_object', () => {
  it('reads inherited static fields of a config class hierarchy', () => {
    class BaseConfig {
      static DEBUG = false;
      static DATABASE = 'base.sqlite';
    }
    class DevelopmentConfig extends BaseConfig {
      static override DEBUG = true;
      static UPLOAD_FOLDER = '/tmp/uploads';
    }
    const config = new Config().fromObject(DevelopmentConfig);
    expect(config.DEBUG).toBe(true);
    expect(config.DATABASE).toBe('base.sqlite');
    expect(config.UPLOAD_FOLDER).toBe('/tmp/uploads');
  });

  it("reads an instance's fields and its classes' getters (Flask's @property)", () => {
    class BaseConfig {
      TESTING = false;
      DB_SERVER = '192.168.1.56';
      get DATABASE_URI(): string {
        return `mysql://user@${this.DB_SERVER}/foo`;
      }
      helper(): string {
        return 'not a setting';
      }
    }
    class ProductionConfig extends BaseConfig {
      override DB_SERVER = 'db.example.com';
    }
    const config = new Config().fromObject(new ProductionConfig());
    expect(config.DATABASE_URI).toBe('mysql://user@db.example.com/foo');
    expect(config.DB_SERVER).toBe('db.example.com');
    expect(config.TESTING).toBe(false);
    expect(Object.keys(config)).not.toContain('helper');
  });

  it('reads a module namespace', async () => {
    const settings = await import('./fixtures/config/settings.js');
    const config = new Config().fromObject(settings);
    expect(config.DATABASE).toBe('module.sqlite');
    expect(config.SECRET_KEY).toBe('from-module');
    expect(Object.keys(config)).not.toContain('helper');
  });
});

describe('fromMapping, as Flask from_mapping', () => {
  it('copies upper-case keys of a mapping, then of kwargs, and returns true', () => {
    const config = new Config();
    expect(config.fromMapping({ DATABASE: 'a', SECRET_KEY: 'k', lower: 1 }, { DATABASE: 'b' })).toBe(true);
    expect(config.DATABASE).toBe('b');
    expect(config.SECRET_KEY).toBe('k');
    expect(Object.keys(config)).not.toContain('lower');
  });

  it('takes a Map, and kwargs alone', () => {
    const config = new Config();
    config.fromMapping(new Map([['DEBUG', true]]));
    config.fromMapping(null, { TESTING: true });
    expect(config.DEBUG).toBe(true);
    expect(config.TESTING).toBe(true);
  });

  it('turns a lifetime object into seconds, as fromObject', () => {
    const config = new Config();
    config.fromMapping({ PERMANENT_SESSION_LIFETIME: { days: 7 } });
    expect(config.PERMANENT_SESSION_LIFETIME).toBe(7 * 86_400);
  });

  it('refuses what is not a mapping', () => {
    expect(() => new Config().fromMapping([['DEBUG', true]] as never)).toThrow(/takes an object or a Map of settings; got an array/);
  });
});

describe("the app's own keys", () => {
  it('are set and read back by assignment, fromMapping and get()', () => {
    const config = new Config();
    config.DATABASE = '/var/app.sqlite';
    config.fromMapping({ UPLOAD_FOLDER: '/srv/uploads' });
    expect(config.DATABASE).toBe('/var/app.sqlite');
    expect(config.get('UPLOAD_FOLDER')).toBe('/srv/uploads');
    const folder: string | undefined = config.get<string>('UPLOAD_FOLDER');
    expect(folder).toBe('/srv/uploads');
    expect(config.get('MISSING')).toBeUndefined();
    expect(config.get('MISSING', 10)).toBe(10);
    // micro's own keys keep their types through get()
    const debug: boolean = config.get('DEBUG');
    expect(debug).toBe(false);
  });

  it('appear in toJSON(), secret-looking ones redacted', () => {
    const config = new Config({ DATABASE: 'x', API_TOKEN: 'hunter2' });
    expect(config.toJSON()).toMatchObject({ DATABASE: 'x', API_TOKEN: '[redacted]' });
  });

  it('survive start-up: new App({ config }) and a view reading app.config', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      const app = new App({ config: { DATABASE: 'flaskr.sqlite', UPLOAD_FOLDER: '/tmp/up' } });
      app.config.ADMIN_EMAIL = 'ada@example.com';
      app.get('/', function index() {
        return { database: app.config.DATABASE, uploads: app.config.get<string>('UPLOAD_FOLDER'), admin: app.config.ADMIN_EMAIL };
      });
      const res = await app.testClient().get('/');
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ database: 'flaskr.sqlite', uploads: '/tmp/up', admin: 'ada@example.com' });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('a typo of a micro key warns at start-up and the app still serves', async () => {
    const app = new App({ config: { SECRET_KYE: 'dev' } });
    const warn = vi.spyOn(app.logger, 'warn').mockImplementation(() => {});
    try {
      app.get('/', function index() {
        return String(app.config.SECRET_KEY);
      });
      const res = await app.testClient().get('/');
      expect(res.text).toBe('null');
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('SECRET_KYE: did you mean SECRET_KEY?'));
    } finally {
      warn.mockRestore();
    }
  });

  it('a wrong type for a micro key still fails start-up, naming the key', async () => {
    const app = new App({ config: { DATABASE: 'x' } });
    (app.config as unknown as Record<string, unknown>).MAX_CONTENT_LENGTH = '16MB';
    app.get('/', function index() {
      return 'never';
    });
    await expect(app.testClient().get('/')).rejects.toThrow(/MAX_CONTENT_LENGTH must be a non-negative integer/);
  });
});

describe('fromEnv', () => {
  it('parses each variable by its key type', () => {
    const config = new Config().fromEnv('MICRO_', {
      MICRO_DEBUG: '1',
      MICRO_TESTING: 'yes',
      MICRO_SESSION_COOKIE_HTTPONLY: 'false',
      MICRO_MAX_CONTENT_LENGTH: '1024',
      MICRO_MAX_FORM_PARTS: 'null',
      MICRO_SECRET_KEY: 'from-env',
      MICRO_SECRET_KEY_FALLBACKS: '["a","b"]',
      MICRO_SESSION_COOKIE_SAMESITE: 'None',
      MICRO_PERMANENT_SESSION_LIFETIME: '{"days": 2}',
      MICRO_TRUSTED_HOSTS: '["example.com"]',
      MICRO_APP: 'ignored, the CLI reads it',
      OTHER_DEBUG: '0',
    });
    expect(config.DEBUG).toBe(true);
    expect(config.TESTING).toBe(true);
    expect(config.SESSION_COOKIE_HTTPONLY).toBe(false);
    expect(config.MAX_CONTENT_LENGTH).toBe(1024);
    expect(config.MAX_FORM_PARTS).toBeNull();
    expect(config.SECRET_KEY).toBe('from-env');
    expect(config.SECRET_KEY_FALLBACKS).toEqual(['a', 'b']);
    expect(config.SESSION_COOKIE_SAMESITE).toBe('None');
    expect(config.PERMANENT_SESSION_LIFETIME).toBe(2 * 86_400);
    expect(config.TRUSTED_HOSTS).toEqual(['example.com']);
    expect(Object.keys(config)).not.toContain('APP');
    expect(() => config.validate()).not.toThrow();
  });

  it('uses another prefix when asked', () => {
    const config = new Config().fromEnv('MYAPP_', { MYAPP_DEBUG: 'on', MICRO_TESTING: 'true' });
    expect(config.DEBUG).toBe(true);
    expect(config.TESTING).toBe(false);
  });

  it.each([
    ['MICRO_DEBUG', 'maybe', /MICRO_DEBUG must be a boolean.*"maybe"/],
    ['MICRO_MAX_CONTENT_LENGTH', '1kb', /MICRO_MAX_CONTENT_LENGTH must be an integer/],
    ['MICRO_TRUSTED_HOSTS', '[broken', /MICRO_TRUSTED_HOSTS must be JSON/],
  ])('names the variable %s when it cannot be parsed', (name, value, message) => {
    expect(() => new Config().fromEnv('MICRO_', { [name]: value })).toThrow(message);
    expect(() => new Config().fromEnv('MICRO_', { [name]: value })).toThrow(ConfigError);
  });

  it('never echoes a secret that fails to parse', () => {
    const secret = '["hunter2"';
    let message = '';
    try {
      new Config().fromEnv('MICRO_', { MICRO_SECRET_KEY_FALLBACKS: secret });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/MICRO_SECRET_KEY_FALLBACKS/);
    expect(message).not.toContain('hunter2');
  });
});

describe('validate', () => {
  function warningsOf(config: Config): string[] {
    const warnings: string[] = [];
    config.validate({ warn: (message) => void warnings.push(message) });
    return warnings;
  }

  it("accepts the app's own upper-case keys silently, as Flask", () => {
    const config = new Config({ DATABASE: 'app.sqlite', UPLOAD_FOLDER: '/tmp/uploads' });
    config.ADMINS = ['ada@example.com'];
    expect(warningsOf(config)).toEqual([]);
    expect(config.DATABASE).toBe('app.sqlite');
  });

  it('warns about a key one swap away from a known one, naming both, and does not throw', () => {
    const config = new Config();
    config.SECRET_KYE = 'x';
    const warnings = warningsOf(config);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('SECRET_KYE: did you mean SECRET_KEY?');
  });

  it.each([
    ['SECRT_KEY', 'SECRET_KEY'], // deletion
    ['SERVER_NAMES', 'SERVER_NAME'], // insertion
    ['SESSION_COOKIE_SECURF', 'SESSION_COOKIE_SECURE'], // substitution
    ['DEBGU', 'DEBUG'], // swap of neighbours
    ['debug', 'DEBUG'], // case only
    ['Secret_Key', 'SECRET_KEY'], // case only
    ['secret_kye', 'SECRET_KEY'], // case and a swap
  ])('takes %s for a typo of %s', (key, meant) => {
    const config = new Config();
    (config as unknown as Record<string, unknown>)[key] = true;
    expect(warningsOf(config)).toEqual([expect.stringContaining(`${key}: did you mean ${meant}?`)]);
  });

  it.each(['SECRET_KEY_2', 'DEBUG_TOOLBAR', 'SERVER', 'UPLOAD_FOLDER', 'DBUEG'])(
    'keeps %s, two or more edits from every known key, silent',
    (key) => {
      const config = new Config();
      (config as unknown as Record<string, unknown>)[key] = 1;
      expect(warningsOf(config)).toEqual([]);
    },
  );

  it('warns through console.warn when no logger is given', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const config = new Config({ SERVR_NAME: 'example.com' });
      config.validate();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('SERVR_NAME: did you mean SERVER_NAME?'));
    } finally {
      warn.mockRestore();
    }
  });

  it('guards keys a package defines too', () => {
    Config.defineKey('TEST_GUARD_MODE', { default: 'a', check: () => null });
    const config = new Config({ TEST_GAURD_MODE: 'b' });
    expect(warningsOf(config)).toEqual([expect.stringContaining('TEST_GAURD_MODE: did you mean TEST_GUARD_MODE?')]);
  });

  it.each([
    ['DEBUG', 'yes', /DEBUG must be a boolean/],
    ['MAX_CONTENT_LENGTH', -1, /MAX_CONTENT_LENGTH must be a non-negative integer or null/],
    ['SESSION_COOKIE_SAMESITE', 'lax', /SESSION_COOKIE_SAMESITE must be 'Strict', 'Lax', 'None' or null/],
    ['SERVER_NAME', 'https://example.com', /SERVER_NAME must be a host name/],
    ['APPLICATION_ROOT', 'app', /APPLICATION_ROOT must be a path/],
    ['TRUSTED_HOSTS', 'example.com', /TRUSTED_HOSTS must be a list of host names or null/],
    ['PERMANENT_SESSION_LIFETIME', '31d', /PERMANENT_SESSION_LIFETIME must be a number of seconds/],
  ])('rejects an ill-typed %s, saying what is expected', (key, value, message) => {
    const config = new Config();
    (config as unknown as Record<string, unknown>)[key] = value;
    const error = validationError(config);
    expect(error.message).toMatch(message);
    expect(error.keys).toEqual([key]);
  });

  it('reports every problem at once, after warning about typos', () => {
    const config = new Config();
    Object.assign(config, { DEBUG: 'no', MAX_FORM_PARTS: 1.5, SERVR_NAME: 'x' });
    const warnings: string[] = [];
    let error: unknown;
    try {
      config.validate({ warn: (message) => void warnings.push(message) });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).keys.sort()).toEqual(['DEBUG', 'MAX_FORM_PARTS']);
    expect(warnings).toEqual([expect.stringContaining('SERVR_NAME: did you mean SERVER_NAME?')]);
  });

  it('describes an ill-typed secret without printing it', () => {
    const config = new Config();
    (config as unknown as Record<string, unknown>).SECRET_KEY = 12345678;
    const error = validationError(config);
    expect(error.message).toMatch(/SECRET_KEY must be a string or Buffer or null; got number/);
    expect(error.message).not.toContain('12345678');
  });

  it('accepts a Buffer secret and normalises an assigned lifetime object', () => {
    const config = new Config();
    config.SECRET_KEY = Buffer.from('k');
    (config as unknown as Record<string, unknown>).PERMANENT_SESSION_LIFETIME = { hours: 1 };
    config.validate();
    expect(config.PERMANENT_SESSION_LIFETIME).toBe(3600);
  });
});

describe('toJSON and inspect', () => {
  it('redacts secrets', () => {
    const config = new Config({ SECRET_KEY: 'hunter2', SECRET_KEY_FALLBACKS: ['old1', 'old2'], DEBUG: true });
    const json = config.toJSON();
    expect(json.SECRET_KEY).toBe('[redacted]');
    expect(json.SECRET_KEY_FALLBACKS).toEqual(['[redacted]', '[redacted]']);
    expect(json.DEBUG).toBe(true);
    expect(JSON.stringify(config)).not.toContain('hunter2');
    expect(inspect(config)).not.toContain('hunter2');
    expect(inspect(config)).toContain('SECRET_KEY');
  });

  it('keeps an unset secret as null', () => {
    expect(new Config().toJSON().SECRET_KEY).toBeNull();
  });
});

describe('defineKey', () => {
  it('lets a package add a key with a default, a check and env parsing', () => {
    Config.defineKey('TEST_PLUGIN_MODE', {
      default: 'fast',
      check: (v) => (v === 'fast' || v === 'safe' ? null : "'fast' or 'safe'"),
    });
    const config = new Config();
    const values = config as unknown as Record<string, unknown>;
    expect(values.TEST_PLUGIN_MODE).toBe('fast');
    expect((DEFAULT_CONFIG as unknown as Record<string, unknown>).TEST_PLUGIN_MODE).toBe('fast');
    config.fromEnv('MICRO_', { MICRO_TEST_PLUGIN_MODE: 'safe' });
    expect(values.TEST_PLUGIN_MODE).toBe('safe');
    values.TEST_PLUGIN_MODE = 'reckless';
    expect(validationError(config).message).toMatch(/TEST_PLUGIN_MODE must be 'fast' or 'safe'/);
  });

  it('fills in keys defined after a config was created', () => {
    const config = new Config();
    Config.defineKey('TEST_PLUGIN_LIMIT', { default: 10, check: (v) => (typeof v === 'number' ? null : 'a number') });
    config.validate();
    expect((config as unknown as Record<string, unknown>).TEST_PLUGIN_LIMIT).toBe(10);
  });

  it('redacts keys marked secret', () => {
    Config.defineKey('TEST_PLUGIN_API', { default: null, secret: true, check: () => null });
    const config = new Config({ TEST_PLUGIN_API: 'abc' });
    expect(config.toJSON().TEST_PLUGIN_API).toBe('[redacted]');
  });

  it('refuses a default that fails its own check, and lower-case keys', () => {
    expect(() => Config.defineKey('TEST_BAD', { default: 1, check: () => 'a string' })).toThrow(TypeError);
    expect(() => Config.defineKey('lower', { default: 1, check: () => null })).toThrow(TypeError);
    expect(Config.hasKey('TEST_BAD')).toBe(false);
  });
});

describe('editDistance (Damerau–Levenshtein, optimal string alignment)', () => {
  it.each([
    ['SECRET_KEY', 'SECRET_KEY', 0],
    ['SECRET_KYE', 'SECRET_KEY', 1], // swap of neighbours
    ['SECRT_KEY', 'SECRET_KEY', 1],
    ['SECRET_KEYS', 'SECRET_KEY', 1],
    ['SECRET_KEX', 'SECRET_KEY', 1],
    ['DBUEG', 'DEBUG', 2],
    ['CA', 'ABC', 3], // optimal string alignment: no edit of a swapped pair
    ['', 'ABC', 3],
  ])('%s → %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});
