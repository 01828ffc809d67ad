import type { ConverterArg, ConverterArgs } from './converter.js';

// Werkzeug's argument grammar: `name=value` or `value`, comma separated, where a
// value is True/False/None, a number, a bare word or a quoted string. A leading
// minus on numbers is accepted too (Werkzeug rejects `min=-5`).
const ARG = /\s*(?:(\w+)\s*=\s*)?(True|False|-?\d+\.\d+|-?\d+\.|-?\d+|[\w.]+|[urUR]?("[^"]*?"|'[^']*'))\s*,/y;
const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export const NO_ARGS: ConverterArgs = Object.freeze({ positional: Object.freeze([]), named: Object.freeze({}) });

/** Parse the text between the parentheses of `<conv(...):name>`. */
export function parseConverterArgs(text: string): ConverterArgs {
  const source = text + ',';
  const positional: ConverterArg[] = [];
  const named: Record<string, ConverterArg> = {};
  ARG.lastIndex = 0;
  let position = 0;
  while (position < source.length) {
    const m = ARG.exec(source);
    if (m === null || m.index !== position) {
      if (source.slice(position).trim() === '' || source.slice(position).trim() === ',') break;
      throw new SyntaxError(`Cannot parse converter argument '${source.slice(position, -1)}'`);
    }
    const value = pythonize(m[3] ?? m[2]!);
    if (m[1] === undefined) positional.push(value);
    else named[m[1]] = value;
    position = ARG.lastIndex;
  }
  return { positional, named };
}

function pythonize(value: string): ConverterArg {
  if (value === 'None') return null;
  if (value === 'True') return true;
  if (value === 'False') return false;
  if (INT.test(value)) return Number.parseInt(value, 10);
  if (FLOAT.test(value)) return Number.parseFloat(value);
  const q = value[0];
  if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) return value.slice(1, -1);
  return value;
}

/**
 * Map rule arguments onto a converter's parameter names, as Python binds
 * `Converter(map, *args, **kwargs)`: positional first, then by name.
 * Unknown or repeated names are a mistake in the rule, reported at once.
 */
export function bindConverterArgs(
  converter: string,
  args: ConverterArgs,
  params: readonly string[],
): Record<string, ConverterArg> {
  if (args.positional.length > params.length) {
    throw new TypeError(`Converter '${converter}' takes at most ${params.length} arguments (${params.join(', ')}), got ${args.positional.length}`);
  }
  const bound: Record<string, ConverterArg> = {};
  args.positional.forEach((value, i) => {
    bound[params[i]!] = value;
  });
  for (const [key, value] of Object.entries(args.named)) {
    if (!params.includes(key)) {
      throw new TypeError(`Converter '${converter}' has no argument '${key}' (it takes: ${params.join(', ') || 'none'})`);
    }
    if (key in bound) throw new TypeError(`Converter '${converter}' got argument '${key}' twice`);
    bound[key] = value;
  }
  return bound;
}
