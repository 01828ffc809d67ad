import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CommandSpec } from './app-cli.js';
import { CliError } from './cli-error.js';

/** A command line, parsed against a command's spec. */
export interface ParsedCommandLine {
  readonly args: Record<string, string | string[] | undefined>;
  readonly options: Record<string, string | boolean | (string | boolean)[] | undefined>;
  /** `--help` or `-h` was given: print the command's help instead of running it. */
  readonly help: boolean;
}

type ParseArgsOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * Parse `argv` (what follows the command's name) with node's `util.parseArgs`,
 * strictly: an unknown option, a missing or an extra argument is a usage
 * error (exit 2) that points at `micro <command> --help`.
 */
export function parseCommandLine(command: string, spec: CommandSpec, argv: readonly string[]): ParsedCommandLine {
  const options: ParseArgsOptions = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(spec.options ?? {})) {
    // parseArgs rejects keys present with an undefined value, so only set ones go in.
    const config: ParseArgsOptions[string] = { type: o.type };
    if (o.short !== undefined) config.short = o.short;
    if (o.multiple) config.multiple = true;
    const fallback = o.default ?? (o.type === 'boolean' ? (o.multiple ? [] : false) : o.multiple ? [] : undefined);
    if (fallback !== undefined) config.default = fallback as string | boolean | string[] | boolean[];
    options[name] = config;
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError(command, (err as Error).message);
  }
  const { help, ...values } = parsed.values;
  if (help === true) return { args: {}, options: {}, help: true };
  return { args: assignArguments(command, spec, parsed.positionals), options: values as ParsedCommandLine['options'], help: false };
}

/** The positionals by argument name, as click does: required ones first, a variadic last. */
function assignArguments(command: string, spec: CommandSpec, positionals: readonly string[]): ParsedCommandLine['args'] {
  const args: ParsedCommandLine['args'] = {};
  let next = 0;
  for (const arg of spec.arguments ?? []) {
    const required = arg.required !== false;
    if (arg.variadic) {
      args[arg.name] = positionals.slice(next);
      next = positionals.length;
      if (required && args[arg.name]!.length === 0) throw usageError(command, `Missing argument '<${arg.name}>...'.`);
    } else if (next < positionals.length) {
      args[arg.name] = positionals[next++];
    } else if (required) {
      throw usageError(command, `Missing argument '<${arg.name}>'.`);
    } else {
      args[arg.name] = undefined;
    }
  }
  const extra = positionals.slice(next);
  if (extra.length) throw usageError(command, `Got unexpected extra argument${extra.length > 1 ? 's' : ''} (${extra.join(' ')}).`);
  return args;
}

function usageError(command: string, message: string): CliError {
  return new CliError(`${message}\nTry 'micro ${command} --help' for help.`);
}
