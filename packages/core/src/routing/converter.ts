import { quotePath } from './url-quote.js';

/** A literal from a rule's argument list: `<int(min=1, signed=True):n>`. */
export type ConverterArg = string | number | boolean | null;

/** The arguments written in a rule, e.g. `any(a, b)` or `string(length=2)`. */
export interface ConverterArgs {
  readonly positional: readonly ConverterArg[];
  readonly named: Readonly<Record<string, ConverterArg>>;
}

/**
 * Turns one placeholder's URL text into a value and back. Built-in
 * converters: `string` (default), `int`, `float`, `path`, `any`, `uuid`.
 */
export interface Converter {
  /** URL text (already percent-decoded) to the view's value; throw `ValidationError` to reject. Default: the text. */
  toValue?(text: string): unknown;
  /** Value to URL text, percent-encoded; throw `ValidationError` to refuse. Default: `String(value)` quoted. */
  toUrl?(value: unknown): string;
  /** False when the text may contain slashes (spans segments, like `path`). Default: true. */
  readonly partIsolating?: boolean;
  /** Rank among converters in the same position: lower is tried first (`int` 50, `string` 100, `path` 200). Default: 100. */
  readonly weight?: number;
}

/** A converter class: built once per placeholder with the arguments written in the rule. */
export type ConverterClass = new (args: ConverterArgs) => Converter;

/** What `Router.converters` (and `app.addConverter`) accept: a class, or a ready converter that takes no arguments. */
export type ConverterFactory = ConverterClass | Converter;

/** A converter with Werkzeug's defaults; extend it and override what differs. */
export class BaseConverter implements Converter {
  readonly partIsolating: boolean = true;
  readonly weight: number = 100;

  // Subclasses may accept arguments; the base takes none it needs.
  constructor(_args?: ConverterArgs) {}

  toValue(text: string): unknown {
    return text;
  }

  toUrl(value: unknown): string {
    return quotePath(String(value));
  }
}
