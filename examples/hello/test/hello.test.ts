import { describe, expect, it } from 'vitest';
import { app } from '../src/app.js';

describe('examples/hello', () => {
  const client = app.testClient();

  it('links to a greeting built with urlFor', async () => {
    const res = await client.get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('href="/hello/Ada"');
  });

  it('greets, escaping the name and honouring ?times', async () => {
    const res = await client.get('/hello/%3Cb%3E', { query: { times: 2 } });
    expect(res.text).toBe('<p>Hello, Hello, &lt;b&gt;!</p>');
  });

  it('serves JSON', async () => {
    const res = await client.get('/api/time');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(Date.parse((res.json() as { now: string }).now)).not.toBeNaN();
  });
});
