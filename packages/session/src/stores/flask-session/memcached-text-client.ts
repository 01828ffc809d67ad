/**
 * The few memcached text-protocol commands the Flask-Session layout needs
 * (protocol.txt: gets, set, add, cas, delete, touch), with values as raw bytes
 * and flags 0. Why not memcache-client: it tags a Buffer with flag 8 (which
 * pylibmc and python-memcached read as "zlib-compressed") and turns a flag-0
 * value into a UTF-8 string, which mangles Flask-Session's msgpack bytes.
 *
 * One connection, commands pipelined in order. A timeout or a broken connection
 * fails every command in flight with StoreUnavailableError and drops the socket;
 * the next command connects again. A VALUE larger than `maxValueBytes` is
 * refused before it is buffered.
 */
import { createConnection, type Socket } from 'node:net';
import { DEFAULT_STORE_TIMEOUT_MS, StoreUnavailableError } from '../errors.js';

export interface MemcachedTextClientOptions {
  host: string;
  port: number;
  /** A command with no answer after this many ms fails (and the connection is dropped). Default 2000. */
  timeoutMs?: number;
  /** Largest value accepted from the server. Default 1 MiB (memcached's default item size limit). */
  maxValueBytes?: number;
}

export interface MemcachedHit {
  value: Buffer;
  flags: number;
  cas: string;
}

/** The server refused a command (ERROR, CLIENT_ERROR, SERVER_ERROR): a bug or a limit, not an outage. */
export class MemcachedReplyError extends Error {
  constructor(readonly reply: string) {
    super(`memcached answered ${reply}`);
    this.name = 'MemcachedReplyError';
  }
}

interface Pending {
  retrieval: boolean;
  hit?: MemcachedHit;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/** memcached keys: 1–250 bytes, no spaces or control characters. */
export function isMemcachedKey(key: string): boolean {
  return /^[\x21-\x7e]{1,250}$/.test(key);
}

export class MemcachedTextClient {
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly timeoutMs: number;
  private readonly maxValueBytes: number;
  private closed = false;

  constructor(private readonly options: MemcachedTextClientOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    this.maxValueBytes = options.maxValueBytes ?? 1024 * 1024;
  }

  /** The value under `key` with its CAS token, or null. */
  gets(key: string): Promise<MemcachedHit | null> {
    return this.send(Buffer.from(`gets ${checked(key)}\r\n`), true) as Promise<MemcachedHit | null>;
  }

  /** set/add/cas with flags 0. Resolves to the server's word: STORED, NOT_STORED, EXISTS or NOT_FOUND. */
  store(command: 'set' | 'add' | 'cas', key: string, value: Buffer, exptime: number, cas?: string): Promise<string> {
    const head = `${command} ${checked(key)} 0 ${exptime} ${value.length}${command === 'cas' ? ` ${cas}` : ''}\r\n`;
    return this.send(Buffer.concat([Buffer.from(head), value, Buffer.from('\r\n')]), false) as Promise<string>;
  }

  /** DELETED or NOT_FOUND. */
  delete(key: string): Promise<string> {
    return this.send(Buffer.from(`delete ${checked(key)}\r\n`), false) as Promise<string>;
  }

  /** TOUCHED or NOT_FOUND. */
  touch(key: string, exptime: number): Promise<string> {
    return this.send(Buffer.from(`touch ${checked(key)} ${exptime}\r\n`), false) as Promise<string>;
  }

  /** Close the connection; later commands fail. */
  close(): void {
    this.closed = true;
    this.fail(new StoreUnavailableError('memcached', 'the client was closed'));
  }

  private send(command: Buffer, retrieval: boolean): Promise<unknown> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('memcached', 'the client was closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ retrieval, resolve, reject });
      this.connection().write(command);
      this.armTimer();
    });
  }

  private connection(): Socket {
    if (this.socket) return this.socket;
    const socket = createConnection({ host: this.options.host, port: this.options.port });
    socket.setNoDelay(true);
    // Events of a socket already dropped (after a timeout) must not fail the commands of its successor.
    socket.on('data', (chunk: Buffer) => {
      if (this.socket === socket) this.onData(chunk);
    });
    socket.on('error', (err) => {
      if (this.socket === socket) this.fail(new StoreUnavailableError('memcached', err.message, { cause: err }));
    });
    socket.on('close', () => {
      if (this.socket === socket) this.fail(new StoreUnavailableError('memcached', 'the connection closed'));
    });
    this.socket = socket;
    return socket;
  }

  private armTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    this.timer = setTimeout(() => this.fail(new StoreUnavailableError('memcached', `no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    this.timer.unref();
  }

  /** Drop the connection (its replies can no longer be matched to commands) and fail what is in flight. */
  private fail(err: Error): void {
    const socket = this.socket;
    this.socket = undefined;
    this.buffer = Buffer.alloc(0);
    socket?.destroy();
    for (const p of this.pending.splice(0)) p.reject(err);
    this.armTimer();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const p = this.pending[0];
      if (!p) {
        if (this.buffer.length) this.fail(new StoreUnavailableError('memcached', 'the server sent a reply nobody asked for'));
        return;
      }
      const eol = this.buffer.indexOf('\r\n');
      if (eol < 0) {
        if (this.buffer.length > 1024) this.fail(new StoreUnavailableError('memcached', 'a reply line is too long'));
        return;
      }
      const line = this.buffer.subarray(0, eol).toString('latin1');
      if (p.retrieval && line.startsWith('VALUE ')) {
        const [, , flags, bytes, cas] = line.split(' ');
        const size = Number(bytes);
        if (!Number.isSafeInteger(size) || size < 0 || size > this.maxValueBytes) {
          this.fail(new StoreUnavailableError('memcached', `a value of ${bytes} bytes is over the ${this.maxValueBytes}-byte limit`));
          return;
        }
        if (this.buffer.length < eol + 2 + size + 2) return; // wait for the whole value
        p.hit = { value: Buffer.from(this.buffer.subarray(eol + 2, eol + 2 + size)), flags: Number(flags), cas: cas ?? '' };
        this.buffer = this.buffer.subarray(eol + 2 + size + 2);
        continue;
      }
      this.buffer = this.buffer.subarray(eol + 2);
      this.pending.shift();
      this.armTimer();
      if (line === 'ERROR' || line.startsWith('CLIENT_ERROR') || line.startsWith('SERVER_ERROR')) p.reject(new MemcachedReplyError(line));
      else if (p.retrieval) p.resolve(line === 'END' ? (p.hit ?? null) : Promise.reject(new MemcachedReplyError(line)));
      else p.resolve(line);
    }
  }
}

function checked(key: string): string {
  if (!isMemcachedKey(key)) throw new TypeError('A memcached key must be 1–250 printable ASCII characters without spaces.');
  return key;
}
