import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { App } from '@micro/core';

const fixture = fileURLToPath(new URL('./fixtures/slow-app.ts', import.meta.url));

describe('serving', () => {
  it('listen() serves on a port and close() stops it', async () => {
    const app = new App();
    app.get('/', function index() {
      return 'up';
    });
    const server = await app.listen(0, '127.0.0.1', { handleSignals: false });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(server.url)).text()).toBe('up');
    await server.close();
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('app.handler mounts in any node:http server', async () => {
    const { createServer } = await import('node:http');
    const app = new App();
    app.get('/mounted', function mounted() {
      return 'yes';
    });
    const server = createServer(app.handler).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    expect(await (await fetch(`http://127.0.0.1:${port}/mounted`)).text()).toBe('yes');
    server.close();
  });

  it('maxConnections: a client over the cap is refused while the open connections are served', async () => {
    const { connect } = await import('node:net');
    const app = new App();
    app.get('/', function index() {
      return 'served';
    });
    const server = await app.listen(0, '127.0.0.1', { handleSignals: false, maxConnections: 2 });
    const open = (): Promise<import('node:net').Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect(server.port, '127.0.0.1', () => resolve(socket));
        socket.once('error', reject);
      });
    const exchange = (socket: import('node:net').Socket): Promise<string> =>
      new Promise((resolve) => {
        let out = '';
        const onData = (d: Buffer) => {
          out += d.toString();
          if (out.endsWith('served')) {
            socket.off('data', onData);
            resolve(out);
          }
        };
        socket.on('data', onData);
        socket.once('close', () => resolve(out));
        socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
      });
    const [a, b] = [await open(), await open()];
    expect(await exchange(a)).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*served$/);
    // The third connection is accepted by the kernel, then closed by node without an answer.
    const c = await open();
    expect(await exchange(c)).toBe('');
    expect(c.destroyed || c.readableEnded).toBe(true);
    // The two open ones are still served.
    expect(await exchange(b)).toMatch(/served$/);
    expect(await exchange(a)).toMatch(/served$/);
    a.destroy();
    b.destroy();
    await server.close();
  });

  it('shuts down gracefully on SIGTERM: the in-flight request finishes, then the process exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: { ...process.env, START_SERVER: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d.toString();
        const m = /READY (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    const inFlight = fetch(`${url}/slow`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGTERM');
    const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(await inFlight).toBe('finished');
    expect(exitCode).toBe(0);
  });
});
