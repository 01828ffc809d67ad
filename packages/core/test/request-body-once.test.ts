import { describe, expect, it } from 'vitest';
import { App, request } from '@micro/core';

describe('the body is read once', () => {
  const app = new App();
  app.post('/form-then-bytes', async function formThenBytes() {
    const form = await request.form();
    const bytes = await request.bytes();
    return { name: form.get('name'), bytes: bytes.length };
  });
  app.post('/text-then-form', async function textThenForm() {
    const text = await request.text();
    const form = await request.form();
    return { text, name: form.get('name') };
  });
  const client = app.testClient();

  it('after a streamed form parse the raw body is empty, as in Werkzeug', async () => {
    const res = await client.post('/form-then-bytes', { form: { name: 'ada' } });
    expect(res.json()).toEqual({ name: 'ada', bytes: 0 });
  });

  it('a form can still be parsed from a body read as text first', async () => {
    const res = await client.post('/text-then-form', { form: { name: 'bo b' } });
    expect(res.json()).toEqual({ text: 'name=bo+b', name: 'bo b' });
  });
});
