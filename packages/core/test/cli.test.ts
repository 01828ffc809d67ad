import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { App } from '@micro/core';
import { formatRoutes } from '../src/cli-commands.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/slow-app.ts', import.meta.url));

/** A port nobody listens on now (the debug child must keep one port across restarts, so not 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

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

  it('`micro run --debug` restarts the app when a file in its folder changes', async () => {
    const dir = await mkdtemp(join(fileURLToPath(new URL('./fixtures/', import.meta.url)), 'reload-'));
    const appFile = join(dir, 'app.ts');
    const writeApp = (text: string) =>
      writeFile(appFile, `import { App } from '../../../src/index.js';\nexport const app = new App();\napp.get('/', () => '${text}');\n`);
    await writeApp('first');
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'run', '--app', appFile, '--port', String(port), '--debug'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d.toString()));
    child.stderr.on('data', (d) => (output += d.toString()));
    const answer = async (expected: string) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const text = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text(), () => null);
        if (text === expected) return;
        if (Date.now() > deadline) throw new Error(`never answered ${JSON.stringify(expected)} (last: ${JSON.stringify(text)}); output:\n${output}`);
        await sleep(100);
      }
    };
    try {
      await answer('first');
      expect(output).toContain('(debug mode)');
      await writeApp('second');
      await answer('second');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);

  it('a missing --app prints usage and exits 2', async () => {
    await expect(run(process.execPath, ['--import', 'tsx', cli, 'run'])).rejects.toMatchObject({ code: 2 });
  });
});
