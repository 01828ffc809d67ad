import { readFileSync } from 'node:fs';
import { App, type AppOptions } from '@micro/core';
import { afterEach, beforeEach, vi } from 'vitest';

export type Level = 'error' | 'warn' | 'info' | 'debug';

/** An app whose logger records lines by level instead of printing. */
export function quietApp(options: AppOptions = {}): App & { logs: Record<Level, string[]> } {
  const app = new App(options) as App & { logs: Record<Level, string[]> };
  const logs: Record<Level, string[]> = { error: [], warn: [], info: [], debug: [] };
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(' ');
  app.logger = {
    error: (...a: unknown[]) => void logs.error.push(text(a)),
    warn: (...a: unknown[]) => void logs.warn.push(text(a)),
    info: (...a: unknown[]) => void logs.info.push(text(a)),
    debug: (...a: unknown[]) => void logs.debug.push(text(a)),
  };
  app.logs = logs;
  return app;
}

/** A Set-Cookie header with its clock-dependent parts masked, as make_http_fixtures.py masks Flask's. */
export function shape(setCookie: string): string {
  return setCookie.replace(/^([^=]+)=([^;]+)/, '$1=<value>').replace(/Expires=([^;]+)/, (m, d: string) => (d.includes('1970') ? m : 'Expires=<date>'));
}

export interface Recorded {
  status: number;
  location: string | null;
  vary: string | null;
  set_cookie: string[];
  content_type: string | null;
  body: string;
}

export interface FlaskHttp {
  secret: string;
  login: Array<Recorded & { method: string; path: string; form: Record<string, string> | null }>;
  attributes: Array<{ config: Record<string, unknown> } & Record<string, Recorded>>;
  flash: {
    secret: string;
    signed_at: number;
    flashes: [string, string][];
    flash_response: Recorded;
    cookie: string;
    views: Array<{ query: string; json: { first: unknown[]; second: unknown[] }; set_cookie: string[] }>;
  };
  big_cookie: { max_cookie_size: number; data: string; signed_at: number; set_cookie: string; warnings: string[] };
  no_secret: { read: Recorded; write_error: string };
  bad_payload: { cookie: string; status: number };
}

export const flaskHttp = JSON.parse(readFileSync(new URL('./fixtures/flask-http.json', import.meta.url), 'utf8')) as FlaskHttp;

export interface VectorFile {
  valid: Array<{ name: string; secret: string; cookie: string; signed_at: number; session_tagged_json: string }>;
  invalid: Array<{ name: string; secret: string; cookie: string }>;
}

/** Cookies made by real Flask, shared with other implementations (beside the repo: ../shared). */
export const vectors = JSON.parse(
  readFileSync(new URL('../../../../shared/vectors/flask-session-cookies.json', import.meta.url), 'utf8'),
) as VectorFile;

/**
 * Fake only `Date` for every test of the calling file, starting at `start` (ms),
 * so signing, expiry and the absolute limit follow a clock the test moves;
 * timers stay real, so stores and I/O keep working.
 */
export function useFakeDate(start: number): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: start });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/** Move the fake `Date` clock (useFakeDate) on by `ms`. */
export function tick(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}
