/** A setting that is missing, ill-typed or unreadable; thrown at start-up or by a loader, never mid-request. */
export class ConfigError extends Error {
  /** The keys (or environment variables) at fault. */
  readonly keys: string[];
  readonly code = 'MICRO_CONFIG_INVALID';

  constructor(message: string, keys: string[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
    this.keys = keys;
  }
}
