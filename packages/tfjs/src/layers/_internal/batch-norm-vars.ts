import * as tf from '@tensorflow/tfjs';
import type { BatchNorm } from '@reparam/core';
import { branchRows, type BranchLayout } from '../../kernels/_internal/branch-layout.js';
import { branchNorm } from './branch-norm.js';

/**
 * The four variables of a batch-norm inside a block, over all the channels it normalizes (the
 * branches of a block stacked: `T = B * O`). Training mode normalizes with the batch's
 * statistics and updates the running ones (`r <- momentum * r + (1 - momentum) * batch`, unbiased
 * variance); otherwise the running statistics are used, as Keras' `BatchNormalization` does.
 */
export class BatchNormVars {
  constructor(
    readonly gamma: tf.LayerVariable,
    readonly beta: tf.LayerVariable,
    readonly mean: tf.LayerVariable,
    readonly variance: tf.LayerVariable,
  ) {}

  /** Channels normalized. */
  get channels(): number {
    return this.gamma.shape[0] ?? 0;
  }

  /** Normalizes `x` (NHWC) per channel: one fused kernel on cpu and wasm. */
  apply(x: tf.Tensor4D, training: boolean, momentum: number, epsilon: number): tf.Tensor4D {
    return branchNorm([x], this, { training, momentum, epsilon });
  }

  /** Batch statistics from tfjs ops, and the running-statistics update (the composite form). */
  normalizeWithBatchStatistics(x: tf.Tensor4D, momentum: number, epsilon: number): tf.Tensor4D {
    // The running statistics are written, never differentiated: the loss does not depend on them.
    return batchNormTraining(x, this.gamma.read(), this.beta.read(), epsilon, (mean, variance) => {
      const n = x.size / x.shape[3];
      const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
      this.mean.write(tf.add(tf.mul(this.mean.read(), momentum), tf.mul(mean, 1 - momentum)));
      this.variance.write(
        tf.add(tf.mul(this.variance.read(), momentum), tf.mul(unbiased, 1 - momentum)),
      );
    });
  }

  /** Running statistics, from tfjs ops. */
  normalizeWithRunningStatistics(x: tf.Tensor4D, epsilon: number): tf.Tensor4D {
    return tf.batchNorm4d(
      x,
      this.mean.read() as tf.Tensor1D,
      this.variance.read() as tf.Tensor1D,
      this.beta.read() as tf.Tensor1D,
      this.gamma.read() as tf.Tensor1D,
      epsilon,
    );
  }

  /**
   * What this batch-norm outputs for a zero input, with the running statistics:
   * `beta - mean * gamma / sqrt(variance + epsilon)` (DBB pads with it, in training too).
   */
  outputOfZero(epsilon: number): tf.Tensor1D {
    const scale = tf.div(this.gamma.read(), tf.sqrt(tf.add(this.variance.read(), epsilon)));
    return tf.sub<tf.Tensor1D>(this.beta.read(), tf.mul(this.mean.read(), scale));
  }

  /** The current values, for `@reparam/core`. */
  toBatchNorm(epsilon: number): BatchNorm {
    return this.toBatchNorms(epsilon, this.channels)[0];
  }

  /**
   * The current values split per branch, for `@reparam/core`: the channels are the inputs of a
   * branch sum over `outChannels` outputs, laid out as `layouts` says (default: one branch per
   * input, branch-major), in input then branch order.
   */
  toBatchNorms(
    epsilon: number,
    outChannels: number,
    layouts: readonly BranchLayout[] = Array.from({ length: this.channels / outChannels }, () => ({
      branches: 1,
      stride: outChannels,
    })),
  ): BatchNorm[] {
    const f = (v: tf.LayerVariable): Float64Array => Float64Array.from(v.read().dataSync());
    const all = [this.gamma, this.beta, this.mean, this.variance].map(f);
    const out: BatchNorm[] = [];
    let offset = 0;
    for (const l of layouts) {
      const size = l.branches * outChannels;
      const part = all.map((a) => a.subarray(offset, offset + size));
      for (let b = 0; b < l.branches; b++) {
        const [gamma, beta, mean, variance] = part.map((a) => branchRows(a, 1, outChannels, l, b));
        out.push({ gamma, beta, mean, variance, epsilon });
      }
      offset += size;
    }
    return out;
  }
}

/**
 * `y = (x - mean) * rstd * gamma + beta` with the batch statistics of x (per channel, NHWC), and
 * its closed-form gradient (`dx = gamma * rstd * (dy - mean(dy) - xhat * mean(dy * xhat))`,
 * `dgamma = sum(dy * xhat)`, `dbeta = sum(dy)`). The statistics, and `onStats` (which receives
 * the batch mean and biased variance), run inside the custom op, off the gradient tape: far fewer
 * recorded ops than differentiating `tf.moments`.
 */
export function batchNormTraining(
  x: tf.Tensor4D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  onStats?: (mean: tf.Tensor, variance: tf.Tensor) => void,
): tf.Tensor4D {
  const count = x.size / x.shape[3];
  const f = tf.customGrad((...args: unknown[]) => {
    const [xi, gi, bi] = args as tf.Tensor[];
    const save = args[3] as (t: tf.Tensor[]) => void;
    const m = tf.moments(xi, [0, 1, 2]);
    onStats?.(m.mean, m.variance);
    const r = tf.rsqrt(tf.add(m.variance, epsilon));
    const xhat = tf.mul(tf.sub(xi, m.mean), r);
    save([xhat, r, gi]);
    return {
      value: tf.add(tf.mul(xhat, gi), bi),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = Array.isArray(dy) ? dy[0] : dy;
        const [xh, rs, g] = saved;
        const dbeta = tf.sum(d, [0, 1, 2]);
        const dgamma = tf.sum(tf.mul(d, xh), [0, 1, 2]);
        const centred = tf.sub(tf.sub(d, tf.div(dbeta, count)), tf.mul(xh, tf.div(dgamma, count)));
        return [tf.mul(centred, tf.mul(g, rs)), dgamma, dbeta];
      },
    };
  });
  return f(x, gamma, beta) as tf.Tensor4D;
}
