import { NotEquivalentError } from '../errors.js';
import { avgPool, type AvgPoolOptions } from '../expr.js';
import { fmt } from '../geometry.js';
import type { Conv } from '../types.js';

/**
 * Average pooling as a conv (transform V of DBB): depthwise, weight `1 / (kh * kw)` on every
 * tap, same stride and padding. Exact only when padded positions count in the average
 * (`countIncludePad`) or there is no padding: otherwise border windows divide by fewer taps.
 */
export function avgPoolAsConv(
  options: AvgPoolOptions,
): Conv & { weight: Float64Array; bias: Float64Array } {
  const node = avgPool(options);
  if (node.kind !== 'avgPool') throw new Error('unreachable');
  const { channels, kernel, stride, padding, countIncludePad } = node;
  if (!countIncludePad && padding.some((p) => p > 0)) {
    throw new NotEquivalentError(
      'avgPoolAsConv',
      `padding ${fmt(padding)} with countIncludePad false divides border windows by fewer than ${kernel[0] * kernel[1]} taps; a conv cannot; count padding in the average or pad separately`,
    );
  }
  const k = kernel[0] * kernel[1];
  return {
    shape: [channels, 1, kernel[0], kernel[1]],
    weight: new Float64Array(channels * k).fill(1 / k),
    bias: new Float64Array(channels),
    geometry: { stride, padding, dilation: [1, 1], groups: channels },
  };
}
