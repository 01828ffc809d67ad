/**
 * tests/conftest.py as vitest fixtures (`test.extend`, vitest's pytest-style
 * fixtures): `app` with a fresh SQLite file holding schema.sql and data.sql,
 * `client`, and `auth` with login/logout. Each test gets its own.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from 'vitest';
import type { App, AppTestClient, RequestContext, TestResponse } from '@micro/core';
import { createApp } from '../src/app.js';
import { getDb, initDb } from '../src/db.js';

// read in SQL for populating test data
const dataSql = readFileSync(new URL('./data.sql', import.meta.url), 'utf8');

export class AuthActions {
  constructor(private readonly client: AppTestClient) {}

  login(username = 'test', password = 'test'): Promise<TestResponse> {
    return this.client.post('/auth/login', { form: { username, password } });
  }

  logout(): Promise<TestResponse> {
    return this.client.get('/auth/logout');
  }
}

export interface Fixtures {
  /** Create and configure a new app instance for each test, with its own database file. */
  app: App;
  /** The database file of `app`. */
  dbPath: string;
  /** A test client for the app. */
  client: AppTestClient;
  auth: AuthActions;
  /**
   * Flask's `with client:`, which keeps the last request's context so a test
   * can read its `session` and `g`: the context of the client's latest request.
   */
  lastRequest: () => RequestContext;
}

export const test = base.extend<Fixtures>({
  dbPath: async ({}, use) => {
    // create a temporary file to isolate the database for each test
    const dir = mkdtempSync(join(tmpdir(), 'flaskr-test-'));
    await use(join(dir, 'flaskr.sqlite'));
    // remove the temporary database
    rmSync(dir, { recursive: true, force: true });
  },
  app: async ({ dbPath }, use) => {
    // create the app with common test config
    const app = createApp({ TESTING: true, DATABASE: dbPath });
    // create the database and load test data
    app.appContext(() => {
      initDb();
      getDb().exec(dataSql);
    });
    await use(app);
  },
  client: async ({ app }, use) => {
    await use(app.testClient());
  },
  auth: async ({ client }, use) => {
    await use(new AuthActions(client));
  },
  lastRequest: async ({ app }, use) => {
    let last: RequestContext | undefined;
    app.teardownRequest((_error, ctx) => {
      last = ctx;
    });
    await use(() => {
      if (last === undefined) throw new Error('no request has been made yet');
      return last;
    });
  },
});

export const it = test;
