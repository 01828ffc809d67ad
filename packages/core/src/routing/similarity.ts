/**
 * How alike two strings are, from 0 to 1: Python's
 * `difflib.SequenceMatcher(None, a, b).ratio()`, i.e. twice the characters
 * in matching blocks over the total length. Used to suggest endpoint names.
 */
export function similarity(a: string, b: string): number {
  const total = a.length + b.length;
  return total === 0 ? 1 : (2 * matchingCharacters(a, 0, a.length, b, 0, b.length)) / total;
}

// Longest common block, then recurse on both sides of it (difflib's get_matching_blocks).
function matchingCharacters(a: string, alo: number, ahi: number, b: string, blo: number, bhi: number): number {
  if (alo >= ahi || blo >= bhi) return 0;
  let bestI = alo;
  let bestJ = blo;
  let bestSize = 0;
  let previous = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const current = new Map<number, number>();
    for (let j = blo; j < bhi; j++) {
      if (a[i] !== b[j]) continue;
      const size = (previous.get(j - 1) ?? 0) + 1;
      current.set(j, size);
      if (size > bestSize) {
        bestI = i - size + 1;
        bestJ = j - size + 1;
        bestSize = size;
      }
    }
    previous = current;
  }
  if (bestSize === 0) return 0;
  return (
    bestSize +
    matchingCharacters(a, alo, bestI, b, blo, bestJ) +
    matchingCharacters(a, bestI + bestSize, ahi, b, bestJ + bestSize, bhi)
  );
}
