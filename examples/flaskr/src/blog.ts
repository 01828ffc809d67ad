/** flaskr/blog.py: the posts, newest first; create, update, delete for their author. */
import { Blueprint, abort, g, redirect, request, urlFor } from '@micro/core';
import { flash } from '@micro/session';
import { renderTemplate } from '@micro/templates';
import { loginRequired } from './auth.js';
import { getDb, withDeclTypes } from './db.js';
import { formField } from './form-field.js';

export interface Post {
  id: number;
  title: string;
  body: string;
  created: Date;
  author_id: number;
  username: string;
}

export const bp = new Blueprint('blog');

/** Show all the posts, most recent first. */
export const index = bp.route('/')(function index() {
  const db = getDb();
  const stmt = db.prepare(
    'SELECT p.id, title, body, created, author_id, username' +
      ' FROM post p JOIN user u ON p.author_id = u.id' +
      ' ORDER BY created DESC',
  );
  const posts = withDeclTypes(stmt, stmt.all() as Post[]);
  return renderTemplate('blog/index.html', { posts });
});

/**
 * Get a post and its author by id. Checks that the id exists and optionally
 * that the current user is the author: 404 if the post doesn't exist, 403 if
 * the current user isn't its author.
 */
export function getPost(id: number, checkAuthor = true): Post {
  const stmt = getDb().prepare(
    'SELECT p.id, title, body, created, author_id, username' +
      ' FROM post p JOIN user u ON p.author_id = u.id' +
      ' WHERE p.id = ?',
  );
  const [post] = withDeclTypes(stmt, stmt.all(id) as Post[]);

  if (post === undefined) {
    abort(404, `Post id ${id} doesn't exist.`);
  }

  if (checkAuthor && post.author_id !== g.user!.id) {
    abort(403);
  }

  return post;
}

/** Create a new post for the current user. */
bp.route('/create', { methods: ['GET', 'POST'] })(
  loginRequired(async function create() {
    if (request.method === 'POST') {
      const form = await request.form();
      const title = formField(form, 'title');
      const body = formField(form, 'body');
      let error: string | null = null;

      if (!title) {
        error = 'Title is required.';
      }

      if (error !== null) {
        flash(error);
      } else {
        const db = getDb();
        db.prepare('INSERT INTO post (title, body, author_id) VALUES (?, ?, ?)').run(title, body, g.user!.id);
        return redirect(urlFor('blog.index'));
      }
    }

    return renderTemplate('blog/create.html');
  }),
);

/** Update a post if the current user is the author. */
bp.route('/<int:id>/update', { methods: ['GET', 'POST'] })(
  loginRequired(async function update({ id }: { id: number }) {
    const post = getPost(id);

    if (request.method === 'POST') {
      const form = await request.form();
      const title = formField(form, 'title');
      const body = formField(form, 'body');
      let error: string | null = null;

      if (!title) {
        error = 'Title is required.';
      }

      if (error !== null) {
        flash(error);
      } else {
        const db = getDb();
        db.prepare('UPDATE post SET title = ?, body = ? WHERE id = ?').run(title, body, id);
        return redirect(urlFor('blog.index'));
      }
    }

    return renderTemplate('blog/update.html', { post });
  }),
);

/** Delete a post. Ensures that the post exists and that the logged in user is the author of the post. */
// `delete` is a reserved word in JavaScript, so the view is deletePost and the endpoint is named as Flask's.
bp.route('/<int:id>/delete', { endpoint: 'delete', methods: ['POST'] })(
  loginRequired(function deletePost({ id }: { id: number }) {
    getPost(id);
    const db = getDb();
    db.prepare('DELETE FROM post WHERE id = ?').run(id);
    return redirect(urlFor('blog.index'));
  }),
);
