/** A value has the wrong shape, size or range for the function it was given to. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}

/**
 * A merge was asked for that would not compute the same function. The message names the rule,
 * the values that break its condition, and what would make the merge exact.
 */
export class NotEquivalentError extends Error {
  override readonly name = 'NotEquivalentError';
  constructor(
    readonly rule: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${rule}: ${message}`, options);
  }
}
