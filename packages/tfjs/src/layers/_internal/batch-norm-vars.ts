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
    const mean = m.mean;
    this.mean.write(tf.add(tf.mul(this.mean.read(), momentum), tf.mul(mean, 1 - momentum)));
    this.variance.write(tf.add(tf.mul(this.variance.read(), momentum), tf.mul(unbiased, 1 - momentum)));
    // Element-wise form: its gradient reduces with Sum, where tf.batchNorm's gradient tiles (slow on wasm).
    const scale = tf.mul(this.gamma.read(), tf.rsqrt(tf.add(m.variance, epsilon)));
    return tf.add<tf.Tensor4D>(tf.mul(tf.sub(x, m.mean), scale), this.beta.read());
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
