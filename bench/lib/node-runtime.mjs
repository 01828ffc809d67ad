// The one Node.js every server of a run uses (--node): the binary comes from
// scripts/node-runtime.mjs (node@<major> from the npm registry, cached in .cache/),
// the version from running it once, so the results say what the servers really ran on.
import { execFileSync, spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeBinary } from '../../scripts/node-runtime.mjs';

/**
 * @typedef {object} NodeRuntime
 * @property {string} choice what was asked for: '24', '22', '20' or 'system'
 * @property {string} path absolute path of the node binary
 * @property {string} version its process.version, e.g. 'v24.21.0'
 */

/** @returns {Promise<NodeRuntime>} */
export async function nodeRuntime(choice) {
  const path = await nodeBinary(choice);
  const version =
    path === process.execPath ? process.version : execFileSync(path, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
  if (choice !== 'system' && !version.startsWith(`v${choice}.`)) {
    throw new Error(`--node ${choice}: ${path} is ${version}`);
  }
  return { choice, path, version };
}

/**
 * For a script that times code in its own process: when this process is not on the
 * node `choice` names, run the script again on that node (same flags and arguments)
 * and exit with its status. Returns only on the chosen node.
 * @param {string} choice '24', '22', '20' or 'system'
 * @param {string} scriptUrl the script's `import.meta.url`
 */
export async function continueOnNode(choice, scriptUrl) {
  const path = await nodeBinary(choice);
  if (realpathSync(path) === realpathSync(process.execPath)) return;
  const script = fileURLToPath(scriptUrl);
  const { status, signal, error } = spawnSync(path, [...process.execArgv, script, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (error) throw error;
  process.exit(status ?? (signal ? 1 : 0));
}
