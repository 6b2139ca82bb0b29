import * as tf from '@tensorflow/tfjs';
import {
  BRANCH_BATCH_NORM,
  BRANCH_BATCH_NORM_GRAD,
  type BranchNormAttrs,
} from '../../kernels/branch-batch-norm.js';
import type { BranchLayout } from '../../kernels/_internal/branch-layout.js';
import { hasFusedKernel } from '../../kernels/register.js';
import type { BatchNormVars } from './batch-norm-vars.js';

/** One input of {@link branchNorm}: a tensor, or a tensor holding several stacked branches. */
export type BranchInput = tf.Tensor4D | ({ x: tf.Tensor4D } & BranchLayout);

/** Options of {@link branchNorm}. */
export interface BranchNormOptions {
  training: boolean;
  momentum: number;
  epsilon: number;
  /** Pads the output by this much on every side with its value for a zero input (DBB; default 0). */
  pad?: number;
  /** Compose tfjs ops even where the fused kernel exists (the reference form, for tests). */
  composite?: boolean;
}

/**
 * Batch-norms every channel of `inputs` (NHWC; their channels concatenated are the T channels of
 * `bn`) and adds the branches: `y[.., o] = sum of BN_t(x_t)` over the channels t that belong to
 * output channel o. A plain tensor input is one branch of O channels; `{ x, branches, stride }`
 * holds several (see `BranchLayout`). Training mode uses the batch statistics and moves the
 * running ones. On the cpu and wasm backends this is one kernel forward and one backward
 * (`ReparamBranchBatchNorm`); elsewhere, tfjs ops.
 */
export function branchNorm(
  inputs: readonly BranchInput[],
  bn: BatchNormVars,
  options: BranchNormOptions,
): tf.Tensor4D {
  const xs = inputs.map((i) => (i instanceof tf.Tensor ? i : i.x));
  const branches = inputs.map((i) => (i instanceof tf.Tensor ? 1 : i.branches));
  const o = xs[0].shape[3] / branches[0];
  const attrs: BranchNormAttrs = {
    branches,
    strides: inputs.map((i) => (i instanceof tf.Tensor ? o : i.stride)),
    epsilon: options.epsilon,
    momentum: options.momentum,
    training: options.training,
    pad: options.pad ?? 0,
  };
  if (options.composite !== true && hasFusedKernel(BRANCH_BATCH_NORM, tf.getBackend()))
    return fused(xs, bn, attrs);
  return composite(xs, bn, attrs, o);
}

function fused(xs: readonly tf.Tensor4D[], bn: BatchNormVars, a: BranchNormAttrs): tf.Tensor4D {
  const movingMean = bn.mean.read();
  const movingVariance = bn.variance.read();
  const k = xs.length;
  const f = tf.customGrad((...args: unknown[]) => {
    const ins = args.slice(0, k) as tf.Tensor4D[];
    const [gamma, beta] = args.slice(k, k + 2) as tf.Tensor[];
    const save = args[k + 2] as (t: tf.Tensor[]) => void;
    const named: tf.NamedTensorMap = { gamma, beta, movingMean, movingVariance };
    ins.forEach((x, i) => (named[`x${i}`] = x));
    const outs = tf.engine().runKernel<tf.Tensor[]>(BRANCH_BATCH_NORM, named, { ...a });
    const [y, mean, rstd] = outs;
    // The border fill used the running statistics after the update (saved tensors are cloned).
    const fillStats = a.training ? [outs[3], outs[4]] : [movingMean, movingVariance];
    save([...ins, gamma, mean, rstd, ...fillStats]);
    if (a.training) {
      bn.mean.write(outs[3]);
      bn.variance.write(outs[4]);
    }
    return {
      value: y as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const g: tf.NamedTensorMap = {
          dy: Array.isArray(dy) ? dy[0] : dy,
          gamma: saved[k],
          mean: saved[k + 1],
          rstd: saved[k + 2],
          movingMean: saved[k + 3],
          movingVariance: saved[k + 4],
        };
        saved.slice(0, k).forEach((x, i) => (g[`x${i}`] = x));
        return tf.engine().runKernel<tf.Tensor[]>(BRANCH_BATCH_NORM_GRAD, g, { ...a });
      },
    };
  });
  return f(...xs, bn.gamma.read(), bn.beta.read());
}

/** The same function from tfjs ops: concat, per-channel batch-norm, border fill, branch sums. */
function composite(
  xs: readonly tf.Tensor4D[],
  bn: BatchNormVars,
  a: BranchNormAttrs,
  o: number,
): tf.Tensor4D {
  const x = xs.length === 1 ? xs[0] : tf.concat4d([...xs], 3);
  let y = a.training
    ? bn.normalizeWithBatchStatistics(x, a.momentum, a.epsilon)
    : bn.normalizeWithRunningStatistics(x, a.epsilon);
  if (a.pad > 0) {
    const fill = bn.outputOfZero(a.epsilon);
    const p = a.pad;
    y = tf.add<tf.Tensor4D>(
      tf.pad(tf.sub(y, fill), [
        [0, 0],
        [p, p],
        [p, p],
        [0, 0],
      ]),
      fill,
    );
  }
  const [n, h, w] = y.shape;
  const parts: tf.Tensor4D[] =
    xs.length === 1
      ? [y]
      : tf.split(
          y,
          xs.map((t) => t.shape[3]),
          3,
        );
  const sums = parts.map((part, i): tf.Tensor4D => {
    const [b, s] = [a.branches[i], a.strides[i]];
    if (b === 1) return part;
    return tf.reshape(tf.sum(tf.reshape(part, [n, h, w, o / s, b, s]), 4), [n, h, w, o]);
  });
  return sums.length === 1 ? sums[0] : tf.addN(sums);
}
