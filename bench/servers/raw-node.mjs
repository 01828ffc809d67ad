// The ceiling: node:http with a hand-rolled HMAC-SHA256 signed cookie, no framework.
// Cookie value: base64url(JSON) "." base64url(HMAC-SHA256(secret, payload)).
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import escapeHtml from 'escape-html';
import { HELLO, HOST, LOGGED_OUT, PORT, SECRET, loggedIn, ready } from './lib/common.mjs';

const COOKIE = 'session';

function sign(payload) {
  return createHmac('sha256', SECRET).update(payload).digest('base64url');
}

function encode(data) {
  const payload = Buffer.from(JSON.stringify(data)).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

/** A missing or tampered cookie is an empty session, never an error (as in Flask). */
function decode(header) {
  if (!header) return {};
  const start = header.indexOf(`${COOKIE}=`);
  if (start === -1 || (start > 0 && header[start - 1] !== ' ' && header[start - 1] !== ';')) return {};
  const end = header.indexOf(';', start);
  const value = header.slice(start + COOKIE.length + 1, end === -1 ? undefined : end);
  const dot = value.lastIndexOf('.');
  if (dot === -1) return {};
  const payload = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1), 'base64url');
  const expected = Buffer.from(sign(payload), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return {};
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString());
  } catch {
    return {};
  }
}

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function redirect(res, setCookie) {
  res.writeHead(302, { location: '/', 'set-cookie': setCookie, 'content-length': 0 });
  res.end();
}

const server = createServer((req, res) => {
  const url = req.url;
  if (req.method === 'GET' && url === '/hello') {
    return send(res, 200, 'text/plain; charset=utf-8', HELLO);
  }
  if (req.method === 'GET' && url === '/') {
    const { username } = decode(req.headers.cookie);
    const body = typeof username === 'string' ? loggedIn(escapeHtml(username)) : LOGGED_OUT;
    return send(res, 200, 'text/html; charset=utf-8', body, { vary: 'Cookie' });
  }
  if (req.method === 'POST' && url === '/login') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const username = new URLSearchParams(Buffer.concat(chunks).toString()).get('username') ?? '';
      const session = { ...decode(req.headers.cookie), username };
      redirect(res, `${COOKIE}=${encode(session)}; Path=/; HttpOnly; SameSite=Lax`);
    });
    return;
  }
  if (req.method === 'GET' && url === '/logout') {
    return redirect(res, `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
  }
  send(res, 404, 'text/plain; charset=utf-8', 'Not Found');
});

server.listen(PORT, HOST, () => ready(server.address().port));
