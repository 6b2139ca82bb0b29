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
  const out = conv.shape[0];
  if (bn.gamma.length !== out) {
    throw new ShapeError(
      `foldBatchNorm: batch-norm has ${bn.gamma.length} channels, the conv has ${out} output channels`,
    );
  }
  const { scale, bias } = batchNormFactors(bn, conv.bias);
  const perOut = conv.weight.length / out;
  const weight = new Float64Array(conv.weight.length);
  for (let o = 0; o < out; o++) {
    const t = scale[o];
    for (let k = o * perOut; k < (o + 1) * perOut; k++) weight[k] = conv.weight[k] * t;
  }
  return { shape: conv.shape, geometry: conv.geometry, weight, bias };
}

/**
 * The per-channel factors of batch-norm folding (I), after validating `bn`: `scale[o] = t[o]`
 * and `bias[o] = t[o] * (convBias[o] - mean[o]) + beta[o]` (`convBias` zero when absent).
 */
export function batchNormFactors(
  bn: BatchNorm,
  convBias?: ArrayLike<number>,
): { scale: Float64Array; bias: Float64Array } {
  batchNormNode(bn);
  const c = bn.gamma.length;
  const scale = new Float64Array(c);
  const bias = new Float64Array(c);
  for (let o = 0; o < c; o++) {
    const t = bn.gamma[o] / Math.sqrt(bn.variance[o] + bn.epsilon);
    scale[o] = t;
    bias[o] = ((convBias?.[o] ?? 0) - bn.mean[o]) * t + bn.beta[o];
  }
  return { scale, bias };
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
