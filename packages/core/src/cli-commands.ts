import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from './app.js';

/** Import an app module (TypeScript through tsx) and return its App (`app` or default export). */
export async function loadApp(file: string): Promise<App> {
  const path = resolve(file);
  if (/\.[cm]?tsx?$/.test(path)) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  const mod = (await import(pathToFileURL(path).href)) as { app?: unknown; default?: unknown };
  const app = mod.app ?? mod.default;
  // Duck-typed too: the app may come from another copy of @micro/core (src vs dist).
  const looksLikeApp = app instanceof App || (typeof (app as App | undefined)?.listen === 'function' && (app as App).router !== undefined);
  if (!looksLikeApp) {
    throw new Error(`${file} does not export an App as 'app' or as its default export.`);
  }
  return app as App;
}

/** The `flask routes` table: Endpoint, Methods, Rule. */
export function formatRoutes(app: App): string {
  const rows = app.router.rules.map((rule) => [
    rule.endpoint,
    [...rule.methods].filter((m) => m !== 'HEAD' && m !== 'OPTIONS').sort().join(', '),
    rule.rule,
  ]);
  const header = ['Endpoint', 'Methods', 'Rule'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
