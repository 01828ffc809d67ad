// Command-line flags, each with an environment twin (BENCH_<NAME>); a flag wins.
import { SCENARIOS } from './peers.mjs';

/**
 * Defaults sized so the whole run (all peers, all scenarios, micro included) ends in
 * under ~8 minutes on 2 cores: 30 server × scenario pairs × (1 s warm-up + 5 × 2 s).
 * Many short rounds rather than a few long ones: this 2-core VM drifts by ±30 % from one
 * second to the next, and a median over interleaved rounds absorbs that best.
 */
export const DEFAULTS = Object.freeze({
  duration: 2, // seconds per measured round
  warmup: 1, // seconds per peer, right after it starts and is checked
  connections: 50,
  rounds: 5,
  only: /** @type {string[]|null} */ (null), // peer names; null = all
  scenarios: Object.keys(SCENARIOS),
  cpuProf: /** @type {string[]|null} */ (null), // peers to profile; [] = micro's
  loadgen: 'auto', // auto = wrk when /usr/bin/wrk exists, else autocannon
  out: '', // results folder; '' = bench/results
  nodeArgs: /** @type {string[]} */ ([]), // extra node/V8 flags for every server
  node: '24', // the Node.js major every server runs on (scripts/node-runtime.mjs); 'system' = the harness's own
});

/** The values --node takes: the LTS lines, the machines' Node 20, or the node running the harness. */
export const NODE_CHOICES = Object.freeze(['24', '22', '20', 'system']);

const HELP = `Usage: pnpm --filter @micro/bench bench [options]   (or: node bench/run.mjs [options])
  --duration <s>        seconds per measured round (default ${DEFAULTS.duration})   env BENCH_DURATION
  --warmup <s>          seconds of warm-up per server (default ${DEFAULTS.warmup})     env BENCH_WARMUP
  --connections <n>     concurrent connections (default ${DEFAULTS.connections})       env BENCH_CONNECTIONS
  --rounds <n>          round-robin rounds over the peers (default ${DEFAULTS.rounds})  env BENCH_ROUNDS
  --only <peer,...>     run only these peers (baselines are added back)    env BENCH_ONLY
  --scenario <s,...>    ${Object.keys(SCENARIOS).join(', ')}   env BENCH_SCENARIO
  --cpu-prof [peer,..]  profile micro's servers (or the peers named) and print the top 10
                        functions by self time per scenario                 env BENCH_CPU_PROF
  --loadgen <name>      auto | wrk | autocannon (default auto)              env BENCH_LOADGEN
  --out <dir>           results folder (default bench/results)              env BENCH_OUT
  --node <major>        the Node.js every server runs on: ${NODE_CHOICES.join(', ')} (default ${DEFAULTS.node});
                        system is the node running this script; another major is
                        installed from npm (node@<major>) on first use     env BENCH_NODE
  --node-args=<flags>   extra node flags for every server, space-separated,
                        e.g. --node-args=--min-semi-space-size=8          env BENCH_NODE_ARGS
  --help`;

const ENV_NAMES = ['duration', 'warmup', 'connections', 'rounds', 'only', 'scenario', 'cpu-prof', 'loadgen', 'out', 'node-args', 'node'];

const list = (v) => v.split(',').map((s) => s.trim()).filter(Boolean);

function positive(name, value) {
  const n = Number(String(value).replace(/s$/, ''));
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${value}"`);
  return n;
}

/** '24', 'v24', ' 24 ' → '24'; 'system' stays; anything else is an error naming the choices. */
export function parseNodeChoice(value) {
  const text = String(value).trim().replace(/^v/, '');
  if (!NODE_CHOICES.includes(text)) throw new Error(`--node must be one of ${NODE_CHOICES.join(', ')}, got "${value}"`);
  return text;
}

/**
 * @param {string[]} argv without node and the script
 * @param {Record<string, string|undefined>} env
 */
export function parseOptions(argv, env = {}) {
  const opts = { ...DEFAULTS, help: false };
  const raw = new Map();
  for (const name of ENV_NAMES) {
    const value = env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
    if (value !== undefined && value !== '') raw.set(name, value);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      opts.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument "${arg}". Try --help.`);
    let [name, value] = arg.slice(2).split(/=(.*)/s, 2);
    if (value === undefined) {
      const next = argv[i + 1];
      // --cpu-prof may stand alone; every other flag takes a value.
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      } else if (name === 'cpu-prof') value = '';
      else throw new Error(`--${name} needs a value. Try --help.`);
    }
    raw.set(name, value);
  }
  for (const [name, value] of raw) {
    switch (name) {
      case 'duration':
      case 'warmup':
        opts[name] = positive(name, value);
        break;
      case 'connections':
      case 'rounds':
        opts[name] = Math.round(positive(name, value));
        break;
      case 'only':
        opts.only = list(value);
        break;
      case 'scenario':
      case 'scenarios': {
        const wanted = list(value);
        const unknown = wanted.filter((s) => !(s in SCENARIOS));
        if (unknown.length) throw new Error(`Unknown scenario ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
        opts.scenarios = wanted;
        break;
      }
      case 'cpu-prof':
        opts.cpuProf = value === '1' || value === 'true' ? [] : list(value);
        break;
      case 'loadgen':
        if (!['auto', 'wrk', 'autocannon'].includes(value)) throw new Error(`--loadgen must be auto, wrk or autocannon`);
        opts.loadgen = value;
        break;
      case 'out':
        opts.out = value;
        break;
      case 'node-args': {
        const flags = value.split(/\s+/).filter(Boolean);
        const bad = flags.find((f) => !f.startsWith('--'));
        if (bad !== undefined) throw new Error(`--node-args takes node flags such as --max-semi-space-size=16, got "${bad}"`);
        opts.nodeArgs = flags;
        break;
      }
      case 'node':
        opts.node = parseNodeChoice(value);
        break;
      default:
        throw new Error(`Unknown option --${name}. Try --help.`);
    }
  }
  return opts;
}

export { HELP };
