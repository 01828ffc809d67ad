// `micro run` and `micro routes` on the README's snippet, whose module ends with `await app.listen(5000)` (issue 17).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, runCli, startCli } from './cli-helpers.js';

const readme = join(fixtures, 'cli-readme');
const IGNORED = 'Ignoring app.listen(): the micro CLI serves this app';

const count = (text: string, part: string) => text.split(part).length - 1;

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

describe('micro run', { timeout: 30_000 }, () => {
  it("serves the README's snippet on the CLI's port; the module's app.listen(5000) is ignored and said so once", async () => {
    const cli = startCli(['run', '--port', '0'], { cwd: readme });
    try {
      const [, url] = await cli.waitFor(/Running on (\S+)/);
      expect(url).not.toContain(':5000');
      expect(await (await fetch(`${url}/?name=<Ada>`)).text()).toBe('Hello, &lt;Ada&gt;');
      expect(count(cli.output(), IGNORED)).toBe(1); // the module calls listen twice
      expect(cli.output()).toMatch(/WARNING in readme: Ignoring app\.listen\(\)/);
      expect(cli.output()).toContain(' * Debug mode: off');
    } finally {
      expect(await cli.stop()).toBe(0); // SIGTERM: graceful close, exit 0
    }
  });

  it("`micro routes` on the README's snippet prints the table and exits 0, binding nothing", async () => {
    const { code, stdout, stderr } = await runCli(['routes'], { cwd: readme });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^index\s+GET\s+\/$/m);
    expect(count(stderr, IGNORED)).toBe(1);
  });

  it('rejects a --port that is not a port number (exit 2)', async () => {
    const { code, stderr } = await runCli(['run', '--port', 'http'], { cwd: readme });
    expect(code).toBe(2);
    expect(stderr).toContain("Invalid value for '--port': 'http'");
  });

  it('`micro run --debug` restarts the app when a file in its folder changes', async () => {
    const dir = await mkdtemp(join(fixtures, 'cli-reload-'));
    const appFile = join(dir, 'app.ts');
    const writeApp = (text: string) =>
      writeFile(appFile, `import { App } from '../../../src/index.js';\nexport const app = new App();\napp.get('/', () => '${text}');\n`);
    await writeApp('first');
    const port = await freePort();
    const cli = startCli(['--app', appFile, 'run', '--port', String(port), '--debug']);
    // The restarted child reports its own banner: wait for the n-th one, then ask.
    const answerAfterStart = async (n: number, expected: string) => {
      await cli.waitFor(new RegExp(`(Running on[^]*){${n}}`));
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe(expected);
    };
    try {
      await answerAfterStart(1, 'first');
      expect(cli.output()).toContain(' * Debug mode: on');
      await writeApp('second');
      await answerAfterStart(2, 'second');
    } finally {
      await cli.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
