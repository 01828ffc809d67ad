import { createServer, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '../app.js';

export interface ListenOptions {
  /** Time allowed to receive the request headers (slow clients). Default 20 000 ms. */
  headersTimeout?: number;
  /** Time allowed to receive the whole request. Default 60 000 ms. */
  requestTimeout?: number;
  /** Idle keep-alive connections are closed after this. Default 5 000 ms. */
  keepAliveTimeout?: number;
  /** Largest request header block accepted; larger gets 431. Default 16 KiB. */
  maxHeaderSize?: number;
  /**
   * Most connections open at once; a client over the cap has its connection
   * closed at once, while the open ones are served. Bounds the memory and file
   * descriptors a flood of idle connections can take. Default 10 000.
   */
  maxConnections?: number;
  /** Close gracefully on SIGTERM and SIGINT. Default true. */
  handleSignals?: boolean;
  /** How long a graceful close waits for in-flight requests before cutting them. Default 10 000 ms. */
  shutdownTimeout?: number;
}

/** A running server. */
export interface MicroServer {
  readonly server: Server;
  readonly port: number;
  readonly host: string;
  /** e.g. `http://127.0.0.1:5000` */
  readonly url: string;
  /** Stop accepting, let in-flight requests finish (up to shutdownTimeout), then resolve. */
  close(): Promise<void>;
}

const DEFAULT_MAX_CONNECTIONS = 10_000;

/** Serve `app` with node:http on `host:port`, with timeouts and a connection cap set for the open internet. */
export async function listen(app: App, port: number, host: string, options: ListenOptions = {}): Promise<MicroServer> {
  const serverOptions: ServerOptions = {
    headersTimeout: options.headersTimeout ?? 20_000,
    requestTimeout: options.requestTimeout ?? 60_000,
    keepAliveTimeout: options.keepAliveTimeout ?? 5_000,
    maxHeaderSize: options.maxHeaderSize ?? 16 * 1024,
  };
  // Node checks the timeouts above only every 30 s by default; check often enough to matter.
  serverOptions.connectionsCheckingInterval = Math.min(1_000, serverOptions.headersTimeout!);
  const server = createServer(serverOptions, app.handler);
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shutdownTimeout = options.shutdownTimeout ?? 10_000;
  let closing: Promise<void> | undefined;

  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => server.closeAllConnections(), shutdownTimeout);
      timer.unref();
      server.close(() => {
        clearTimeout(timer);
        // Then what the app opened for its requests (app.onClose), e.g. a session store's connection.
        void app.close().then(resolve);
      });
      server.closeIdleConnections();
    }));

  if (options.handleSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals) => {
      app.logger.info(`${signal} received: closing the server gracefully`);
      void close().then(() => process.exit(0));
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    server.once('close', () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    });
  }

  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, port: address.port, host: address.address, url: `http://${shownHost}:${address.port}`, close };
}
