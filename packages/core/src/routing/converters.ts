import { bindConverterArgs } from './converter-args.js';
import { BaseConverter } from './converter.js';
import type { ConverterArg, ConverterArgs, ConverterFactory } from './converter.js';
import { ValidationError } from './validation-error.js';

/**
 * The built-in converters, with Werkzeug's names, arguments and weights. Where
 * Werkzeug validates with a regex, these validate in `toValue`: a rejected
 * value makes the rule not match, and matching moves on to the next rule.
 */

const DIGITS = /^\d+$/;
const SIGNED_DIGITS = /^-?\d+$/;
const DECIMAL = /^\d+\.\d+$/;
const SIGNED_DECIMAL = /^-?\d+\.\d+$/;
const UUID = /^[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;

function optionalNumber(converter: string, name: string, value: ConverterArg | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new TypeError(`Converter '${converter}': '${name}' must be a number, got ${JSON.stringify(value)}`);
  return value;
}

// Python's len() counts code points, not UTF-16 units.
function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) i++;
    n++;
  }
  return n;
}

/** `<name>` or `<string(minlength=1, maxlength=None, length=None):name>`: one path segment. */
export class StringConverter extends BaseConverter {
  readonly minlength: number;
  readonly maxlength: number | undefined;
  readonly length: number | undefined;

  constructor(args?: ConverterArgs) {
    super();
    const a = args ? bindConverterArgs('string', args, ['minlength', 'maxlength', 'length']) : {};
    this.minlength = optionalNumber('string', 'minlength', a.minlength) ?? 1;
    this.maxlength = optionalNumber('string', 'maxlength', a.maxlength);
    this.length = optionalNumber('string', 'length', a.length);
  }

  override toValue(text: string): string {
    // The router never hands over an empty segment, so the default minlength=1 needs no check.
    if (this.length === undefined && this.maxlength === undefined && this.minlength <= 1) return text;
    const n = codePointLength(text);
    if (this.length !== undefined ? n !== this.length : n < this.minlength || (this.maxlength !== undefined && n > this.maxlength)) {
      throw new ValidationError(`length ${n} is out of range`);
    }
    return text;
  }
}

/** `<path:name>`: like string but also matches slashes; ranks after other converters. */
export class PathConverter extends BaseConverter {
  override readonly partIsolating = false;
  override readonly weight = 200;

  constructor(args?: ConverterArgs) {
    super();
    if (args) bindConverterArgs('path', args, []);
  }

  override toValue(text: string): string {
    // Werkzeug's regex is `[^/].*?`: the value never starts with a slash.
    if (text.charCodeAt(0) === 47) throw new ValidationError('path starts with a slash');
    return text;
  }
}

/** `<any(about, help, "foo,bar"):name>`: one of the listed items. */
export class AnyConverter extends BaseConverter {
  readonly items: ReadonlySet<string>;

  constructor(args?: ConverterArgs) {
    super();
    if (args && Object.keys(args.named).length > 0) {
      throw new TypeError(`Converter 'any' takes only positional items, got '${Object.keys(args.named)[0]}='`);
    }
    this.items = new Set((args?.positional ?? []).map((item) => String(item)));
    if (this.items.size === 0) throw new TypeError("Converter 'any' needs at least one item: <any(a, b):name>");
  }

  override toValue(text: string): string {
    if (!this.items.has(text)) throw new ValidationError(`'${text}' is not one of the items`);
    return text;
  }

  override toUrl(value: unknown): string {
    const text = String(value);
    if (this.items.has(text)) return text;
    const valid = [...this.items].sort().map((item) => `'${item}'`).join(', ');
    throw new ValidationError(`'${text}' is not one of ${valid}`);
  }
}

abstract class NumberConverter extends BaseConverter {
  override readonly weight = 50;
  readonly fixedDigits: number;
  readonly min: number | undefined;
  readonly max: number | undefined;
  readonly signed: boolean;
  protected abstract readonly pattern: RegExp;

  constructor(name: string, bound: Record<string, ConverterArg>) {
    super();
    this.fixedDigits = optionalNumber(name, 'fixed_digits', bound.fixed_digits) ?? 0;
    this.min = optionalNumber(name, 'min', bound.min);
    this.max = optionalNumber(name, 'max', bound.max);
    this.signed = bound.signed === true;
  }

