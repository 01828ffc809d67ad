/**
 * Importing the app's module, TypeScript included, without tsx being a
 * dependency of @micro/core:
 *
 * 1. tsx installed in the app's project (resolved from the app's folder): it
 *    is loaded as `node --import tsx` loads it, and runs any TypeScript.
 * 2. Otherwise Node's own type stripping (Node 22.18+, 23.6+, 24), which runs
 *    erasable TypeScript only: no enum, namespace, parameter properties or
 *    decorators. micro adds one resolve hook so that the nodenext convention
 *    `import { db } from './db.js'` finds `db.ts` (Node looks only for
 *    `db.js` and fails with ERR_MODULE_NOT_FOUND).
 * 3. Neither: the CLI asks for tsx by name.
 */
import * as nodeModule from 'node:module';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { CliError } from './cli-error.js';

export const INSTALL_TSX = 'This app is TypeScript: install tsx (npm i -D tsx) or use Node ≥ 22.18';

/** A TypeScript source by its extension: .ts, .mts, .cts, .tsx. */
export function isTypeScriptFile(file: string): boolean {
  return /\.[cm]?tsx?$/.test(file);
}

/** How a TypeScript app will be run here: tsx from the app's project, Node's stripping, or not at all. */
export function typeScriptRunner(appFile: string): { kind: 'tsx'; loader: string } | { kind: 'node' } | { kind: 'none' } {
  const loader = resolveTsx(appFile);
  if (loader) return { kind: 'tsx', loader };
  return nodeStripsTypes() ? { kind: 'node' } : { kind: 'none' };
}

/** Import the app's module (an absolute path), its TypeScript run as described above. */
export async function importAppModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (!isTypeScriptFile(file)) return (await import(url)) as Record<string, unknown>;
  const runner = typeScriptRunner(file);
  if (runner.kind === 'none') throw new CliError(`${INSTALL_TSX} (this is Node ${process.version}).`, 1);
  if (runner.kind === 'tsx') {
    await import(pathToFileURL(runner.loader).href);
    return (await import(url)) as Record<string, unknown>;
  }
  registerJsToTsResolution();
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    if (!isStrippingFailure(err)) throw err;
    throw new CliError(
      `Node ${process.version} could not run ${file}:\n${describeFailure(err)}\n` +
        "Node runs TypeScript by stripping types, which covers erasable syntax only (no enum, namespace, parameter properties or decorators). " +
        'This app is TypeScript: install tsx (npm i -D tsx) and micro runs it with tsx.',
      1,
      { cause: err },
    );
  }
}

/**
 * tsx's main entry (what `node --import tsx` loads), resolved from the app's
 * folder so that the app's own tsx is used. Not `tsx/esm/api` here: from
 * another folder only its CommonJS build can be resolved without flags, and
 * that build fails to register on Node 20.
 */
function resolveTsx(appFile: string): string | undefined {
  try {
    return createRequire(appFile).resolve('tsx');
  } catch {
    return undefined;
  }
}

/** `process.features.typescript`: 'strip' on Node 22.18+ and 24 (or with --experimental-strip-types), false or absent otherwise. */
function nodeStripsTypes(): boolean {
  const mode = (process.features as { typescript?: unknown }).typescript;
  return mode === 'strip' || mode === 'transform';
}

type ResolveResult = { url: string };
type NextResolve = (specifier: string, context: { parentURL?: string | undefined }) => ResolveResult;
type RegisterHooks = (hooks: {
  resolve(specifier: string, context: { parentURL?: string | undefined }, next: NextResolve): ResolveResult;
}) => unknown;

let hookRegistered = false;

/**
 * TypeScript's nodenext convention names the emitted file (`./db.js`); when
 * no such file exists next to a `.ts` importer, try the source (`./db.ts`),
 * as tsx and TypeScript's own resolution do. `module.registerHooks` (Node
 * 22.15+, so every Node that strips types by default) runs in this thread.
 */
function registerJsToTsResolution(): void {
  const registerHooks = (nodeModule as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (hookRegistered || !registerHooks) return;
  hookRegistered = true;
  registerHooks({
    resolve(specifier, context, next) {
      try {
        return next(specifier, context);
      } catch (err) {
        const source = sourceSpecifier(specifier, context.parentURL);
        if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || source === undefined) throw err;
        try {
          return next(source, context);
        } catch {
          throw err; // the .js that was asked for is the one to report
        }
      }
    },
  });
}

/** `./db.js` → `./db.ts` (and .mjs → .mts, .cjs → .cts) for a relative import from a TypeScript file; else undefined. */
function sourceSpecifier(specifier: string, parentURL: string | undefined): string | undefined {
  if (!parentURL?.startsWith('file:') || !/^\.{1,2}\//.test(specifier)) return undefined;
  if (!/\.[cm]?ts$/.test(new URL(parentURL).pathname)) return undefined;
  const match = /\.([cm]?)js$/.exec(specifier);
  return match ? `${specifier.slice(0, match.index)}.${match[1]}ts` : undefined;
}

/** Errors of TypeScript that type stripping cannot run (a true syntax error reads the same; the message says both). */
function isStrippingFailure(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX' || code === 'ERR_INVALID_TYPESCRIPT_SYNTAX' || err instanceof SyntaxError;
}

/** A syntax error's stack starts with the file, line and a caret under the token: keep that, drop the frames. */
function describeFailure(err: unknown): string {
  const stack = String((err as Error).stack ?? err);
  const at = stack.search(/\n\s+at /);
  return (at === -1 ? stack : stack.slice(0, at)).trim();
}
