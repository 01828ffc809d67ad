// Runs the micro CLI from src as a user runs it: a child process, with tsx
// loading the TypeScript sources (the CLI's and the fixture apps').
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const cliFile = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** tsx's `--import` entry, by path: a fixture folder as the cwd must not decide which tsx loads. */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliOptions {
  cwd?: string;
  /** Added to this process's environment (MICRO_APP removed unless given). */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** The child is killed, and the call fails with its output, after this long. Default 15 s. */
  timeout?: number;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnCli(args: readonly string[], options: CliOptions): ChildProcessWithoutNullStreams {
  const env: NodeJS.ProcessEnv = { ...process.env, MICRO_APP: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return spawn(process.execPath, ['--import', tsxLoader, cliFile, ...args], { cwd: options.cwd ?? fixtures, env });
}

/** Run a command to its end; fails if it has not exited within the timeout (the CLI must never hang). */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`micro ${args.join(' ')} did not exit within ${options.timeout ?? 15_000} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeout ?? 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A running command (`micro run`): its output so far, a wait for a line, and a stop that awaits the exit. */
export interface RunningCli {
  readonly child: ChildProcessWithoutNullStreams;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout + stderr; rejects if the process exits first or after 15 s. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  stop(): Promise<number | null>;
}

export function startCli(args: readonly string[], options: CliOptions = {}): RunningCli {
  const child = spawnCli(args, options);
  let output = '';
  let exited: number | null | undefined;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  child.stdout.on('data', (d: Buffer) => ((output += d.toString()), notify()));
  child.stderr.on('data', (d: Buffer) => ((output += d.toString()), notify()));
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exited = code;
      notify();
      resolve(code);
    }),
  );
  return {
    child,
    output: () => output,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no ${pattern} within 15 s; output:\n${output}`)), 15_000);
        const check = () => {
          const match = pattern.exec(output);
          if (match) done(undefined, match);
          else if (exited !== undefined) done(new Error(`exited with ${exited} before ${pattern}; output:\n${output}`));
        };
        const done = (err?: Error, match?: RegExpExecArray) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve(match!);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (exited === undefined) child.kill('SIGTERM');
      return exit;
    },
  };
}
