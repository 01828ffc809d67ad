/**
 * micro's Config loaders against what Flask's do. The expected values come
 * from Flask 3.1 itself, recorded in fixtures/flask-config.json by
 * fixtures/make_flask_config.py (run it again after a Flask upgrade).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Config } from '../src/config.js';

type Settings = Record<string, unknown>;
interface Fixture {
  generatedBy: string;
  fromPrefixedEnv: { env: Record<string, string>; before: Settings; prefix: string; returned?: true; after?: Settings; error?: string }[];
  fromMapping: { mapping: Settings | null; kwargs: Settings; returned: true; after: Settings }[];
  fromObject: { instance: Settings; classKeys: string[] };
  fromFile: {
    files: Record<string, string>;
    cases: { file: string; silent: boolean; returned?: boolean; after?: Settings; error?: string; message?: string }[];
  };
}

const flask = JSON.parse(readFileSync(new URL('./fixtures/flask-config.json', import.meta.url), 'utf8')) as Fixture;

/** Flask's config starts empty; micro's starts with its defaults. The rest must match. */
function expectSettings(config: Config, flaskAfter: Settings): void {
  expect({ ...config }).toEqual({ ...new Config(), ...flaskAfter });
}

describe(`fromPrefixedEnv matches ${flask.generatedBy}`, () => {
  it.each(flask.fromPrefixedEnv.map((c) => [Object.keys(c.env).join(' '), c] as const))('%s', (_, c) => {
    const config = new Config();
    Object.assign(config, structuredClone(c.before));
    const run = () => config.fromPrefixedEnv(c.prefix, { env: c.env });
    if (c.error) {
      expect(run).toThrow(); // Flask: TypeError; micro: a ConfigError naming the variable
      return;
    }
    expect(run()).toBe(c.returned);
    expectSettings(config, c.after!);
  });

  // Where JavaScript's JSON.parse and Python's json.loads part ways (Flask 3.1
  // values written out by hand): micro keeps what JSON.parse gives.
  it.each([
    ['NaN', 'NaN', "float('nan')"],
    ['Infinity', 'Infinity', "float('inf')"],
    ['12345678901234567890', 12345678901234567000, '12345678901234567890 (exact int)'],
    ['-0', -0, '0'],
  ] as [string, unknown, string][])('reads %s as %s (Flask: %s)', (text, micro) => {
    const config = new Config();
    config.fromPrefixedEnv('MICRO', { env: { MICRO_VALUE: text } });
    expect(config.VALUE).toBe(micro);
  });
});

describe(`fromMapping matches ${flask.generatedBy}`, () => {
  it.each(flask.fromMapping.map((c) => [JSON.stringify([c.mapping, c.kwargs]), c] as const))('%s', (_, c) => {
    const config = new Config();
    expect(config.fromMapping(c.mapping, c.kwargs)).toBe(c.returned);
    expectSettings(config, c.after);
  });
});

describe(`fromObject matches ${flask.generatedBy}`, () => {
  // The TypeScript twin of make_flask_config.py's classes.
  class BaseConfig {
    static DEBUG = false;
    static DATABASE = 'base.sqlite';
    static helper = 'lower-case: ignored';
    DEBUG = false;
    DATABASE = 'base.sqlite';
    helper = 'lower-case: ignored';
  }
  class ProductionConfig extends BaseConfig {
    static override DATABASE = 'prod.sqlite';
    static DB_SERVER = 'db.example.com';
    override DATABASE = 'prod.sqlite';
    DB_SERVER = 'db.example.com';
    get DATABASE_URI(): string {
      return `mysql://user@${this.DB_SERVER}/foo`;
    }
  }

  it('takes the upper-case attributes of an instance, getters included', () => {
    const config = new Config().fromObject(new ProductionConfig());
    expectSettings(config, flask.fromObject.instance);
  });

  it('takes the upper-case attributes of a class (a getter is an instance thing in both)', () => {
    const config = new Config().fromObject(ProductionConfig);
    const added = Object.keys(config).filter((key) => !(key in new Config()) || key === 'DEBUG');
    // Flask lists DATABASE_URI too, as the property object itself; a class's getter is not a static in TypeScript.
    expect(added.sort()).toEqual(flask.fromObject.classKeys.filter((key) => key !== 'DATABASE_URI'));
  });
});

describe(`fromFile matches ${flask.generatedBy}`, () => {
  const root = mkdtempSync(join(tmpdir(), 'micro-config-parity-'));
  for (const [name, text] of Object.entries(flask.fromFile.files)) writeFileSync(join(root, name), text);
  mkdirSync(join(root, 'folder'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(flask.fromFile.cases.map((c) => [`${c.file}${c.silent ? ' (silent)' : ''}`, c] as const))('%s', (_, c) => {
    const config = new Config(undefined, { rootPath: root });
    const run = () => config.fromFile(c.file, JSON.parse, { silent: c.silent });
    if (c.error === undefined) {
      expect(run()).toBe(c.returned);
      expectSettings(config, c.after!);
      return;
    }
    expect(run).toThrow();
    if (!c.error.startsWith('E')) return; // Flask: TypeError from from_mapping; micro: a ConfigError
    let error: NodeJS.ErrnoException | undefined;
    try {
      run();
    } catch (caught) {
      error = caught as NodeJS.ErrnoException;
    }
    expect(error?.code).toBe(c.error);
    expect(error?.message).toContain('Unable to load configuration file');
    expect(error?.message).toContain(join(root, c.file));
  });
});
