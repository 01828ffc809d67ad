// The login as a bare redirect: routing, the request context, a Response, writing it.
import { redirect } from '@micro/core';
import { startLoginPart } from './login-part.mjs';

await startLoginPart(function login() {
  return redirect('/');
});
