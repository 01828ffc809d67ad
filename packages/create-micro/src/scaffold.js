/**
 * Writes a new micro project into a folder: package.json, app.ts, app.test.ts,
 * templates/, static/, tsconfig.json, .gitignore and a README. Asks nothing;
 * the command line (bin/create-micro.js) decides everything up front.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appSource } from './app-source.js';
import { SESSION_CHOICES } from './sessions.js';

const TEMPLATE = fileURLToPath(new URL('../template', import.meta.url));
const OWN_VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/** The micro packages every project depends on; from the registry, or from tarballs with `--from`. */
export const MICRO_PACKAGES = ['@micro/core', '@micro/session', '@micro/templates'];

/** Tools the project runs with: `micro run` loads app.ts with tsx, `npm test` is vitest. */
const DEV_DEPENDENCIES = {
  '@types/node': '^20.19.8',
  tsx: '^4.20.0',
  typescript: '^5.9.3',
  vitest: '^4.1.12',
};

export class ScaffoldError extends Error {
  name = 'ScaffoldError';
}

/**
 * @typedef {object} ScaffoldOptions
 * @property {string} dir Where to write the project; must be missing or empty.
 * @property {string} [sessions] A key of SESSION_CHOICES. Default: `'cookie'`.
 * @property {string | null} [from] A folder of tarballs of the micro packages (`pnpm pack`). Default: `null` (the npm registry).
 */

/**
 * Writes the project and returns its absolute folder.
 * @param {ScaffoldOptions} options
 * @returns {string}
 */
export function scaffold({ dir, sessions = 'cookie', from = null }) {
  const target = resolve(dir);
  const choice = SESSION_CHOICES[sessions];
  if (!choice) throw new ScaffoldError(`Unknown --sessions '${sessions}': choose one of ${Object.keys(SESSION_CHOICES).join(', ')}.`);
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new ScaffoldError(`${target} is not empty: choose a new folder name, or empty this one first.`);
  }
  const name = packageName(basename(target));
  const micro = from === null ? registryRanges() : tarballRanges(resolve(from));

  mkdirSync(target, { recursive: true });
  cpSync(TEMPLATE, target, { recursive: true, filter: (src) => basename(src) !== 'gitignore' });
  // npm drops a package's .gitignore on publish, so the template keeps it as `gitignore`.
  const ignored = [readFileSync(join(TEMPLATE, 'gitignore'), 'utf8').trimEnd(), ...choice.gitignore];
  writeFileSync(join(target, '.gitignore'), ignored.join('\n') + '\n');
  writeFileSync(join(target, 'app.ts'), appSource({ name, sessions }));
  writeJson(join(target, 'package.json'), manifest(name, micro, choice.dependencies));
  writeFileSync(join(target, 'README.md'), readme(name, choice.note));
  return target;
}

/**
 * @param {string} name
 * @param {Record<string, string>} micro
 * @param {Record<string, string>} drivers
 */
function manifest(name, micro, drivers) {
  const fromTarballs = Object.values(micro).some((spec) => spec.startsWith('file:'));
  return {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20' },
    scripts: {
      dev: 'micro run --debug',
      start: 'micro run',
      test: 'vitest run',
    },
    dependencies: sorted({ ...micro, ...drivers }),
    devDependencies: DEV_DEPENDENCIES,
    // @micro/session and @micro/templates name @micro/core by version; from
    // tarballs that version is not on the registry, so npm must take ours.
    ...(fromTarballs ? { overrides: Object.fromEntries(MICRO_PACKAGES.map((pkg) => [pkg, `$${pkg}`])) } : {}),
  };
}

/** `^0.1.0` for each micro package: the version of this create-micro, released together. */
function registryRanges() {
  return Object.fromEntries(MICRO_PACKAGES.map((pkg) => [pkg, `^${OWN_VERSION}`]));
}

/** `file:` specs for the newest tarball of each micro package in `dir` (micro-core-0.1.0.tgz, …). */
function tarballRanges(dir) {
  if (!existsSync(dir)) throw new ScaffoldError(`--from ${dir}: no such folder.`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  /** @type {Record<string, string>} */
  const ranges = {};
  for (const pkg of MICRO_PACKAGES) {
    const prefix = pkg.replace(/^@/, '').replace('/', '-') + '-'; // pnpm pack's naming: micro-core-0.1.0.tgz
    const found = files.filter((f) => f.startsWith(prefix) && /^\d/.test(f.slice(prefix.length))).sort(byVersion);
    if (found.length === 0) {
      throw new ScaffoldError(
        `--from ${dir}: no ${prefix}<version>.tgz for ${pkg}. Make the tarballs in a micro clone with ` +
          `npx pnpm@10.34.8 --filter ${MICRO_PACKAGES.join(' --filter ')} pack --pack-destination ${dir}`,
      );
    }
    ranges[pkg] = `file:${join(dir, found.at(-1))}`;
  }
  return ranges;
}

/** Orders micro-core-0.1.0.tgz before micro-core-0.10.0.tgz. */
function byVersion(a, b) {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** A folder name as an npm package name: lower case, no spaces. */
function packageName(folder) {
  const name = folder.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '');
  return name || 'micro-app';
}

function sorted(record) {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

function readme(name, sessionNote) {
  return `# ${name}

A [micro](https://www.npmjs.com/package/@micro/core) app: the login demo of
Flask's docs, with templates (\`templates/\`), a style sheet served at
\`/static/style.css\` and a test on micro's test client.

\`\`\`sh
npm run dev   # micro run --debug: http://127.0.0.1:5000/, restarts when a file changes
npm test      # vitest run: app.test.ts logs in and out
\`\`\`

\`npm start\` runs the app without the debugger and reloader
(\`micro run\`; \`--port\` and \`--host\` choose where it listens).

${sessionNote} Set \`MICRO_SECRET_KEY\` to a long random string before you
deploy: the key in app.ts is for development only.
`;
}

function writeJson(file, value) {
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}
