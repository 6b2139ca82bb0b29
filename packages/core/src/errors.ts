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

/**
 * A merge was refused before anything was allocated: its arrays would exceed the memory budget
 * (`unit` 'bytes', `collapse`'s `maxBytes`) or the collapsed conv would cost more multiply-adds
 * per output than the expression (`unit` 'multiply-adds', `maxCostRatio`). `merge` names the node
 * (a path such as `expr.terms[2].stages[1]`), `needed` and `limit` the amounts.
 */
export class BudgetError extends Error {
  override readonly name = 'BudgetError';
  constructor(
    readonly merge: string,
    readonly needed: number,
    readonly limit: number,
    readonly unit: 'bytes' | 'multiply-adds',
    message: string,
  ) {
    super(message);
  }
}
