/**
 * A loopback TCP proxy that a test can cut: `down()` drops every connection and
 * refuses new ones, `blackhole()` accepts bytes and never answers, `up()` restores
 * service. It simulates network outages for servers the test may not restart.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from './services.js';

export interface TcpProxy {
  readonly port: number;
  down(): Promise<void>;
  blackhole(): void;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let silent = false;
  let server: Server | undefined;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        sockets.add(client);
        client.on('close', () => sockets.delete(client));
        client.on('error', () => client.destroy());
        if (silent) return; // swallow everything: the peer waits forever
        const upstream = connect(targetPort, targetHost);
        sockets.add(upstream);
        upstream.on('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.on('data', (chunk) => {
          if (!silent) upstream.write(chunk);
        });
        upstream.on('data', (chunk) => {
          if (!silent) client.write(chunk);
        });
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });

  await listen();
  return {
    port,
    down: stop,
    blackhole() {
      silent = true;
    },
    async up() {
      silent = false;
      if (!server) await listen();
    },
    close: stop,
  };
}
