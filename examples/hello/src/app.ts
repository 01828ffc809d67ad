import { App, escape, request, urlFor } from '@micro/core';

export const app = new App();

app.get('/', function index() {
  return `<p>Hello from micro! Try <a href="${urlFor('greet', { name: 'Ada' })}">a greeting</a>.</p>`;
});

app.get('/hello/<name>', function greet({ name }) {
  const times = Number(request.args.get('times', '1'));
  return `<p>${'Hello, '.repeat(Math.min(times, 10))}${escape(name)}!</p>`;
});

app.get('/api/time', function time() {
  return { now: new Date().toISOString() };
});
