import { App, Response, request } from '@micro/core';
import { session, sessions, taggedDumps } from '@micro/session';

/**
 * A micro app that shares its sessions with a Flask app: same SECRET_KEY,
 * same cookie name, the default signed-cookie interface. `/` shows the
 * session as Flask's tagged JSON; `/set?key=value` writes to it.
 */
export function createApp(secretKey: string): App {
  const app = new App({ name: 'flask-interop', config: { SECRET_KEY: secretKey } });
  sessions(app);

  app.get('/', function show() {
    // Insertion order, as the session arrived; Flask itself sorts keys when it writes.
    return new Response(taggedDumps(session.toMap(), { sortKeys: false }), { headers: { 'Content-Type': 'application/json' } });
  });

  app.get('/set', function set() {
    for (const [key, value] of request.args.entries()) session.set(key, value);
    return 'ok';
  });

  return app;
}
