import { App, abort, escape, redirect, request, urlFor } from '@micro/core';
import { serverSession, session, sessions, userSessions, type UserSessionInfo } from '@micro/session';
import type { StoreSetup } from './session-store-from-env.js';

declare module '@micro/core' {
  interface SessionData {
    username?: string;
  }
}

/**
 * The login demo on server-side sessions: the cookie holds a signed random
 * id, the name lives in the store `setup` describes. Login regenerates the
 * id (an id planted before login is worthless after it) and binds the
 * session to the user with the browser's user agent; logout destroys the
 * stored session. `/devices` lists the user's sessions and logs out one
 * device, or all but this one.
 */
export function createApp(secretKey: string, setup: StoreSetup): App {
  const app = new App({ name: 'micro-server-side', config: { SECRET_KEY: secretKey, SESSION_TYPE: setup.type, ...setup.config } });
  app.config.fromEnv(); // MICRO_SESSION_PERMANENT=false, MICRO_PERMANENT_SESSION_LIFETIME=3600…
  sessions(app);

  app.get('/', function index() {
    const name = session.get('username');
    return name !== undefined ? `Logged in as ${escape(name)}` : 'You are not logged in';
  });

  app.route('/login', { methods: ['GET', 'POST'] })(async function login() {
    if (request.method === 'POST') {
      const username = (await request.form()).get('username');
      if (username === undefined) abort(400);
      session.set('username', username);
      session.bindUser(username, { userAgent: request.headers.get('user-agent') });
      session.regenerate();
      return redirect(urlFor('index'));
    }
    return LOGIN_FORM;
  });

  app.get('/logout', function logout() {
    session.destroy();
    return redirect(urlFor('index'));
  });

  app.get('/devices', async function devices() {
    const username = session.get('username');
    if (username === undefined) return redirect(urlFor('login'));
    return devicesPage(username, await userSessions.listForUser(username));
  });

  app.post('/devices/revoke/<idHash>', async function revokeDevice({ idHash }: { idHash: string }) {
    const username = session.get('username');
    if (username === undefined) return redirect(urlFor('login'));
    // Unknown, malformed or another user's hash: nothing to end, the list says what is left.
    await userSessions.revoke(username, idHash);
    return redirect(urlFor('devices'));
  });

  app.post('/devices/revoke-others', async function revokeOtherDevices() {
    const username = session.get('username');
    if (username === undefined) return redirect(urlFor('login'));
    await userSessions.revokeAllForUser(username, { except: serverSession });
    return redirect(urlFor('devices'));
  });

  return app;
}

/** "Your devices": one line per session, this one marked, a logout button for each of the others. */
function devicesPage(username: string, devices: UserSessionInfo[]): string {
  const items = devices.map((d) => {
    const what = `${escape(d.userAgent ?? 'Unknown browser')} — last seen <time>${d.lastSeenAt.toISOString()}</time>`;
    const action = d.current
      ? ' <strong>(this device)</strong>'
      : ` <form method="post" action="${urlFor('revokeDevice', { idHash: d.idHash })}"><button>Log out</button></form>`;
    return `<li class="device" data-current="${d.current}">${what}${action}</li>`;
  });
  return `
        <h1>Your devices, ${escape(username)}</h1>
        <ul>${items.join('')}</ul>
        <form method="post" action="${urlFor('revokeOtherDevices')}"><button>Log out all other devices</button></form>
        <p><a href="${urlFor('index')}">Home</a>
    `;
}

const LOGIN_FORM = `
        <form method="post">
            <p><input type=text name=username>
            <p><input type=submit value=Login>
        </form>
    `;
