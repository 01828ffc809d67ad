/**
 * Compiling one template with Nunjucks' public precompiler, so that a syntax
 * error is reported for the file that has it, and so that the template whose
 * code raised an error while rendering can be told from the stack trace
 * (Nunjucks reports the line, but names the template that was rendered: for
 * an error in a base template, the child that extends it).
 */
import nunjucks, { type Environment } from 'nunjucks';
import { TemplateSyntaxError } from './errors.js';

/** A compiled template: its root render function and one function per block. */
export type CompiledTemplate = Record<string, unknown>;

/** A compiled template and the code it was made from. */
export interface Compiled {
  template: CompiledTemplate;
  code: string;
}

// Compiled code is named after its template, so a stack trace shows which template's code raised an error.
const SOURCE_SCHEME = 'micro-template:';
const TEMPLATE_FRAME = /micro-template:([^\s:)]+):(\d+):(\d+)/;
// new Function() puts two lines ("function anonymous(", ") {") before the code.
const FUNCTION_HEADER_LINES = 2;

/** Where in a template's compiled code the innermost template frame of `err`'s stack is, if any. */
export interface StackPosition {
  templateName: string;
  /** 1-based line and column in the compiled code. */
  codeLine: number;
  codeColumn: number;
}

export function templateOnStack(err: unknown): StackPosition | undefined {
  const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : '';
  const match = TEMPLATE_FRAME.exec(stack);
  if (!match) return undefined;
  return { templateName: decodeURIComponent(match[1]!), codeLine: Number(match[2]) - FUNCTION_HEADER_LINES, codeColumn: Number(match[3]) };
}

/**
 * The template line of a position in its compiled code: Nunjucks' code sets
 * `lineno = N` (0-based) before each call it makes, so the last one before
 * the position is the line of the call that failed. (Nunjucks' own `lineno`
 * is that of the function whose try/catch saw the error, which after a
 * block or include is often another template's.)
 */
export function templateLine(code: string, codeLine: number, codeColumn: number): number | undefined {
  const lines = code.split('\n');
  if (codeLine < 1 || codeLine > lines.length) return undefined;
  const before = [...lines.slice(0, codeLine - 1), lines[codeLine - 1]!.slice(0, codeColumn)].join('\n');
  let line: number | undefined;
  for (const m of before.matchAll(/\blineno = (\d+)/g)) line = Number(m[1]) + 1;
  return line;
}

// precompileString's wrapper option gets the compiled templates; this keeps the code as is.
const codeOnly = ((templates: Array<{ template: string }>) => templates[0]!.template) as unknown as nunjucks.PrecompileOptions['wrapper'];

export interface CompileOptions {
  /** Keep a newline that ends the source (Jinja's `keep_trailing_newline`); else one is dropped, as Jinja does. */
  keepTrailingNewline: boolean;
}

/** Compile `source` for `env` (its filters and extensions); throws TemplateSyntaxError. */
export function compileTemplate(env: Environment, source: string, options: CompileOptions, templateName: string, filename?: string): Compiled {
  // Nunjucks keeps the newline most files end with; Jinja (and so Flask) drops it.
  if (!options.keepTrailingNewline) source = source.replace(/(\r\n|\r|\n)$/, '');
  let code: string;
  try {
    code = nunjucks.precompileString(source, { name: templateName, env, wrapper: codeOnly });
  } catch (err) {
    throw syntaxError(err, templateName, filename);
  }
  // What Nunjucks does with precompiled code (its PrecompiledLoader hands it over this way).
  const template = new Function(`${code}\n//# sourceURL=${SOURCE_SCHEME}${encodeURIComponent(templateName)}`)() as CompiledTemplate;
  return { template, code };
}

// Nunjucks' precompiler words its errors as "(name) [Line 3, Column 6]\n  expected variable end".
const PRECOMPILE_ERROR = /^\(.*?\)(?: \[Line (\d+)(?:, Column (\d+))?\])?\n\s*([\s\S]*)$/;

function syntaxError(err: unknown, templateName: string, filename: string | undefined): TemplateSyntaxError {
  const message = err instanceof Error ? err.message : String(err);
  const parsed = PRECOMPILE_ERROR.exec(message);
  return new TemplateSyntaxError(
    parsed ? parsed[3]! : message,
    {
      templateName,
      filename,
      lineno: parsed?.[1] ? Number(parsed[1]) : undefined,
      colno: parsed?.[2] ? Number(parsed[2]) : undefined,
    },
    { cause: err },
  );
}
