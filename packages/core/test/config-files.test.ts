/** `config.fromFile` and `config.fromPrefixedEnv`, driven as an app would. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { App } from '@micro/core';
import { Config, ConfigError } from '../src/config.js';

const root = mkdtempSync(join(tmpdir(), 'micro-config-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(root, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** A loader a user might bring: `KEY = value` lines, values as JSON (a stand-in for a TOML parser). */
function parseKeyValues(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([^=#\s]+)\s*=\s*(.+?)\s*$/.exec(line);
    if (match) out[match[1]!] = JSON.parse(match[2]!);
  }
  return out;
}

describe('fromFile', () => {
  file('instance/config.json', JSON.stringify({ SECRET_KEY: 'from-file', DATABASE: 'instance/flaskr.sqlite', lower: 1 }));
  file('settings.toml', 'DEBUG = true\nUPLOAD_FOLDER = "/srv/uploads"\n# a comment\n');

  it('reads JSON without a loader, relative to rootPath, upper-case keys only, and returns true', () => {
    const config = new Config(undefined, { rootPath: root });
    expect(config.fromFile('instance/config.json')).toBe(true);
    expect(config.SECRET_KEY).toBe('from-file');
    expect(config.DATABASE).toBe('instance/flaskr.sqlite');
    expect(Object.keys(config)).not.toContain('lower');
  });

  it('hands the text to the loader given (a TOML or YAML parser in real apps)', () => {
    const config = new Config(undefined, { rootPath: root });
    expect(config.fromFile('settings.toml', parseKeyValues)).toBe(true);
    expect(config.DEBUG).toBe(true);
    expect(config.UPLOAD_FOLDER).toBe('/srv/uploads');
  });

  it('hands a Buffer with { text: false }', () => {
    const seen: unknown[] = [];
    const config = new Config(undefined, { rootPath: root });
    config.fromFile(
      'settings.toml',
      (bytes: Buffer) => {
        seen.push(bytes);
        return parseKeyValues(bytes.toString('utf8'));
      },
      { text: false },
    );
    expect(Buffer.isBuffer(seen[0])).toBe(true);
    expect(config.DEBUG).toBe(true);
  });

  it('resolves against process.cwd() by default, and takes absolute paths as they are', () => {
    const cwd = vi.spyOn(process, 'cwd').mockReturnValue(root);
    try {
      const config = new Config();
      expect(config.rootPath).toBe(root);
      expect(config.fromFile('instance/config.json')).toBe(true);
    } finally {
      cwd.mockRestore();
    }
    const config = new Config(undefined, { rootPath: '/nonexistent' });
    expect(config.fromFile(join(root, 'instance/config.json'))).toBe(true);
    expect(config.SECRET_KEY).toBe('from-file');
  });

  it('rootPath is settable and is not a setting', () => {
    const config = new Config();
    config.rootPath = join(root, 'instance');
    expect(config.fromFile('config.json')).toBe(true);
    expect(Object.keys(config)).not.toContain('rootPath');
    expect(config.toJSON()).not.toHaveProperty('rootPath');
  });

  it('names the missing file and says what to do; { silent: true } returns false instead', () => {
    const config = new Config(undefined, { rootPath: root });
    const missing = join(root, 'instance/missing.json');
    expect(() => config.fromFile('instance/missing.json')).toThrow(
      `Unable to load configuration file ${missing} (ENOENT). Create it, fix the path (a relative path starts at config.rootPath, ${root}), or pass { silent: true } to skip a missing file.`,
    );
    try {
      config.fromFile('instance/missing.json');
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
      expect((error as NodeJS.ErrnoException).path).toBe(missing);
    }
    expect(config.fromFile('instance/missing.json', { silent: true })).toBe(false);
    expect(config.fromFile('instance/missing.json', JSON.parse, { silent: true })).toBe(false);
  });

  it("names the file when the loader cannot parse it, or when it holds no object", () => {
    file('broken.json', '{"DEBUG": tru');
    file('list.json', '[1, 2]');
    const config = new Config(undefined, { rootPath: root });
    expect(() => config.fromFile('broken.json')).toThrow(ConfigError);
    expect(() => config.fromFile('broken.json')).toThrow(`Could not read config file ${join(root, 'broken.json')}: `);
    expect(() => config.fromFile('list.json')).toThrow(`Config file ${join(root, 'list.json')} must hold an object of settings; it holds an array.`);
  });

  it('refuses an asynchronous loader with a way out', () => {
    const config = new Config(undefined, { rootPath: root });
    expect(() => config.fromFile('settings.toml', async (text: string) => parseKeyValues(text))).toThrow(
      /returned a promise\. Pass a synchronous parser, or load the file yourself and pass the result to fromMapping\(\)/,
    );
  });

  it("loads the instance folder's config in an application factory (the Flask tutorial's pattern)", async () => {
    function createApp(testConfig?: Record<string, unknown>): App {
      const app = new App({ config: { SECRET_KEY: 'dev', DATABASE: join(root, 'instance/flaskr.sqlite') } });
      app.config.rootPath = join(root, 'instance');
      if (testConfig === undefined) app.config.fromFile('config.json', JSON.parse, { silent: true });
      else app.config.fromMapping(testConfig);
      app.get('/db', function db() {
        return app.config.get<string>('DATABASE') ?? 'none';
      });
      return app;
    }
    expect((await createApp().testClient().get('/db')).text).toBe('instance/flaskr.sqlite');
    expect((await createApp({ TESTING: true, DATABASE: ':memory:' }).testClient().get('/db')).text).toBe(':memory:');
  });
});

describe('fromPrefixedEnv', () => {
  it('strips MICRO_, parses values as JSON and keeps text that is not JSON', () => {
    const config = new Config();
    const env = {
      MICRO_SECRET_KEY: 'not-json-so-kept-as-text',
      MICRO_DEBUG: 'true',
      MICRO_DATABASE: '"quoted.sqlite"',
      MICRO_POOL_SIZE: '5',
      MICRO_ADMINS: '["ada@example.com"]',
      OTHER_TESTING: 'true',
    };
    expect(config.fromPrefixedEnv('MICRO', { env })).toBe(true);
    expect(config.SECRET_KEY).toBe('not-json-so-kept-as-text');
    expect(config.DEBUG).toBe(true);
    expect(config.DATABASE).toBe('quoted.sqlite');
    expect(config.POOL_SIZE).toBe(5);
    expect(config.ADMINS).toEqual(['ada@example.com']);
    expect(config.TESTING).toBe(false);
    expect(() => config.validate()).not.toThrow();
  });

  it('reads process.env by default, with the prefix MICRO', () => {
    vi.stubEnv('MICRO_UPLOAD_FOLDER', '/srv/uploads');
    try {
      const config = new Config();
      config.fromPrefixedEnv();
      expect(config.UPLOAD_FOLDER).toBe('/srv/uploads');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('sets nested keys through a double underscore, keeping the rest of an existing object', () => {
    const config = new Config({ SQLALCHEMY: { POOL_SIZE: 1, ECHO: false } });
    config.fromPrefixedEnv('MICRO', { env: { MICRO_SQLALCHEMY__POOL_SIZE: '10', MICRO_CACHE__REDIS__URL: 'redis://cache' } });
    expect(config.SQLALCHEMY).toEqual({ POOL_SIZE: 10, ECHO: false });
    expect(config.CACHE).toEqual({ REDIS: { URL: 'redis://cache' } });
  });

  it('names the variable when a nested key lands in something that is not an object', () => {
    const config = new Config({ DATABASE: 'app.sqlite' });
    expect(() => config.fromPrefixedEnv('MICRO', { env: { MICRO_DATABASE__PATH: 'x' } })).toThrow(
      'Environment variable MICRO_DATABASE__PATH sets a key inside config.DATABASE, which is a string, not an object.',
    );
  });

  it('uses the loads function given, falling back to the text when it throws', () => {
    const config = new Config();
    const loads = (text: string): unknown => {
      if (!/^\d+$/.test(text)) throw new Error('not a number');
      return Number(text);
    };
    config.fromPrefixedEnv('APP', { loads, env: { APP_WORKERS: '4', APP_NAME: 'true' } });
    expect(config.WORKERS).toBe(4);
    expect(config.NAME).toBe('true');
  });

  it("refuses a variable that would replace one of config's methods", () => {
    expect(() => new Config().fromPrefixedEnv('MICRO', { env: { MICRO_validate: '1' } })).toThrow(
      'Environment variable MICRO_validate would replace config.validate; rename the variable.',
    );
  });

  it('gives MICRO_DEBUG=1 the number 1, as Flask, which validate() rejects naming the key', () => {
    const config = new Config();
    config.fromPrefixedEnv('MICRO', { env: { MICRO_DEBUG: '1' } });
    expect(config.DEBUG).toBe(1);
    expect(() => config.validate()).toThrow('Config key DEBUG must be a boolean; got 1 (number).');
  });
});

describe('the instance folder (Flask instance_path, instance_relative_config)', () => {
  it('defaults to instance/ under rootPath; config files resolve against rootPath', () => {
    const app = new App({ rootPath: root });
    expect(app.instancePath).toBe(join(root, 'instance'));
    file('settings.json', '{"DATABASE": "from-root"}');
    expect(app.config.fromFile('settings.json')).toBe(true);
    expect(app.config.DATABASE).toBe('from-root');
  });

  it('with instanceRelativeConfig, config files resolve against the instance folder; static files still against rootPath', () => {
    const app = new App({ rootPath: root, instanceRelativeConfig: true });
    file('instance/config.json', '{"DATABASE": "from-instance", "SECRET_KEY": "deploy"}');
    expect(app.config.fromFile('config.json')).toBe(true);
    expect([app.config.DATABASE, app.config.SECRET_KEY]).toEqual(['from-instance', 'deploy']);
    expect(app.staticFolder).toBe(join(root, 'static'));
    expect(new App({ rootPath: root, instancePath: '/srv/app-instance' }).instancePath).toBe('/srv/app-instance');
  });
});
