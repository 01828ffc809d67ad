/**
 * The file half of `Config.fromFile` (Flask's `from_file`): read a settings
 * file and hand its content to a loader.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';

export interface FromFileOptions {
  /** Return `false` instead of throwing when the file is missing (or is a folder). Default: `false`. */
  silent?: boolean;
  /** Hand the loader the content as UTF-8 text; `false` hands it a Buffer. Default: `true`. */
  text?: boolean;
}

/** Turns a file's content into settings: `JSON.parse`, or a TOML/YAML parser's `parse`. */
export type ConfigFileLoader = ((content: string) => unknown) | ((content: Buffer) => unknown);

/**
 * Reads `file` (relative paths start at `rootPath`) and returns what `load`
 * makes of it, or `undefined` for a missing file when `silent`.
 */
export function readConfigFile(
  rootPath: string,
  file: string,
  load: ConfigFileLoader,
  { silent = false, text = true }: FromFileOptions,
): unknown {
  const path = resolve(rootPath, file);
  let content: string | Buffer;
  try {
    content = text ? readFileSync(path, 'utf8') : readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Flask's from_file is silent for ENOENT and EISDIR only; anything else (EACCES, ENOTDIR) still raises.
    if (silent && (code === 'ENOENT' || code === 'EISDIR')) return undefined;
    throw unableToLoad(path, rootPath, error as NodeJS.ErrnoException);
  }
  let loaded: unknown;
  try {
    loaded = (load as (content: string | Buffer) => unknown)(content);
  } catch (error) {
    throw new ConfigError(`Could not read config file ${path}: ${(error as Error)?.message ?? String(error)}`, [], {
      cause: error,
    });
  }
  if (loaded instanceof Promise) {
    loaded.catch(() => {}); // nobody awaits it; keep a rejection from crashing the process
    throw new TypeError(
      `The loader given to fromFile(${JSON.stringify(file)}) returned a promise. ` +
        'Pass a synchronous parser, or load the file yourself and pass the result to fromMapping().',
    );
  }
  if (!isMapping(loaded)) {
    const what = loaded === null ? 'null' : Array.isArray(loaded) ? 'an array' : typeof loaded;
    throw new ConfigError(`Config file ${path} must hold an object of settings; it holds ${what}.`);
  }
  return loaded;
}

export function isMapping(value: unknown): value is Record<string, unknown> | ReadonlyMap<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Flask re-raises the OSError as "Unable to load configuration file (<reason>)"; so do we, with the code kept. */
function unableToLoad(path: string, rootPath: string, cause: NodeJS.ErrnoException): Error {
  const reason = cause.code ?? cause.message;
  const hint =
    cause.code === 'ENOENT'
      ? ` Create it, fix the path (a relative path starts at config.rootPath, ${rootPath}), or pass { silent: true } to skip a missing file.`
      : '';
  const error = new Error(`Unable to load configuration file ${path} (${reason}).${hint}`, { cause }) as NodeJS.ErrnoException;
  error.code = cause.code;
  error.errno = cause.errno;
  error.path = path;
  error.syscall = cause.syscall;
  return error;
}
