import * as tf from '@tensorflow/tfjs';
import { orthogonalWeightNorm, ShapeError, type Floats } from '@reparam/core';
import { NormalizedConv2D, type WeightNormConv2DArgs } from './weight-norm-conv2d.js';

/** Arguments of {@link OrthogonalWeightNormConv2D}. */
export interface OrthogonalWeightNormConv2DArgs extends WeightNormConv2DArgs {
  /** Newton iterations for `S^(-1/2)` in the training form (default 30). */
  iterations?: number;
}

/**
 * Orthogonal weight normalization (Huang et al., AAAI 2018): within each group of filters, the
 * rows of the centred `[filters, n]` matrix V are orthonormalized, `W = (V V^T)^(-1/2) V`, then
 * scaled by `g`. Dense: one group of `filters < kh * kw * in` rows. Depthwise: one group per
 * input channel holding its `m` filters (`m < kh * kw`); with multiplier 1 a group is one row,
 * which orthonormalization only centres and normalizes, so the layer computes what
 * {@link CenteredWeightNormConv2D} computes. Training computes `(V V^T)^(-1/2)` by the coupled
 * Newton-Schulz iteration on `V / ||V||_F` (as ONI, Huang et al. 2020, but in the coupled form
 * that stays stable in float32), batched over groups and differentiable with tf ops; the deploy
 * conv uses core's exact eigen-decomposition (`orthogonalWeightNorm`, group by group), so the two
 * agree once the iteration has converged (the re-parameterization report shows the deviation).
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
    const n = this.kernelSize * this.kernelSize * (this.depthwise ? 1 : this.inChannels);
    const perGroup = this.depthwise ? this.outChannels / this.inChannels : this.outChannels;
    // Centred rows sum to zero, so they span at most n - 1 dimensions: n of them are dependent.
    if (perGroup >= n) {
      throw new ShapeError(
        `OrthogonalWeightNormConv2D: ${perGroup} filters per group cannot be orthonormal once centred in ${n} = kh*kw*in/groups dimensions (centred rows span at most ${n - 1}); use fewer than ${n} filters per group`,
      );
    }
    super.createWeights();
  }

  kernel(): tf.Tensor4D {
    return tf.tidy(() => {
      const v = this.v.read();
      const [kh, kw, ci, co] = v.shape;
      // Rows [groups, filters per group, n]: dense [1, co, kh*kw*ci], depthwise [ci, m, kh*kw].
      const rows = this.depthwise
        ? tf.transpose<tf.Tensor3D>(tf.reshape(v, [kh * kw, ci, co]), [1, 2, 0])
        : tf.expandDims<tf.Tensor3D>(tf.transpose(tf.reshape(v, [kh * kw * ci, co])), 0);
      const [groups, m] = rows.shape;
      const centred = tf.sub(rows, tf.mean(rows, 2, true));
      const z = tf.div<tf.Tensor3D>(centred, tf.sqrt(tf.sum(tf.square(centred), [1, 2], true)));
      const s = tf.matMul(z, z, false, true);
      // Coupled Newton-Schulz (stable in float32): Y -> S^(1/2), B -> S^(-1/2).
      const eye = tf.tile(tf.expandDims(tf.eye(m), 0), [groups, 1, 1]);
      let y = s;
      let b = eye;
      for (let t = 0; t < this.iterations; t++) {
        const step = tf.mul(tf.sub(tf.mul(eye, 3), tf.matMul(b, y)), 0.5);
        y = tf.matMul(y, step);
        b = tf.matMul(step, b);
      }
      const w = tf.mul(tf.matMul(b, z), tf.reshape(this.g.read(), [groups, m, 1]));
      return this.depthwise
        ? tf.reshape(tf.transpose(w, [2, 0, 1]), [kh, kw, ci, co])
        : tf.reshape(tf.transpose(tf.squeeze(w, [0])), [kh, kw, ci, co]);
    });
  }

  protected coreKernel(v: Float64Array, shape: readonly number[], g: Floats): Float64Array {
    if (!this.depthwise) return orthogonalWeightNorm(v, shape, g);
    // OIHW [c*m, 1, kh, kw]: the m filters of a group are consecutive.
    const m = this.outChannels / this.inChannels;
    const size = m * shape[2] * shape[3];
    const out = new Float64Array(v.length);
    for (let c = 0; c < this.inChannels; c++) {
      const group = orthogonalWeightNorm(
        v.subarray(c * size, (c + 1) * size),
        [m, 1, shape[2], shape[3]],
        g.slice(c * m, (c + 1) * m),
      );
      out.set(group, c * size);
    }
    return out;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), iterations: this.iterations };
  }
}
tf.serialization.registerClass(OrthogonalWeightNormConv2D);
