// tests/test_auth.py
import { describe, expect } from 'vitest';
import { getDb } from '../src/db.js';
import { it } from './conftest.js';

describe('test_auth', () => {
  it('test_register', async ({ client, app }) => {
    // test that viewing the page renders without template errors
    expect((await client.get('/auth/register')).status).toBe(200);

    // test that successful registration redirects to the login page
    const response = await client.post('/auth/register', { form: { username: 'a', password: 'a' } });
    expect(response.headers.get('Location')).toBe('/auth/login');

    // test that the user was inserted into the database
    app.appContext(() => {
      expect(getDb().prepare("SELECT * FROM user WHERE username = 'a'").get()).not.toBeUndefined();
    });
  });

  it.for([
    ['', '', 'Username is required.'],
    ['a', '', 'Password is required.'],
    ['test', 'test', 'already registered'],
  ])('test_register_validate_input (%j, %j, %j)', async ([username, password, message], { client }) => {
    const response = await client.post('/auth/register', { form: { username: username!, password: password! } });
    expect(response.text).toContain(message);
  });

  it('test_login', async ({ client, auth, lastRequest }) => {
    // test that viewing the page renders without template errors
    expect((await client.get('/auth/login')).status).toBe(200);

    // test that successful login redirects to the index page
    const response = await auth.login();
    expect(response.headers.get('Location')).toBe('/');

    // login request set the user_id in the session
    // check that the user is loaded from the session
    await client.get('/');
    const { session, g } = lastRequest();
    expect(session.get('user_id')).toBe(1);
    expect(g.user!.username).toBe('test');
  });

  it.for([
    ['a', 'test', 'Incorrect username.'],
    ['test', 'a', 'Incorrect password.'],
  ])('test_login_validate_input (%j, %j, %j)', async ([username, password, message], { auth }) => {
    const response = await auth.login(username, password);
    expect(response.text).toContain(message);
  });

  it('test_logout', async ({ client, auth, lastRequest }) => {
    await auth.login();

    await auth.logout();
    expect(lastRequest().session.has('user_id')).toBe(false);
    // and the cookie the client keeps says the same
    expect(await client.sessionTransaction((s) => s.has('user_id'))).toBe(false);
  });
});
