/**
 * Finding the app as `flask --app` does (Flask's locate_app and
 * find_best_app): the module comes from `--app`, else MICRO_APP, else
 * app.ts, app.js, src/app.ts or src/app.js in the current folder; in the
 * module, `app` or `application`, else the default export, else the only
 * App among the exports, else a `createApp` or `makeApp` factory, called.
 * `file:name` picks an export (a function is called) and
 * `file:createApp("dev")` calls a factory with JSON arguments.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { App } from '../app.js';
import { CliError } from './cli-error.js';
import { importAppModule } from './import-app-module.js';

/** The files tried, in order, when neither --app nor MICRO_APP names one. */
export const DEFAULT_APP_FILES = ['app.ts', 'app.js', 'src/app.ts', 'src/app.js'] as const;
/** Factories called when a module exports no app (Flask looks for create_app and make_app). */
export const FACTORY_NAMES = ['createApp', 'makeApp'] as const;
const APP_NAMES = ['app', 'application'] as const;
const EXTENSIONS = ['.ts', '.js', '.mts', '.mjs', '.cts', '.cjs'];

/** Where the app was found, and how it was named. */
export interface AppSpec {
  /** The app's module, absolute. */
  readonly file: string;
  /** After `:`: an export's name. */
  readonly name?: string | undefined;
  /** After `:name(…)`: the arguments the factory is called with. */
  readonly callArgs?: readonly unknown[] | undefined;
  /** What named it, for messages: `--app`, `MICRO_APP` or the default file. */
  readonly from: string;
}

/** A located app with the module it came from (its exports go into `micro shell`). */
export interface LocatedApp {
  readonly app: App;
  readonly module: Record<string, unknown>;
  readonly spec: AppSpec;
}

/** The app's module and expression, from `--app`, MICRO_APP or the default files in `cwd`. */
export function findAppSpec(option: string | undefined, env: NodeJS.ProcessEnv, cwd: string): AppSpec {
  const given = option ?? env.MICRO_APP;
  if (given !== undefined && given !== '') {
    return parseAppOption(given, cwd, option !== undefined ? '--app' : 'MICRO_APP');
  }
  for (const candidate of DEFAULT_APP_FILES) {
    const file = resolve(cwd, candidate);
    if (isFile(file)) return { file, from: candidate };
  }
  throw new CliError(
    'Could not locate a micro app. Use the --app option, set the MICRO_APP environment variable, ' +
      `or put ${DEFAULT_APP_FILES.join(', ')} in the current folder.`,
  );
}

/** `path`, `path:name` or `path:name(args)`; a colon followed by a slash is part of the path (`C:\\app.ts`). */
export function parseAppOption(text: string, cwd: string, from: string): AppSpec {
  const colon = expressionColon(text);
  const path = colon === -1 ? text : text.slice(0, colon);
  const expr = colon === -1 ? undefined : text.slice(colon + 1).trim();
  const file = resolveModuleFile(path, cwd, from);
  if (expr === undefined) return { file, from };
  const call = /^([A-Za-z_$][\w$]*)\s*(?:\(([\s\S]*)\))?$/.exec(expr);
  if (!call) throw new CliError(`${from}: '${expr}' is neither an export's name nor a call such as createApp() (in '${text}').`);
  if (call[2] === undefined) return { file, name: call[1], from };
  let callArgs: unknown[];
  try {
    callArgs = call[2].trim() === '' ? [] : (JSON.parse(`[${call[2]}]`) as unknown[]);
  } catch {
    throw new CliError(`${from}: the arguments of ${call[1]}(…) must be JSON values, such as ${call[1]}("dev") or ${call[1]}({"TESTING": true}); got (${call[2]}).`);
  }
  return { file, name: call[1], callArgs, from };
}

/** The colon that starts the expression: not a drive's (`C:`), not one before a slash (`C:\\`, `file:///`). -1: none. */
function expressionColon(text: string): number {
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
    const drive = i === 1 && /^[a-zA-Z]/.test(text);
    if (!drive && text[i + 1] !== '/' && text[i + 1] !== '\\') return i;
  }
  return -1;
}

