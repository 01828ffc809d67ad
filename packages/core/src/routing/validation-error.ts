/**
 * Thrown by a converter's `toValue` to say "this text is not mine": the rule
 * does not match and the router tries the next candidate. Thrown by `toUrl`,
 * it means the value cannot be put in this rule's URL, and building moves on
 * to the endpoint's next rule (then fails with a `BuildError`).
 */
export class ValidationError extends Error {
  constructor(message = 'value rejected by converter') {
    super(message);
    this.name = 'ValidationError';
  }
}
