import { validateConv } from '../conv.js';
import { ShapeError } from '../errors.js';
import { batchNorm as batchNormNode } from '../expr.js';
import type { BatchNorm, Conv } from '../types.js';

/**
 * Folds an eval-mode batch-norm that follows a conv into the conv (transform I of DBB,
 * Ding et al. 2021): with `t = gamma / sqrt(variance + epsilon)`,
 * `W'[o] = t[o] * W[o]` and `b'[o] = t[o] * (b[o] - mean[o]) + beta[o]`.
 * Exact for any geometry, since batch-norm acts per output channel. Returns float64, written
 * into `into` when given (same length as the weight).
 */
export function foldBatchNorm(
  conv: Conv,
  bn: BatchNorm,
  into?: Float64Array,
): Conv & { weight: Float64Array; bias: Float64Array } {
  validateConv(conv, 'foldBatchNorm');
  batchNormNode(bn);
  const out = conv.shape[0];
  if (bn.gamma.length !== out) {
    throw new ShapeError(
      `foldBatchNorm: batch-norm has ${bn.gamma.length} channels, the conv has ${out} output channels`,
    );
  }
  if (into !== undefined && into.length !== conv.weight.length) {
    throw new ShapeError(
      `foldBatchNorm: destination has ${into.length} entries, the weight ${conv.weight.length}`,
    );
  }
  const perOut = conv.weight.length / out;
  const weight = into ?? new Float64Array(conv.weight.length);
  const bias = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    const t = bn.gamma[o] / Math.sqrt(bn.variance[o] + bn.epsilon);
    if (conv.weight instanceof Float32Array)
      scaleFrom32(weight, conv.weight, o * perOut, (o + 1) * perOut, t);
    else scaleFrom64(weight, conv.weight, o * perOut, (o + 1) * perOut, t);
    bias[o] = (conv.bias[o] - bn.mean[o]) * t + bn.beta[o];
  }
  return { shape: conv.shape, geometry: conv.geometry, weight, bias };
}

// One loop per source type keeps each monomorphic: this is the hot loop of a RepVGG collapse.
function scaleFrom32(
  dst: Float64Array,
  src: Float32Array,
  start: number,
  end: number,
  t: number,
): void {
  for (let k = start; k < end; k++) dst[k] = src[k] * t;
}

function scaleFrom64(
  dst: Float64Array,
  src: Float64Array,
  start: number,
  end: number,
  t: number,
): void {
  for (let k = start; k < end; k++) dst[k] = src[k] * t;
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
