import { createServer, type RequestListener, type Server } from 'node:http';

export interface LoopbackServer {
  server: Server;
  port: number;
  /** e.g. `http://127.0.0.1:40123` */
  base: string;
  close(): Promise<void>;
}

/** A plain node:http server on 127.0.0.1 and a free port, for tests of the body helpers. */
export async function startLoopbackServer(listener: RequestListener): Promise<LoopbackServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    server,
    port: address.port,
    base: `http://127.0.0.1:${address.port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
