import { validateConv } from '../conv.js';
import { ShapeError } from '../errors.js';
import type { Conv, Floats } from '../types.js';

/**
 * Homogeneity, `x * (p K) = p (x * K)`: scales output channel `o` of a conv (weight and bias)
 * by `factors[o]`. Exact for any geometry. Returns float64.
 */
export function scaleConv(
  conv: Conv,
  factors: Floats,
): Conv & { weight: Float64Array; bias: Float64Array } {
  validateConv(conv, 'scaleConv');
  const out = conv.shape[0];
  if (factors.length !== out)
    throw new ShapeError(`scaleConv: ${factors.length} factors for ${out} output channels`);
  const perOut = conv.weight.length / out;
  const weight = new Float64Array(conv.weight.length);
  const bias = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    for (let k = o * perOut; k < (o + 1) * perOut; k++) weight[k] = conv.weight[k] * factors[o];
    bias[o] = conv.bias[o] * factors[o];
  }
  return { shape: conv.shape, geometry: conv.geometry, weight, bias };
}
