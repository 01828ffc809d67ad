// Reads V8 .cpuprofile files (written by `node --cpu-prof`) without any tool.

/** A short place for a function: "pkg/file.js:line", "node:internal/…:line" or the file name. */
export function shortUrl(url, line) {
  if (!url) return '';
  let u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm !== -1) u = u.slice(nm + '/node_modules/'.length).replace(/^\.pnpm\/[^/]+\/node_modules\//, '');
  else if (u.includes('/bench/')) u = u.slice(u.lastIndexOf('/bench/') + 1);
  else if (u.includes('/packages/')) u = u.slice(u.lastIndexOf('/packages/') + 1);
  return `${u}:${line + 1}`;
}

/**
 * Functions sorted by self time, summed over every node of the same function.
 * (idle) is left out: it is time the server waited, not time it worked.
 * @param {{ nodes: any[], samples?: number[], timeDeltas?: number[], startTime: number, endTime: number }} profile
 * @param {number} [n]
 * @returns {{ total: number, top: Array<{ name: string, where: string, selfMs: number, share: number }> }}
 *   total: busy milliseconds; share: of the busy time
 */
export function topSelfTime(profile, n = 10) {
  const self = new Map(); // node id -> µs
  if (profile.samples?.length && profile.timeDeltas?.length) {
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0)));
  } else {
    const hits = profile.nodes.reduce((s, nd) => s + (nd.hitCount ?? 0), 0) || 1;
    const per = (profile.endTime - profile.startTime) / hits;
    for (const nd of profile.nodes) self.set(nd.id, (nd.hitCount ?? 0) * per);
  }
  const byFunction = new Map();
  let total = 0;
  for (const nd of profile.nodes) {
    const us = self.get(nd.id) ?? 0;
    const { functionName, url, lineNumber } = nd.callFrame;
    if (functionName === '(idle)' || us === 0) continue;
    const name = functionName || '(anonymous)';
    const where = shortUrl(url, lineNumber);
    const key = `${name}\0${where}`;
    const entry = byFunction.get(key) ?? { name, where, selfMs: 0, share: 0 };
    entry.selfMs += us / 1000;
    byFunction.set(key, entry);
    total += us / 1000;
  }
  const top = [...byFunction.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, n);
  for (const e of top) e.share = total ? e.selfMs / total : 0;
  return { total, top };
}

/** The text block printed per scenario and peer. */
export function formatTop(title, { total, top }) {
  const lines = [`${title} — busy ${total.toFixed(0)} ms, top ${top.length} by self time:`];
  top.forEach((e, i) => {
    lines.push(`  ${String(i + 1).padStart(2)}. ${e.selfMs.toFixed(1).padStart(8)} ms ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.name}${e.where ? `  (${e.where})` : ''}`);
  });
  return lines.join('\n');
}
