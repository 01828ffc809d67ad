import { App, redirect, urlFor } from '@micro/core';
import { session, sessions } from '@micro/session';
import { MySessionInterface } from './my-session-interface.js';

/** A visit counter and a cart, kept server-side by `MySessionInterface`. */
export function createApp(secretKey: string): { app: App; store: MySessionInterface } {
  const app = new App({ name: 'micro-custom-session', config: { SECRET_KEY: secretKey } });
  const store = new MySessionInterface();
  sessions(app, { interface: store });

  app.get('/', function index() {
    const visits = Number(session.get('visits') ?? 0) + 1;
    session.set('visits', visits);
    return { visits, cart: session.get('cart') ?? [] };
  });

  app.post('/cart/<item>', function add({ item }) {
    const cart = session.setdefault('cart', []) as string[];
    cart.push(item); // a change inside the list is saved too
    return redirect(urlFor('index'));
  });

  app.post('/reset', function reset() {
    session.clear();
    return redirect(urlFor('index'));
  });

  return { app, store };
}