/** A file as given, else with a module extension added (`--app hello` finds hello.ts, as `flask --app hello` finds hello.py). */
function resolveModuleFile(path: string, cwd: string, from: string): string {
  const file = resolve(cwd, path);
  if (isFile(file)) return file;
  for (const ext of EXTENSIONS) if (isFile(file + ext)) return file + ext;
  if (existsSync(file)) throw new CliError(`${from}: ${path} is a folder; name the app's file (such as ${path}/app.ts).`);
  throw new CliError(`${from}: could not find ${path} (from ${cwd}).`);
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Import the module and find (or make) its app. */
export async function locateApp(spec: AppSpec): Promise<LocatedApp> {
  const module = await importAppModule(spec.file);
  const app = spec.name !== undefined ? await appByName(module, spec) : await findBestApp(module, spec);
  return { app, module, spec };
}

/** Duck-typed: the app may come from another copy of @micro/core than the CLI's (src and dist, two installs). */
export function isApp(value: unknown): value is App {
  const candidate = value as Partial<App> | null | undefined;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.listen === 'function' && candidate.router !== undefined && candidate.config !== undefined;
}

/** The module's exports; a CommonJS module's `module.exports` object counts as exports too. */
function exportsOf(module: Record<string, unknown>): Record<string, unknown> {
  const fallback = module.default;
  if (fallback && typeof fallback === 'object' && !isApp(fallback)) return { ...(fallback as Record<string, unknown>), ...module };
  return module;
}

async function findBestApp(module: Record<string, unknown>, spec: AppSpec): Promise<App> {
  const exports = exportsOf(module);
  for (const name of APP_NAMES) if (isApp(exports[name])) return exports[name];
  if (isApp(exports.default)) return exports.default;
  const apps = Object.entries(exports).filter(([, value]) => isApp(value));
  const distinct = new Set(apps.map(([, value]) => value));
  if (distinct.size === 1) return apps[0]![1] as App;
  if (distinct.size > 1) {
    throw new CliError(
      `Detected several micro apps in ${spec.file} (${apps.map(([name]) => name).join(', ')}). Use '--app ${spec.file}:name' to pick one.`,
    );
  }
  const defaultFactory = typeof exports.default === 'function' ? (exports.default as { name?: string }).name : undefined;
  for (const name of FACTORY_NAMES) {
    const factory = exports[name] ?? (defaultFactory === name ? exports.default : undefined);
    if (typeof factory === 'function') return callFactory(factory as (...args: unknown[]) => unknown, name, [], spec);
  }
  throw new CliError(
    `Could not find a micro app or factory in ${spec.file} (found by ${spec.from}). Export the App as 'app' or as the ` +
      `default export, or a factory named ${FACTORY_NAMES.join(' or ')}; or use '--app ${spec.file}:name'.`,
  );
}

async function appByName(module: Record<string, unknown>, spec: AppSpec): Promise<App> {
  const name = spec.name!;
  const exports = exportsOf(module);
  if (!(name in exports)) throw new CliError(`${spec.from}: ${spec.file} has no export named '${name}'.`);
  const value = exports[name];
  if (typeof value === 'function') return callFactory(value as (...args: unknown[]) => unknown, name, spec.callArgs ?? [], spec);
  if (spec.callArgs) throw new CliError(`${spec.from}: '${name}' in ${spec.file} is not a function, so it cannot be called.`);
  if (isApp(value)) return value;
  throw new CliError(`${spec.from}: '${name}' in ${spec.file} is not a micro App.`);
}

async function callFactory(factory: (...args: unknown[]) => unknown, name: string, args: readonly unknown[], spec: AppSpec): Promise<App> {
  const app = await factory(...args);
  if (!isApp(app)) throw new CliError(`The factory '${name}' in ${spec.file} returned ${app === undefined ? 'nothing' : 'something other than'} a micro App.`);
  return app;
}
