/**
 * An app's own commands (Flask's `app.cli`, a click group): registered with
 * `app.cli.command(name, spec, handler)`, run as `micro <name> [args]
 * [--options]` inside an app context, and listed by `micro --help`.
 */

/** A positional argument of a command. */
export interface CommandArgument {
  /** Its key in the handler's `args`, and how help shows it (`<name>`). */
  readonly name: string;
  readonly description?: string;
  /** Must be given. Default true. */
  readonly required?: boolean;
  /** Takes every remaining argument as a list; only the last argument may be. Default false. */
  readonly variadic?: boolean;
}

/** An option of a command, `--name value` or `--flag` (parsed by node's `util.parseArgs`). */
export interface CommandOption {
  /** `'boolean'` for a flag (false when absent), `'string'` for an option with a value. */
  readonly type: 'string' | 'boolean';
  /** One letter, used as `-x`. */
  readonly short?: string;
  readonly description?: string;
  /** May be given several times; the handler gets a list. Default false. */
  readonly multiple?: boolean;
  /** The value when the option is absent. */
  readonly default?: string | boolean | readonly string[] | readonly boolean[];
}

export interface CommandSpec<
  A extends readonly CommandArgument[] = readonly CommandArgument[],
  O extends Readonly<Record<string, CommandOption>> = Readonly<Record<string, CommandOption>>,
> {
  /** One line for `micro --help`; the command's own help shows all of it. */
  readonly description?: string;
  /** The positional arguments, in order. Default none. */
  readonly arguments?: A;
  /** The options by long name (`dryRun` is `--dryRun`; `'dry-run'` is `--dry-run`). `app` and `help` are the CLI's. Default none. */
  readonly options?: O;
}

type ArgumentValue<A extends CommandArgument> = A extends { variadic: true }
  ? string[]
  : A extends { required: false }
    ? string | undefined
    : string;

/** The handler's `args`: each argument by name. */
export type ArgumentValues<A extends readonly CommandArgument[]> = {
  [K in A[number] as K['name']]: ArgumentValue<K>;
};

type OneOptionValue<O extends CommandOption> = O extends { type: 'boolean' } ? boolean : string;
type OptionValue<O extends CommandOption> = O extends { multiple: true } ? OneOptionValue<O>[] : OneOptionValue<O>;

/** The handler's `options`: a flag is always a boolean; a string option without a default may be undefined. */
export type OptionValues<O extends Readonly<Record<string, CommandOption>>> = {
  -readonly [K in keyof O]: O[K] extends { type: 'boolean' } | { default: unknown } | { multiple: true }
    ? OptionValue<O[K]>
    : OptionValue<O[K]> | undefined;
};

/** Runs a command; a rejection or throw exits 1 with its message, `process.exitCode` is kept. */
export type CommandHandler<
  A extends readonly CommandArgument[] = readonly CommandArgument[],
  O extends Readonly<Record<string, CommandOption>> = Readonly<Record<string, CommandOption>>,
> = (args: ArgumentValues<A>, options: OptionValues<O>) => unknown;

/** A registered command. */
export interface Command {
  readonly name: string;
  readonly spec: CommandSpec;
  readonly handler: CommandHandler;
}

/** The commands of micro itself, which an app's commands may not shadow. */
export const BUILTIN_COMMANDS = ['run', 'routes', 'shell'] as const;
/** Options every command has, parsed by the CLI itself. */
const RESERVED_OPTIONS = new Set(['app', 'help']);

/** `app.cli`: the app's commands. */
export class AppCli {
  readonly commands = new Map<string, Command>();

  /**
   * Register a command, as Flask's `@app.cli.command('init-db')`:
   *
   * ```ts
   * app.cli.command('init-db', { description: 'Create the tables.' }, async () => { await initDb(); });
   * app.cli.command(
   *   'add-user',
   *   { arguments: [{ name: 'email' }], options: { admin: { type: 'boolean', short: 'a' } } },
   *   async ({ email }, { admin }) => { … },
   * );
   * ```
   *
   * `micro add-user ada@example.com --admin` runs the handler inside
   * `app.appContext`, so `currentApp` and `g` work. Returns the handler.
   */
  command<H extends CommandHandler<[], {}>>(name: string, handler: H): H;
  command<const A extends readonly CommandArgument[] = [], const O extends Readonly<Record<string, CommandOption>> = {}>(
    name: string,
    spec: CommandSpec<A, O>,
    handler: CommandHandler<A, O>,
  ): CommandHandler<A, O>;
  command(name: string, specOrHandler: CommandSpec | CommandHandler, maybeHandler?: CommandHandler): CommandHandler {
    const [spec, handler] = typeof specOrHandler === 'function' ? [{}, specOrHandler] : [specOrHandler, maybeHandler];
    if (typeof handler !== 'function') throw new TypeError(`app.cli.command('${name}'): the handler must be a function`);
    checkCommand(name, spec);
    if (this.commands.has(name)) throw new Error(`A command named '${name}' is already registered; give one of them another name.`);
    this.commands.set(name, { name, spec, handler });
    return handler;
  }
}

function checkCommand(name: string, spec: CommandSpec): void {
  if (!/^[a-z0-9][a-z0-9_:.-]*$/i.test(name)) {
    throw new TypeError(`Command names are words such as 'init-db'; got ${JSON.stringify(name)}`);
  }
  if ((BUILTIN_COMMANDS as readonly string[]).includes(name)) {
    throw new Error(`'micro ${name}' is one of micro's own commands; give the app's command another name.`);
  }
  const args = spec.arguments ?? [];
  args.forEach((arg, i) => {
    if (arg.variadic && i !== args.length - 1) throw new TypeError(`Command '${name}': only the last argument may be variadic ('${arg.name}' is not last)`);
    if (arg.required !== false && args.slice(0, i).some((a) => a.required === false)) {
      throw new TypeError(`Command '${name}': the required argument '${arg.name}' follows an optional one`);
    }
  });
  for (const [option, o] of Object.entries(spec.options ?? {})) {
    if (RESERVED_OPTIONS.has(option)) throw new TypeError(`Command '${name}': --${option} is the CLI's own option; name yours otherwise`);
    if (o.short === 'h') throw new TypeError(`Command '${name}': -h is the CLI's own (--help); pick another short name for --${option}`);
  }
}
