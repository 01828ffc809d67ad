// Express 5 + express-session. With BENCH_STORE=redis (peer `express-session-redis`)
// the store is connect-redis on REDIS_URL; otherwise express-session's MemoryStore.
import express from 'express';
import session from 'express-session';
import escapeHtml from 'escape-html';
import { HELLO, HOST, LOGGED_OUT, PORT, REDIS_URL, SECRET, loggedIn, ready } from './lib/common.mjs';

async function redisStore() {
  const [{ RedisStore }, { createClient }] = await Promise.all([import('connect-redis'), import('redis')]);
  const client = createClient({ url: REDIS_URL });
  client.on('error', (err) => console.error('redis:', err.message));
  await client.connect();
  // A short TTL and an own prefix: session-write creates one key per request.
  return new RedisStore({ client, prefix: 'micro-bench:express:', ttl: 300 });
}

const store = process.env.BENCH_STORE === 'redis' ? await redisStore() : undefined;

const app = express();
app.disable('x-powered-by');

app.get('/hello', (_req, res) => {
  res.type('text/plain').send(HELLO);
});

app.use(
  session({
    secret: SECRET,
    name: 'sessionId',
    resave: false,
    saveUninitialized: false,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: false },
    ...(store ? { store } : {}),
  }),
);
app.use(express.urlencoded({ extended: false }));

app.get('/', (req, res) => {
  const username = req.session.username;
  res.type('html').send(username === undefined ? LOGGED_OUT : loggedIn(escapeHtml(username)));
});

app.post('/login', (req, res) => {
  req.session.username = String(req.body?.username ?? '');
  res.redirect(302, '/');
});

app.get('/logout', (req, res, next) => {
  req.session.destroy((err) => (err ? next(err) : res.redirect(302, '/')));
});

const server = app.listen(PORT, HOST, () => ready(server.address().port));
