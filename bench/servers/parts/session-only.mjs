// The login setting the session (a sync view), without reading the form.
import { redirect } from '@micro/core';
import { session } from '@micro/session';
import { startLoginPart } from './login-part.mjs';

await startLoginPart(function login() {
  session.set('username', 'bench');
  return redirect('/');
});
