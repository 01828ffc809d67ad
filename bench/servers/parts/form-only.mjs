// The login reading its form in an async view, without touching the session.
import { redirect, request } from '@micro/core';
import { startLoginPart } from './login-part.mjs';

await startLoginPart(async function login() {
  (await request.form()).get('username', '');
  return redirect('/');
});
