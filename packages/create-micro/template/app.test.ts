import { describe, expect, it } from 'vitest';
import { app } from './app.js';

describe('the login demo', () => {
  it('logs in and out', async () => {
    const client = app.testClient({ followRedirects: true });

    const home = await client.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('You are not logged in');

    const loggedIn = await client.post('/login', { form: { username: 'Ada <Lovelace>' } });
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.text).toContain('Logged in as Ada &lt;Lovelace&gt;');

    const loggedOut = await client.get('/logout');
    expect(loggedOut.text).toContain('You are not logged in');
  });

  it('serves the style sheet the pages link to', async () => {
    const client = app.testClient();
    const home = await client.get('/');
    expect(home.text).toContain('href="/static/style.css"');
    const css = await client.get('/static/style.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });
});
