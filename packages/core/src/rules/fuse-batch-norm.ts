import { validateConv } from '../conv.js';
import { ShapeError } from '../errors.js';
import { batchNorm as batchNormNode } from '../expr.js';
import type { BatchNorm, Conv } from '../types.js';

/**
 * Folds an eval-mode batch-norm that follows a conv into the conv (transform I of DBB,
 * Ding et al. 2021): with `t = gamma / sqrt(variance + epsilon)`,
 * `W'[o] = t[o] * W[o]` and `b'[o] = t[o] * (b[o] - mean[o]) + beta[o]`.
 * Exact for any geometry, since batch-norm acts per output channel. Returns float64.
 */
export function foldBatchNorm(
  conv: Conv,
  bn: BatchNorm,
): Conv & { weight: Float64Array; bias: Float64Array } {
  validateConv(conv, 'foldBatchNorm');
  batchNormNode(bn);
  const out = conv.shape[0];
  if (bn.gamma.length !== out) {
    throw new ShapeError(
      `foldBatchNorm: batch-norm has ${bn.gamma.length} channels, the conv has ${out} output channels`,
    );
  }
  const perOut = conv.weight.length / out;
  // Convert once, then scale a float64 array in place: one element type in the hot loop.
  const weight = new Float64Array(conv.weight);
  const bias = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    const t = bn.gamma[o] / Math.sqrt(bn.variance[o] + bn.epsilon);
    const end = (o + 1) * perOut;
    for (let k = o * perOut; k < end; k++) weight[k] *= t;
    bias[o] = (conv.bias[o] - bn.mean[o]) * t + bn.beta[o];
  }
  return { shape: conv.shape, geometry: conv.geometry, weight, bias };
}

/**
 * A batch-norm alone as a conv: depthwise 1x1 (groups = channels) with weight
 * `gamma / sqrt(variance + epsilon)` and bias `beta - mean * weight`. RepVGG's identity branch.
 */
export function batchNormAsConv(
  bn: BatchNorm,
): Conv & { weight: Float64Array; bias: Float64Array } {
  batchNormNode(bn);
  const c = bn.gamma.length;
  const unit: Conv = {
    shape: [c, 1, 1, 1],
    weight: new Float64Array(c).fill(1),
    bias: new Float64Array(c),
    geometry: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: c },
  };
  return foldBatchNorm(unit, bn);
}