  protected abstract parse(value: unknown): number;
  protected abstract isValid(n: number): boolean;

  protected inRange(n: number): boolean {
    return (this.min === undefined || n >= this.min) && (this.max === undefined || n <= this.max);
  }

  override toValue(text: string): number {
    if (!this.pattern.test(text)) throw new ValidationError(`'${text}' is not a number`);
    if (this.fixedDigits && text.length !== this.fixedDigits) throw new ValidationError(`'${text}' is not ${this.fixedDigits} digits`);
    // The pattern already checked the text, so a plain conversion is enough.
    const n = +text;
    if (!this.isValid(n)) throw new ValidationError(`${text} is not a valid number here`);
    if (!this.inRange(n)) throw new ValidationError(`${n} is out of range`);
    return n;
  }
}

/** `<int:name>` or `<int(fixed_digits=0, min=None, max=None, signed=False):name>`. */
export class IntegerConverter extends NumberConverter {
  protected readonly pattern: RegExp;

  constructor(args?: ConverterArgs) {
    super('int', args ? bindConverterArgs('int', args, ['fixed_digits', 'min', 'max', 'signed']) : {});
    this.pattern = this.signed ? SIGNED_DIGITS : DIGITS;
  }

  protected parse(value: unknown): number {
    const n = typeof value === 'number' ? Math.trunc(value) : typeof value === 'bigint' ? Number(value) : Number.parseInt(String(value), 10);
    // Beyond 2^53 a JS number loses digits: such an id could not be built back.
    if (!Number.isSafeInteger(n)) throw new ValidationError(`${String(value)} is not a safe integer`);
    return n;
  }

  protected isValid(n: number): boolean {
    return Number.isSafeInteger(n);
  }

  override toUrl(value: unknown): string {
    if (typeof value === 'string' && !SIGNED_DIGITS.test(value.trim())) throw new ValidationError(`'${value}' is not an integer`);
    const n = this.parse(value);
    const text = String(Math.abs(n)).padStart(this.fixedDigits - (n < 0 ? 1 : 0), '0');
    return n < 0 ? '-' + text : text;
  }
}

/** `<float:name>` or `<float(min=None, max=None, signed=False):name>`: needs a dot, as `1.5`. */
export class FloatConverter extends NumberConverter {
  protected readonly pattern: RegExp;

  constructor(args?: ConverterArgs) {
    super('float', args ? bindConverterArgs('float', args, ['min', 'max', 'signed']) : {});
    this.pattern = this.signed ? SIGNED_DECIMAL : DECIMAL;
  }

  protected parse(value: unknown): number {
    const n = typeof value === 'number' ? value : Number.parseFloat(String(value));
    if (!Number.isFinite(n)) throw new ValidationError(`${String(value)} is not a finite number`);
    return n;
  }

  protected isValid(n: number): boolean {
    return Number.isFinite(n);
  }

  override toUrl(value: unknown): string {
    const n = this.parse(value);
    // Python prints 1.0 for a whole float, and the rule only matches text with a dot.
    return Number.isInteger(n) && Math.abs(n) < 1e16 ? n.toFixed(1) : String(n);
  }
}

/** `<uuid:name>`: a UUID in 8-4-4-4-12 hex form; the value is the lower-case string. */
export class UUIDConverter extends BaseConverter {
  constructor(args?: ConverterArgs) {
    super();
    if (args) bindConverterArgs('uuid', args, []);
  }

  override toValue(text: string): string {
    if (!UUID.test(text)) throw new ValidationError(`'${text}' is not a UUID`);
    return text.toLowerCase();
  }

  override toUrl(value: unknown): string {
    const text = String(value);
    if (!UUID.test(text)) throw new ValidationError(`'${text}' is not a UUID`);
    return text.toLowerCase();
  }
}

/** The converters every router starts with (Werkzeug's `DEFAULT_CONVERTERS`). */
export const DEFAULT_CONVERTERS: Readonly<Record<string, ConverterFactory>> = Object.freeze({
  default: StringConverter,
  string: StringConverter,
  any: AnyConverter,
  path: PathConverter,
  int: IntegerConverter,
  float: FloatConverter,
  uuid: UUIDConverter,
});

// Re-exported so callers can take converter types from the module that registers the built-ins.
export type { Converter, ConverterClass, ConverterFactory } from './converter.js';
