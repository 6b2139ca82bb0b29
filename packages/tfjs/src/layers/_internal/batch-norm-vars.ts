import * as tf from '@tensorflow/tfjs';
import type { BatchNorm } from '@reparam/core';

/**
 * The four variables of a batch-norm inside a block. Training mode normalizes with the batch's
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

  /** Normalizes `x` (NHWC) per channel. */
  apply(x: tf.Tensor4D, training: boolean, momentum: number, epsilon: number): tf.Tensor4D {
    if (!training) {
      return tf.batchNorm4d(x, this.mean.read() as tf.Tensor1D, this.variance.read() as tf.Tensor1D, this.beta.read() as tf.Tensor1D, this.gamma.read() as tf.Tensor1D, epsilon);
    }
    const m = tf.moments(x, [0, 1, 2]);
    const n = x.size / x.shape[3];
    // The running statistics are written, never differentiated: the loss does not depend on them.
    const unbiased = n > 1 ? tf.mul(m.variance, n / (n - 1)) : m.variance;
    this.mean.write(tf.add(tf.mul(this.mean.read(), momentum), tf.mul(m.mean, 1 - momentum)));
    this.variance.write(tf.add(tf.mul(this.variance.read(), momentum), tf.mul(unbiased, 1 - momentum)));
    return batchNormTraining(x, m.mean, tf.rsqrt(tf.add(m.variance, epsilon)), this.gamma.read(), this.beta.read());
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
    const f = (v: tf.LayerVariable): Float64Array => Float64Array.from(v.read().dataSync());
    return { gamma: f(this.gamma), beta: f(this.beta), mean: f(this.mean), variance: f(this.variance), epsilon };
  }
}

/**
 * `y = (x - mean) * rstd * gamma + beta` with batch statistics, and its closed-form gradient
 * (`dx = gamma * rstd * (dy - mean(dy) - xhat * mean(dy * xhat))`, `dgamma = sum(dy * xhat)`,
 * `dbeta = sum(dy)`), which needs far fewer ops than differentiating moments on the tape. `mean`
 * and `rstd` must be the statistics of `x`; their own gradients are folded into `dx`.
 */
export function batchNormTraining(x: tf.Tensor4D, mean: tf.Tensor, rstd: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor4D {
  const count = x.size / x.shape[3];
  const f = tf.customGrad((...args: unknown[]) => {
    const [xi, mi, ri, gi, bi] = args as tf.Tensor[];
    const save = args[5] as (t: tf.Tensor[]) => void;
    const xhat = tf.mul(tf.sub(xi, mi), ri);
    save([xhat, ri, gi]);
    return {
      value: tf.add(tf.mul(xhat, gi), bi),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = Array.isArray(dy) ? dy[0] : dy;
        const [xh, r, g] = saved;
        const dbeta = tf.sum(d, [0, 1, 2]);
        const dgamma = tf.sum(tf.mul(d, xh), [0, 1, 2]);
        const centred = tf.sub(tf.sub(d, tf.div(dbeta, count)), tf.mul(xh, tf.div(dgamma, count)));
        const dx = tf.mul(centred, tf.mul(g, r));
        return [dx, tf.zerosLike(mi), tf.zerosLike(ri), dgamma, dbeta];
      },
    };
  });
  return f(x, mean, rstd, gamma, beta) as tf.Tensor4D;
}
