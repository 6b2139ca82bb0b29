import { ShapeError } from '../errors.js';

/**
 * The end of every `switch` over a closed union such as `Expr['kind']`: the compiler rejects the
 * call while a case is missing, and a value from outside the types (plain JavaScript callers)
 * gets a named error instead of a silent `undefined`.
 */
export function assertNever(value: never, fn: string): never {
  const kind = (value as { kind?: unknown } | null)?.kind;
  throw new ShapeError(`${fn}: unknown expression kind ${JSON.stringify(kind ?? value)}`);
}
