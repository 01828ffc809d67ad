// micro's login taken apart, for `bench/pipeline.mjs --scenario session-write`: each
// server in this folder answers POST /login with one more part of what micro-signed's
// login does (docs/benchmarks.md, "Where the login's time goes"). Not peers of
// `npm run bench`: they answer only /hello and /login.
import { App } from '@micro/core';
import { sessions } from '@micro/session';
import { HELLO, HOST, PORT, SECRET, ready } from '../lib/common.mjs';

/** Start micro-signed's app (sessions on) with `login` as its POST /login view. */
export async function startLoginPart(login) {
  const app = new App({ config: { SECRET_KEY: SECRET } });
  sessions(app);
  app.get('/hello', () => HELLO);
  app.post('/login', login);
  await app.listen(PORT, HOST, { handleSignals: false });
  ready();
}
