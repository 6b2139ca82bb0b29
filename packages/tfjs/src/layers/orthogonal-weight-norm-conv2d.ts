import * as tf from '@tensorflow/tfjs';
import { orthogonalWeightNorm, ShapeError, type Floats } from '@reparam/core';
import { NormalizedConv2D, type WeightNormConv2DArgs } from './weight-norm-conv2d.js';

/** Arguments of {@link OrthogonalWeightNormConv2D}. */
export interface OrthogonalWeightNormConv2DArgs extends WeightNormConv2DArgs {
  /** Newton iterations for `S^(-1/2)` in the training form (default 30). */
  iterations?: number;
}

/**
 * Orthogonal weight normalization (Huang et al., AAAI 2018): the rows of the centred `[out, n]`
 * matrix V are orthonormalized, `W = (V V^T)^(-1/2) V`, then scaled by `g`. Needs
 * `filters <= kh * kw * in`. Training computes `(V V^T)^(-1/2)` by the coupled Newton-Schulz
 * iteration on `V / ||V||_F` (as ONI, Huang et al. 2020, but in the coupled form that stays stable in float32), differentiable with tf ops; the deploy conv uses core's
 * exact eigen-decomposition (`orthogonalWeightNorm`), so the two agree once the iteration has
 * converged (the re-parameterization report shows the deviation).
 */
export class OrthogonalWeightNormConv2D extends NormalizedConv2D {
  static readonly className = 'OrthogonalWeightNormConv2D';
  readonly iterations: number;

  constructor(args: OrthogonalWeightNormConv2DArgs) {
    super(args);
    this.iterations = args.iterations ?? 30;
    if (!Number.isInteger(this.iterations) || this.iterations < 1) {
      throw new ShapeError(
        `OrthogonalWeightNormConv2D: iterations ${this.iterations} must be a positive integer`,
      );
    }
  }

  protected override createWeights(): void {
    const n = this.kernelSize * this.kernelSize * this.inChannels;
    if (this.outChannels > n) {
      throw new ShapeError(
        `OrthogonalWeightNormConv2D: ${this.outChannels} filters cannot be orthonormal in ${n} = kh*kw*in dimensions`,
      );
    }
    super.createWeights();
  }

  kernel(): tf.Tensor4D {
    return tf.tidy(() => {
      const v = this.v.read();
      const [kh, kw, ci, co] = v.shape;
      const rows = tf.transpose<tf.Tensor2D>(tf.reshape(v, [kh * kw * ci, co]));
      const centred = tf.sub(rows, tf.mean(rows, 1, true));
      const z = tf.div<tf.Tensor2D>(centred, tf.norm(centred));
      const s = tf.matMul(z, z, false, true);
      // Coupled Newton-Schulz (stable in float32): Y -> S^(1/2), B -> S^(-1/2).
      const eye = tf.eye(co);
      let y = s;
      let b = eye;
      for (let t = 0; t < this.iterations; t++) {
        const m = tf.mul(tf.sub(tf.mul(eye, 3), tf.matMul(b, y)), 0.5);
        y = tf.matMul(y, m);
        b = tf.matMul(m, b);
      }
      const w = tf.mul(tf.matMul(b, z), tf.reshape(this.g.read(), [co, 1]));
      return tf.reshape(tf.transpose(w), [kh, kw, ci, co]);
    });
  }

  protected coreKernel(v: Float64Array, shape: readonly number[], g: Floats): Float64Array {
    return orthogonalWeightNorm(v, shape, g);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), iterations: this.iterations };
  }
}
tf.serialization.registerClass(OrthogonalWeightNormConv2D);
