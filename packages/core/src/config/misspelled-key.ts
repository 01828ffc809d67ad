/**
 * The typo guard of `Config.validate()`. An app may keep any upper-case key of
 * its own (`DATABASE`, `UPLOAD_FOLDER`), so an unknown key is not an error; but
 * one that is a single slip away from a key micro knows (`SECRET_KYE`) almost
 * certainly means that key, and leaving it unnoticed would, say, leave
 * sessions unsigned.
 */

/**
 * Damerau–Levenshtein distance in its optimal-string-alignment form: each
 * insertion, deletion, substitution or swap of two neighbouring characters
 * costs 1 (`SECRET_KYE` → `SECRET_KEY` is 1).
 */
export function editDistance(a: string, b: string): number {
  // Three rows suffice: a swap looks two rows back.
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
    }
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The known key that `key` most likely misspells: one that differs from it
 * only in case (`debug` → `DEBUG`), or by one edit after upper-casing
 * (`SECRET_KYE`, `secret_kye` → `SECRET_KEY`). `undefined` when none is that
 * close: the key is the app's own.
 */
export function misspelledKey(key: string, known: Iterable<string>): string | undefined {
  const upper = key.toUpperCase();
  let oneEdit: string | undefined;
  for (const candidate of known) {
    if (candidate === key) return undefined;
    if (candidate === upper) return candidate;
    if (oneEdit === undefined && Math.abs(candidate.length - upper.length) <= 1 && editDistance(upper, candidate) === 1) {
      oneEdit = candidate;
    }
  }
  return oneEdit;
}
