import { App, type AppOptions } from '@micro/core';

/** An app whose logger records instead of printing, so error tests stay quiet and can assert on logs. */
export function quietApp(options: AppOptions = {}): App & { logged: unknown[][] } {
  const app = new App(options) as App & { logged: unknown[][] };
  app.logged = [];
  const record = (...args: unknown[]) => void app.logged.push(args);
  app.logger = { error: record, warn: record, info: record };
  return app;
}
