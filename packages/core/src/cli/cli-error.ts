/**
 * An error the CLI reports as one line, without a stack, then exits with
 * `exitCode`: 2 for a usage error (click's UsageError: an unknown command,
 * a missing argument, no app found), 1 for a command that failed.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}
