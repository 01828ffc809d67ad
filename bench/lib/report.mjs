// Turns measurements into rows (ratios to each scenario's baseline), the stdout/markdown
// table, the JSON file and the SVG chart. Pure functions: the tests feed them numbers.
import { isMicro } from './peers.mjs';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * @typedef {object} Measurement
 * @property {string} scenario
 * @property {string} peer
 * @property {string} label
 * @property {Array<import('./load.mjs').LoadResult>} rounds
 * @property {number|null} [rssPeak] bytes (VmHWM), measured in session-read
 *
 * @typedef {object} Row
 * @property {string} scenario
 * @property {string} peer
 * @property {string} label
 * @property {number} rps median over the rounds
 * @property {number[]} roundsRps
 * @property {number} spread (max - min) / median of the rounds
 * @property {number} p99Ms median over the rounds
 * @property {number} errors summed over the rounds
 * @property {string} baseline
 * @property {number|null} ratio rps / baseline's rps, null when the baseline did not run
 * @property {number|null} rssPeak
 */

/**
 * @param {Measurement[]} measurements
 * @param {Record<string, { baseline: string }>} scenarios
 * @returns {Row[]} grouped by scenario (in the order given), fastest first
 */
export function buildRows(measurements, scenarios) {
  const rows = measurements.map((m) => {
    const roundsRps = m.rounds.map((r) => r.rps);
    const rps = median(roundsRps);
    return {
      scenario: m.scenario,
      peer: m.peer,
      label: m.label,
      rps,
      roundsRps,
      spread: rps ? (Math.max(...roundsRps) - Math.min(...roundsRps)) / rps : 0,
      p99Ms: median(m.rounds.map((r) => r.p99Ms)),
      errors: m.rounds.reduce((s, r) => s + r.errors, 0),
      baseline: scenarios[m.scenario]?.baseline ?? '',
      ratio: null,
      rssPeak: m.rssPeak ?? null,
    };
  });
  for (const row of rows) {
    const base = rows.find((r) => r.scenario === row.scenario && r.peer === row.baseline);
    row.ratio = base && base.rps ? row.rps / base.rps : null;
  }
  const order = [...new Set(measurements.map((m) => m.scenario))];
  return rows.sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario) || b.rps - a.rps);
}

const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const fmtRatio = (r) => (r === null ? '—' : `${r.toFixed(2)}×`);
const fmtMB = (b) => (b === null || b === undefined ? '' : `${(b / 2 ** 20).toFixed(0)} MB`);

/** The "target met?" cell: only micro rows have targets; pending ones show '…'. */
export function targetCell(row, evaluations) {
  if (!isMicro(row.peer)) return '';
  const mine = evaluations.filter((e) => e.peer === row.peer && e.scenario === row.scenario);
  if (mine.length === 0) return '';
  if (mine.some((e) => e.met === false)) return 'NO';
  if (mine.some((e) => e.met === null)) return '…';
  return 'yes';
}

/**
 * A markdown table (readable as plain text too), then one line per target. With the
 * run's meta, a first line says which Node the servers ran on and how they were loaded.
 * @param {Row[]} rows
 * @param {ReturnType<import('./targets.mjs').evaluateTargets>} evaluations
 * @param {{ node: string, loadgen?: string, rounds?: number, duration?: number, connections?: number }} [meta]
 */
export function renderTable(rows, evaluations, meta) {
  const header = ['scenario', 'peer', 'req/s', '± rounds', 'p99 ms', '× baseline', 'peak RSS', 'target met?'];
  const body = rows.map((r) => [
    r.scenario,
    r.peer === r.baseline ? `${r.peer} (baseline)` : r.peer,
    fmtInt(r.rps),
    `${(r.spread * 100).toFixed(1)}%`,
    r.p99Ms.toFixed(2),
    fmtRatio(r.ratio),
    r.scenario === 'session-read' ? fmtMB(r.rssPeak) : '',
    targetCell(r, evaluations) + (r.errors ? ` (${r.errors} errors!)` : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const right = new Set([2, 3, 4, 5, 6]);
  const line = (cells) => `| ${cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const sep = `| ${widths.map((w, i) => (right.has(i) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  const out = [line(header), sep, ...body.map(line)];
  if (meta) {
    const how = meta.loadgen ? `, ${meta.loadgen}, ${meta.rounds} rounds × ${meta.duration} s, ${meta.connections} connections` : '';
    out.unshift(`Every server on Node ${meta.node}${how}`, '');
  }
  if (evaluations.length) {
    out.push('', 'Targets (ratios within this run):');
    for (const e of evaluations) {
      const status = e.met === null ? 'pending' : e.met ? 'met    ' : 'MISSED ';
      const value = e.ratio === null ? `(${e.note})` : `${e.ratio.toFixed(2)}×`;
      out.push(`  ${status} ${e.peer} ${e.scenario} ≥ ${e.min.toFixed(2)}× ${e.vs}: ${value}`);
    }
  }
  return out.join('\n');
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A horizontal bar chart of each row's ratio to its scenario's baseline, one panel per
 * scenario, a dashed line at 1.0×. Hand-made SVG: nothing to install, diffs stay readable.
 * @param {Row[]} rows
 * @param {{ title?: string }} [opts]
 */
export function renderSvg(rows, opts = {}) {
  const W = 760;
  const labelW = 300;
  const barMax = W - labelW - 150; // room for "1.23× 12,345/s" after the longest bar
  const rowH = 22;
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  const maxRatio = Math.max(1.2, ...rows.map((r) => r.ratio ?? 0));
  const x = (ratio) => labelW + (ratio / maxRatio) * barMax;
  const parts = [];
  let y = 40;
  parts.push(`<text x="16" y="24" font-size="16" font-weight="bold">${esc(opts.title ?? 'Requests per second, as a ratio to the baseline')}</text>`);
  for (const scenario of scenarios) {
    const mine = rows.filter((r) => r.scenario === scenario);
    const baseline = mine[0]?.baseline ?? '';
    y += 18;
    parts.push(`<text x="16" y="${y}" font-size="14" font-weight="bold">${esc(scenario)}</text>`);
    parts.push(`<text x="${W - 16}" y="${y}" font-size="11" text-anchor="end" fill="#555">÷ ${esc(baseline)}</text>`);
    y += 8;
    // The 1.0× line first, so the bars and their labels are drawn over it.
    parts.push(`<line x1="${x(1).toFixed(1)}" y1="${y}" x2="${x(1).toFixed(1)}" y2="${y + mine.length * rowH}" stroke="#000" stroke-dasharray="4 3"/>`);
    for (const r of mine) {
      const ratio = r.ratio ?? 0;
      const fill = isMicro(r.peer) ? '#e8590c' : r.peer === r.baseline ? '#868e96' : '#4c6ef5';
      parts.push(`<text x="${labelW - 8}" y="${y + 15}" font-size="12" text-anchor="end">${esc(r.label)}</text>`);
      parts.push(`<rect class="bar" data-peer="${esc(r.peer)}" data-ratio="${ratio.toFixed(4)}" x="${labelW}" y="${y + 3}" width="${(x(ratio) - labelW).toFixed(1)}" height="${rowH - 6}" fill="${fill}"/>`);
      parts.push(`<text x="${(x(ratio) + 6).toFixed(1)}" y="${y + 15}" font-size="12" stroke="#fff" stroke-width="3" paint-order="stroke">${r.ratio === null ? '—' : `${ratio.toFixed(2)}×`} <tspan fill="#777">${esc(fmtInt(r.rps))}/s</tspan></text>`);
      y += rowH;
    }
    y += 10;
  }
  y += 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
