// tests/test_blog.py
import { describe, expect } from 'vitest';
import { getDb } from '../src/db.js';
import { it } from './conftest.js';

describe('test_blog', () => {
  it('test_index', async ({ client, auth }) => {
    let response = await client.get('/');
    expect(response.text).toContain('Log In');
    expect(response.text).toContain('Register');

    await auth.login();
    response = await client.get('/');
    expect(response.text).toContain('test title');
    expect(response.text).toContain('by test on 2018-01-01');
    expect(response.text).toContain('test\nbody');
    expect(response.text).toContain('href="/1/update"');
  });

  it.for(['/create', '/1/update', '/1/delete'])('test_login_required (%s)', async (path, { client }) => {
    const response = await client.post(path);
    expect(response.headers.get('Location')).toBe('/auth/login');
  });

  it('test_author_required', async ({ app, client, auth }) => {
    // change the post author to another user
    app.appContext(() => {
      const db = getDb();
      db.prepare('UPDATE post SET author_id = 2 WHERE id = 1').run();
    });

    await auth.login();
    // current user can't modify other user's post
    expect((await client.post('/1/update')).status).toBe(403);
    expect((await client.post('/1/delete')).status).toBe(403);
    // current user doesn't see edit link
    expect((await client.get('/')).text).not.toContain('href="/1/update"');
  });

  it.for(['/2/update', '/2/delete'])('test_exists_required (%s)', async (path, { client, auth }) => {
    await auth.login();
    expect((await client.post(path)).status).toBe(404);
  });

  it('test_create', async ({ client, auth, app }) => {
    await auth.login();
    expect((await client.get('/create')).status).toBe(200);
    await client.post('/create', { form: { title: 'created', body: '' } });

    app.appContext(() => {
      const db = getDb();
      const count = db.prepare('SELECT COUNT(id) FROM post').pluck().get();
      expect(count).toBe(2);
    });
  });

  it('test_update', async ({ client, auth, app }) => {
    await auth.login();
    expect((await client.get('/1/update')).status).toBe(200);
    await client.post('/1/update', { form: { title: 'updated', body: '' } });

    app.appContext(() => {
      const db = getDb();
      const post = db.prepare('SELECT * FROM post WHERE id = 1').get() as { title: string };
      expect(post.title).toBe('updated');
    });
  });

  it.for(['/create', '/1/update'])('test_create_update_validate (%s)', async (path, { client, auth }) => {
    await auth.login();
    const response = await client.post(path, { form: { title: '', body: '' } });
    expect(response.text).toContain('Title is required.');
  });

  it('test_delete', async ({ client, auth, app }) => {
    await auth.login();
    const response = await client.post('/1/delete');
    expect(response.headers.get('Location')).toBe('/');

    app.appContext(() => {
      const db = getDb();
      const post = db.prepare('SELECT * FROM post WHERE id = 1').get();
      expect(post).toBeUndefined();
    });
  });
});
