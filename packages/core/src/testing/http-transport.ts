import { Agent, createServer, request as httpRequest } from 'node:http';
import type { RequestListener, Server, ServerOptions } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { PreparedRequest, TestExchange, TestTransport } from './test-client.js';

interface Endpoint {
  server: Server;
  agent: Agent;
  port: number;
}

/**
 * Real HTTP over loopback: a node:http server around `listener` on
 * 127.0.0.1, and node's own HTTP client. For the tests that exist to check
 * the wire (framing, timeouts, disconnects); everything else is faster
 * in-process.
 */
export function httpTransport(listener: RequestListener, serverOptions: ServerOptions): TestTransport {
  // One server per scheme: the https one marks its sockets encrypted, so the app sees https.
  const endpoints = new Map<string, Promise<Endpoint>>();
  let inFlight = 0;

  const endpoint = (protocol: string): Promise<Endpoint> => {
    let started = endpoints.get(protocol);
    if (!started) {
      started = start(listener, serverOptions, protocol === 'https:', () => inFlight);
      endpoints.set(protocol, started);
      // A failed start is retried by the next request.
      started.catch(() => endpoints.delete(protocol));
    }
    return started;
  };

  // While a request is pending, keep the process alive (a plain script would otherwise exit mid-request).
  const track = (delta: number): void => {
    inFlight += delta;
    for (const started of endpoints.values()) {
      void started.then(({ server }) => (inFlight > 0 ? server.ref() : server.unref()), () => undefined);
    }
  };

  return {
    async send(prepared: PreparedRequest): Promise<TestExchange> {
      const target = await endpoint(prepared.url.protocol);
      track(1);
      try {
        return await exchange(target, prepared);
      } finally {
        track(-1);
      }
    },
    async close(): Promise<void> {
      const all = [...endpoints.values()];
      endpoints.clear();
      await Promise.all(
        all.map(async (started) => {
          const { server, agent } = await started;
          agent.destroy();
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        }),
      );
    },
  };
}

function start(listener: RequestListener, options: ServerOptions, encrypted: boolean, inFlight: () => number): Promise<Endpoint> {
  const server = createServer(options, (req, res) => {
    try {
      listener(req, res);
    } catch (error) {
      // Keep the test process alive and show the failure in the response.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Internal Server Error\n\n${error instanceof Error ? error.stack : String(error)}`);
    }
  });
  server.on('connection', (socket: Socket) => {
    // The app reads `socket.encrypted` for the scheme, as it would behind TLS.
    if (encrypted) Object.defineProperty(socket, 'encrypted', { value: true, configurable: true });
    // Idle keep-alive sockets must not hold the process open.
    socket.unref();
  });
  return new Promise<Endpoint>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      // A forgotten close() must never keep vitest waiting.
      if (inFlight() === 0) server.unref();
      const { port } = server.address() as AddressInfo;
      resolve({ server, port, agent: new Agent({ keepAlive: true }) });
    });
  });
}

function exchange(target: Endpoint, prepared: PreparedRequest): Promise<TestExchange> {
  const { method, url, headers, body } = prepared;
  return new Promise<TestExchange>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: target.port, agent: target.agent, method, path: url.pathname + url.search, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const responseHeaders = new Headers();
          const raw = res.rawHeaders;
          for (let i = 0; i < raw.length; i += 2) responseHeaders.append(raw[i]!, raw[i + 1]!);
          resolve({ status: res.statusCode!, headers: responseHeaders, body: Buffer.concat(chunks) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
