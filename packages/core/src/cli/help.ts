import type { CommandOption, CommandSpec } from './app-cli.js';

/** A command as `micro --help` lists it. */
export interface CommandSummary {
  readonly name: string;
  readonly description?: string | undefined;
}

const MAIN_USAGE = `Usage: micro [--app <file>] [--debug] <command> [args]...

  Runs a micro app's commands, as the flask command does. The app is found
  from --app, else the MICRO_APP environment variable, else app.ts, app.js,
  src/app.ts or src/app.js in the current folder; a module that exports no
  app but a createApp or makeApp factory is called.`;

const MAIN_OPTIONS: [string, string][] = [
  ['--app <file>', "The app's module: a file, 'file:name' for one of its exports, or 'file:createApp(args)' to call a factory."],
  ['--debug', 'Set DEBUG for the command (micro run also reloads on change).'],
  ['--version', 'Show the Node.js and @micro/core versions.'],
  ['-h, --help', 'Show this message.'],
];

/** `micro --help`: usage, options and every command (micro's and the app's), sorted as click sorts them. */
export function formatMainHelp(commands: readonly CommandSummary[], note?: string): string {
  const sorted = [...commands].sort((a, b) => a.name.localeCompare(b.name));
  const lines = [MAIN_USAGE, '', 'Options:', ...table(MAIN_OPTIONS), '', 'Commands:', ...table(sorted.map((c) => [c.name, firstLine(c.description)]))];
  if (note) lines.push('', note);
  return lines.join('\n');
}

/** `micro <command> --help`: usage line, description, arguments and options. */
export function formatCommandHelp(command: string, spec: CommandSpec): string {
  const args = spec.arguments ?? [];
  const options = Object.entries(spec.options ?? {});
  const usage = [
    `micro ${command}`,
    ...(options.length ? ['[options]'] : []),
    ...args.map((a) => {
      const shown = `<${a.name}>${a.variadic ? '...' : ''}`;
      return a.required === false ? `[${shown}]` : shown;
    }),
  ].join(' ');
  const lines = [`Usage: ${usage}`];
  if (spec.description) lines.push('', ...spec.description.split('\n').map((l) => `  ${l}`.trimEnd()));
  if (args.some((a) => a.description)) {
    lines.push('', 'Arguments:', ...table(args.map((a) => [`<${a.name}>`, a.description ?? ''])));
  }
  lines.push('', 'Options:', ...table([...options.map(([name, o]) => [optionLabel(name, o), optionText(o)] as [string, string]), ['-h, --help', 'Show this message.']]));
  return lines.join('\n');
}

function optionLabel(name: string, o: CommandOption): string {
  const long = `--${name}${o.type === 'string' ? ' <value>' : ''}`;
  return o.short ? `-${o.short}, ${long}` : long;
}

function optionText(o: CommandOption): string {
  const parts = [o.description ?? ''];
  if (o.multiple) parts.push('(may be repeated)');
  if (o.default !== undefined && o.default !== false) parts.push(`(default: ${JSON.stringify(o.default)})`);
  return parts.filter(Boolean).join(' ');
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]!;
}

/** Two columns, the second aligned. */
function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd());
}
