import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { defineConfig, type Plugin } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests run against the TypeScript sources, so a change is tested without a rebuild.
export default defineConfig({
  plugins: [standardDecorators()],
  resolve: {
    alias: {
      '@micro/core': src('./packages/core/src/index.ts'),
      '@micro/session': src('./packages/session/src/index.ts'),
      '@micro/templates': src('./packages/templates/src/index.ts'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'bench/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});

/**
 * Node 20 runs no decorators and Vite's oxc transform only lowers legacy ones,
 * so files that use TypeScript 5 standard decorators go through esbuild first
 * (what tsx does for `micro run`, and tsc does for builds).
 */
function standardDecorators(): Plugin {
  return {
    name: 'micro:standard-decorators',
    enforce: 'pre',
    async transform(code, id) {
      if (!/\.tsx?$/.test(id) || !/(^|[\s{;])@[A-Za-z_$][\w$.]*/m.test(code)) return null;
      const out = await transform(code, { loader: 'ts', target: 'es2022', sourcemap: true, sourcefile: id });
      return { code: out.code, map: out.map };
    },
  };
}
