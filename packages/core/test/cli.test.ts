import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { App } from '@micro/core';
import { formatRoutes } from '../src/cli-commands.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/slow-app.ts', import.meta.url));

describe('micro CLI', () => {
  it('formats routes like `flask routes`', () => {
    const app = new App();
    app.route('/login', { methods: ['GET', 'POST'] })(function login() {
      return '';
    });
    const table = formatRoutes(app).split('\n');
    expect(table[0]).toMatch(/^Endpoint\s+Methods\s+Rule$/);
    expect(table[2]).toMatch(/^login\s+GET, POST\s+\/login$/);
  });

  it('`micro routes --app file.ts` loads a TypeScript app and prints its routes', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', cli, 'routes', '--app', fixture]);
    expect(stdout).toMatch(/slow\s+GET\s+\/slow/);
    expect(stdout).toMatch(/fast\s+GET\s+\/fast/);
  });

  it('`micro run` serves the app and prints its URL', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'run', '--app', fixture, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d.toString();
          const m = /Running on (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      expect(await (await fetch(`${url}/fast`)).text()).toBe('fast');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('a missing --app prints usage and exits 2', async () => {
    await expect(run(process.execPath, ['--import', 'tsx', cli, 'run'])).rejects.toMatchObject({ code: 2 });
  });
});
