#!/usr/bin/env node
/**
 * Reads every cookie in Flask's session vectors through the micro app over
 * HTTP and checks it gets Flask's session back (valid ones) or an empty one
 * (invalid ones). Usage, from the repo root:
 *
 *   node --import tsx examples/flask-interop/src/check-vectors.ts [vectors.json]
 *
 * Default vectors: ../shared/vectors/flask-session-cookies.json (beside the repo).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEFAULT_VECTORS = resolve(REPO_ROOT, '../shared/vectors/flask-session-cookies.json');

interface Vectors {
  valid: Array<{ name: string; secret: string; cookie: string; signed_at: number; session_tagged_json: string }>;
  invalid: Array<{ name: string; secret: string; cookie: string }>;
}

export interface VectorResult {
  name: string;
  valid: boolean;
  ok: boolean;
  expected: string;
  got: string;
}

/** Check every vector in `file`; valid cookies are read with the clock at the second Flask signed them. */
export async function checkVectors(file: string = DEFAULT_VECTORS): Promise<VectorResult[]> {
  const vectors = JSON.parse(await readFile(file, 'utf8')) as Vectors;
  const results: VectorResult[] = [];
  const cases = [
    ...vectors.valid.map((v) => ({ ...v, valid: true, expected: v.session_tagged_json })),
    ...vectors.invalid.map((v) => ({ ...v, valid: false, expected: '{}', signed_at: Math.floor(Date.now() / 1000) })),
  ];
  for (const v of cases) {
    const client = createApp(v.secret).testClient({ useCookies: false });
    try {
      const response = await atSecond(v.signed_at, () => client.get('/', { headers: { cookie: `session=${v.cookie}` } }));
      results.push({ name: v.name, valid: v.valid, ok: response.status === 200 && response.text === v.expected, expected: v.expected, got: response.text });
    } finally {
      await client.close();
    }
  }
  return results;
}

/** Run `fn` with `Date.now()` at `seconds`: the vectors expire 31 days after they were made. */
async function atSecond<T>(seconds: number, fn: () => Promise<T>): Promise<T> {
  const realNow = Date.now;
  Date.now = () => seconds * 1000;
  try {
    return await fn();
  } finally {
    Date.now = realNow;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const results = await checkVectors(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_VECTORS);
  for (const r of results) {
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.valid ? 'valid  ' : 'invalid'} ${r.name}: ${r.got}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(failed ? `${failed} of ${results.length} vectors FAILED` : `all ${results.length} vectors read as Flask wrote them`);
  process.exitCode = failed ? 1 : 0;
}
