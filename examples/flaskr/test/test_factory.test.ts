// tests/test_factory.py
import { describe, expect } from 'vitest';
import { createApp } from '../src/app.js';
import { it } from './conftest.js';

describe('test_factory', () => {
  it('test_config: createApp without passing test config', () => {
    expect(createApp().config.TESTING).toBe(false);
    expect(createApp({ TESTING: true }).config.TESTING).toBe(true);
  });

  it('test_hello', async ({ client }) => {
    const response = await client.get('/hello');
    expect(response.text).toBe('Hello, World!');
  });
});
