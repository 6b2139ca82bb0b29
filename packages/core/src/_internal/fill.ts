import { NotEquivalentError } from '../errors.js';
import { fmt } from '../geometry.js';
import { type FillConv, padsInput } from './fill-conv.js';

/**
 * Two pad values are the same when they differ by no more than float32 rounding
 * (1e-6 relative): weights arrive in float32 while `collapse` works in float64.
 */
export function sameValues(
  a: ArrayLike<number> | undefined,
  b: ArrayLike<number> | undefined,
  length: number,
): boolean {
  for (let i = 0; i < length; i++) {
    const x = a?.[i] ?? 0;
    const y = b?.[i] ?? 0;
    if (Math.abs(x - y) > 1e-6 * (1 + Math.max(Math.abs(x), Math.abs(y)))) return false;
  }
  return true;
}

/** The pad fill shared by every branch that pads its input; throws if two branches disagree. */
export function commonFill(convs: readonly FillConv[], rule: string): Float64Array | undefined {
  let chosen: Float64Array | undefined;
  let chosenIndex = -1;
  const channels = convs[0].shape[1] * convs[0].geometry.groups;
  convs.forEach((c, i) => {
    if (!padsInput(c)) return;
    if (chosenIndex < 0) {
      chosen = c.fill;
      chosenIndex = i;
    } else if (!sameValues(chosen, c.fill, channels)) {
      throw new NotEquivalentError(
        rule,
        `branch ${chosenIndex} pads its input with ${describeFill(chosen)}, branch ${i} with ${describeFill(c.fill)}; padded branches must share the pad value`,
      );
    }
  });
  return chosen;
}

export const describeFill = (fill: ArrayLike<number> | undefined): string =>
  fill === undefined
    ? 'zeros'
    : `values ${fmt(
        Array.from(fill)
          .slice(0, 4)
          .map((v) => +v.toPrecision(4)),
      )}${fill.length > 4 ? '...' : ''}`;
