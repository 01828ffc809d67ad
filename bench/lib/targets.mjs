// The speed targets of issue 15 ("Speed, measured on Node 24"), as data. Each is checked
// only when its row and its reference row both exist in the same run (ratios never cross
// runs). The old `raw-node` peer and micro-encrypted-xc20p have rows but no target: raw-node
// is a reference (its cookie does less than Flask's), XC20P is reported, its ratio to
// Fastify + secure-session being the table's "× baseline".
import { PEERS, SESSION_SCENARIOS, STATIC_SCENARIOS } from './peers.mjs';

/** Cookie-session peers other than micro's (the raw-node peers are not framework peers). */
export const COOKIE_PEERS = PEERS.filter((p) => p.cookieSession && !p.name.startsWith('micro')).map((p) => p.name);
/** The static-file peers: @fastify/static and express.static. */
export const STATIC_PEERS = PEERS.filter((p) => p.staticPeer).map((p) => p.name);

/**
 * @typedef {object} Target
 * @property {string} peer the micro peer under test
 * @property {string[]} scenarios
 * @property {string | { fastestOf: string[], label?: string }} vs reference peer, or the fastest of several
 *   (`label` names the group in the report; default "fastest cookie peer")
 * @property {number} min the ratio peer / reference must be at least this
 */

/** @type {Target[]} */
export const TARGETS = [
  { peer: 'micro-signed', scenarios: ['hello'], vs: 'fastify', min: 1.0 },
  { peer: 'micro-signed', scenarios: SESSION_SCENARIOS, vs: { fastestOf: COOKIE_PEERS }, min: 1.0 },
  // raw-node-flask: node:http writing exactly Flask's cookie, the limit for a Flask-compatible session.
  { peer: 'micro-signed', scenarios: SESSION_SCENARIOS, vs: 'raw-node-flask', min: 0.9 },
  // The A256GCM default, which needs no native module.
  { peer: 'micro-encrypted', scenarios: SESSION_SCENARIOS, vs: 'fastify-secure-session', min: 1.0 },
  { peer: 'micro-redis', scenarios: SESSION_SCENARIOS, vs: 'express-session-redis', min: 1.5 },
  { peer: 'micro-routing-1000', scenarios: ['routing'], vs: 'micro-routing-10', min: 0.9 },
  // Issue 16: a static folder at least as fast as the faster of @fastify/static and express.static.
  { peer: 'micro-static', scenarios: STATIC_SCENARIOS, vs: { fastestOf: STATIC_PEERS, label: 'fastest static peer' }, min: 1.0 },
];

/**
 * @param {Array<{scenario:string, peer:string, rps:number}>} rows
 * @param {Target[]} targets
 * @returns {Array<{peer:string, scenario:string, vs:string, min:number, ratio:number|null, met:boolean|null, note?:string}>}
 *   met is null while a row is missing ("pending").
 */
export function evaluateTargets(rows, targets = TARGETS) {
  const find = (scenario, peer) => rows.find((r) => r.scenario === scenario && r.peer === peer);
  const out = [];
  for (const t of targets) {
    for (const scenario of t.scenarios) {
      const row = find(scenario, t.peer);
      let ref;
      let vsName;
      if (typeof t.vs === 'string') {
        ref = find(scenario, t.vs);
        vsName = t.vs;
      } else {
        const candidates = t.vs.fastestOf.map((p) => find(scenario, p)).filter(Boolean);
        ref = candidates.sort((a, b) => b.rps - a.rps)[0];
        const group = t.vs.label ?? 'fastest cookie peer';
        vsName = ref ? `${ref.peer} (${group})` : group;
      }
      if (!row || !ref) {
        out.push({ peer: t.peer, scenario, vs: vsName, min: t.min, ratio: null, met: null, note: !row ? `${t.peer} not run` : `${vsName} not run` });
        continue;
      }
      const ratio = row.rps / ref.rps;
      out.push({ peer: t.peer, scenario, vs: vsName, min: t.min, ratio, met: ratio >= t.min });
    }
  }
  return out;
}
