import type { Converter } from './converter.js';
import type { Rule } from './rule.js';
import { compareWeighting } from './rule-part.js';
import type { DynamicPart } from './rule-part.js';
import { ValidationError } from './validation-error.js';

/** A node of the matcher: static children by text, dynamic ones in weight order, and the rules ending here. */
class State {
  static: Map<string, State> | null = null;
  readonly dynamic: Transition[] = [];
  readonly rules: Rule[] = [];
}

interface Transition {
  readonly part: DynamicPart;
  readonly state: State;
}

/** What one walk found; `rule` is null for no match. */
export interface WalkRecord {
  /** Methods of rules whose pattern matched but whose methods did not: the 405 `Allow` set. */
  allowed: Set<string> | null;
  /** Rules whose pattern reached the end of the path, in the order tried. */
  readonly tried: Rule[] | null;
  /** How many dynamic parts were tested (a regex and/or converters ran). */
  partTests: number;
}

/** Thrown inside the walk when only the same path plus a slash matches (Werkzeug's SlashRequired). */
export const SLASH_REQUIRED: unique symbol = Symbol('slash required');

const REJECTED: unique symbol = Symbol('rejected');

function convert(converter: Converter, text: string): unknown {
  if (converter.toValue === undefined) return text;
  try {
    return converter.toValue(text);
  } catch (error) {
    if (error instanceof ValidationError) return REJECTED;
    throw error;
  }
}

function joinParts(parts: readonly string[], from: number, to: number): string {
  let out = parts[from]!;
  for (let i = from + 1; i < to; i++) out += '/' + parts[i];
  return out;
}

/**
 * Werkzeug's state-machine matcher. A path is split on `/` and walked part by
 * part: static children first (one Map lookup), then dynamic ones ordered by
 * weight, backtracking on failure. Only dynamic parts on the walked branch run
 * a regex or converter, so the work per path does not grow with the number of
 * rules, only with how many rules share its prefix.
 */
export class StateMachine {
  readonly #root = new State();

  add(rule: Rule): void {
    let state = this.#root;
    for (const part of rule.parts) {
      if (part.static) {
        state.static ??= new Map();
        let next = state.static.get(part.text);
        if (next === undefined) {
          next = new State();
          state.static.set(part.text, next);
        }
        state = next;
        continue;
      }
      const existing = state.dynamic.find((t) => t.part.key === part.key);
      if (existing !== undefined) {
        state = existing.state;
        continue;
      }
      const transition: Transition = { part, state: new State() };
      // Stable insert: after every transition that does not weigh more (Python's sort is stable).
      let at = state.dynamic.length;
      while (at > 0 && compareWeighting(state.dynamic[at - 1]!.part.weight, part.weight) > 0) at--;
      state.dynamic.splice(at, 0, transition);
      state = transition.state;
    }
    state.rules.push(rule);
  }

  /**
   * Find the rule for `parts` (the path split on `/`, without the leading
   * empty part) and push the converted values onto `values`. Throws
   * `SLASH_REQUIRED` when only the path with a trailing slash matches.
   */
  match(parts: readonly string[], method: string, values: unknown[], record: WalkRecord): Rule | null {
    return this.#walk(this.#root, parts, 0, method, values, record);
  }

  #walk(state: State, parts: readonly string[], i: number, method: string, values: unknown[], record: WalkRecord): Rule | null {
    const n = parts.length;
    if (i === n) {
      const rules = state.rules;
      for (let k = 0; k < rules.length; k++) {
        const rule = rules[k]!;
        if (record.tried !== null) record.tried.push(rule);
        if (rule.methods.has(method)) return rule;
        noteAllowed(record, rule);
      }
      // The path matches a branch rule (`/docs/`) but lacks its slash.
      const slash = state.static?.get('');
      if (slash !== undefined) {
        for (const rule of slash.rules) {
          if (!rule.methods.has(method)) continue;
          if (record.tried !== null) record.tried.push(rule);
          if (rule.strictSlashes) throw SLASH_REQUIRED;
          return rule;
        }
      }
      return null;
    }

    const text = parts[i]!;
    if (state.static !== null) {
      const next = state.static.get(text);
      if (next !== undefined) {
        const rule = this.#walk(next, parts, i + 1, method, values, record);
        if (rule !== null) return rule;
      }
    }

    const dynamic = state.dynamic;
    for (let k = 0; k < dynamic.length; k++) {
      const { part, state: next } = dynamic[k]!;
      let target = text;
      let after = i + 1;
      if (part.final) {
        // A slash-matching converter takes the rest of the path; a rule
        // written `<path:p>/` leaves the trailing empty part for the slash check.
        if (part.suffixed && i < n - 1 && parts[n - 1] === '') {
          target = joinParts(parts, i, n - 1);
          after = n - 1;
        } else {
          target = joinParts(parts, i, n);
          after = n;
        }
      }
      const mark = values.length;
      if (this.#accept(part, target, values, record)) {
        const rule = this.#walk(next, parts, after, method, values, record);
        if (rule !== null) return rule;
      }
      values.length = mark;
    }

    // `/docs/` requested: leaf rules without strict slashes match it too.
    if (i === n - 1 && text === '') {
      const rules = state.rules;
      for (let k = 0; k < rules.length; k++) {
        const rule = rules[k]!;
        if (rule.strictSlashes) continue;
        if (record.tried !== null) record.tried.push(rule);
        if (rule.methods.has(method)) return rule;
        noteAllowed(record, rule);
      }
    }
    return null;
  }

  #accept(part: DynamicPart, target: string, values: unknown[], record: WalkRecord): boolean {
    record.partTests++;
    const converters = part.converters;
    if (part.regexp === null) {
      if (target === '') return false;
      const value = convert(converters[0]!, target);
      if (value === REJECTED) return false;
      values.push(value);
      return true;
    }
    const m = part.regexp.exec(target);
    if (m === null) return false;
    for (let c = 0; c < converters.length; c++) {
      const value = convert(converters[c]!, m[c + 1]!);
      if (value === REJECTED) return false;
      values.push(value);
    }
    return true;
  }
}

function noteAllowed(record: WalkRecord, rule: Rule): void {
  record.allowed ??= new Set();
  for (const m of rule.methods) record.allowed.add(m);
}
