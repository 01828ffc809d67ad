import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Config, ConfigError, DEFAULT_CONFIG } from '../src/config.js';

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
  it('names an unknown key set by plain assignment and suggests the real one', () => {
    const config = new Config();
    (config as unknown as Record<string, unknown>).SECRT_KEY = 'x';
    const error = validationError(config);
    expect(error.message).toMatch(/SECRT_KEY/);
    expect(error.message).toMatch(/Did you mean SECRET_KEY\?/);
    expect(error.keys).toEqual(['SECRT_KEY']);
  });

  it('suggests the upper-case key for a lower-case one', () => {
    const config = new Config();
    (config as unknown as Record<string, unknown>).debug = true;
    expect(validationError(config).message).toMatch(/Did you mean DEBUG\?/);
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

  it('reports every problem at once', () => {
    const config = new Config();
    Object.assign(config, { DEBUG: 'no', MAX_FORM_PARTS: 1.5, SERVR_NAME: 'x' });
    const error = validationError(config);
    expect(error.keys.sort()).toEqual(['DEBUG', 'MAX_FORM_PARTS', 'SERVR_NAME']);
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
