import type { Converter } from './converter.js';

/**
 * One `/`-separated part of a rule, as Werkzeug's state machine sees it. A
 * static part is plain text; a dynamic part holds one or more placeholders
 * and is tested against one path segment, or against the whole rest of the
 * path when it contains a converter that matches slashes (`final`).
 */
export type RulePart = StaticPart | DynamicPart;

export interface StaticPart {
  readonly static: true;
  readonly text: string;
}

export interface DynamicPart {
  readonly static: false;
  /** Equal keys mean equal matching, so rules can share a state. */
  readonly key: string;
  /** Consumes every remaining segment (a non part-isolating converter is in it). */
  readonly final: boolean;
  /** A final part written with a trailing slash, as `<path:p>/`. */
  readonly suffixed: boolean;
  /** The part is exactly one placeholder: the segment is the value, no regex needed. */
  readonly whole: boolean;
  /** Compiled by path-to-regexp; null when `whole`. */
  readonly regexp: RegExp | null;
  /** The converters of the placeholders, in order. */
  readonly converters: readonly Converter[];
  readonly weight: Weighting;
}

/** Werkzeug's ordering of dynamic parts: more static text, longer text, more placeholders, lighter converters first. */
export interface Weighting {
  readonly staticCount: number;
  /** For each static chunk: its index and minus its length. */
  readonly staticWeights: readonly (readonly [number, number])[];
  readonly argumentCount: number;
  readonly argumentWeights: readonly number[];
}

function compareLists<T>(a: readonly T[], b: readonly T[], item: (x: T, y: T) => number): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = item(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Compare like Python compares Werkzeug's `Weighting` tuples; negative sorts first. */
export function compareWeighting(a: Weighting, b: Weighting): number {
  return (
    b.staticCount - a.staticCount ||
    compareLists(a.staticWeights, b.staticWeights, (x, y) => x[0] - y[0] || x[1] - y[1]) ||
    b.argumentCount - a.argumentCount ||
    compareLists(a.argumentWeights, b.argumentWeights, (x, y) => x - y)
  );
}
