import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs';
import { ShapeError } from '@reparam/core';
import { checkLayout, outputChannelOf } from './_internal/branch-layout.js';
import {
  accumulate,
  channelMoments,
  gradientSums,
  inputGradients,
  outputRows,
  type BranchData,
} from './_internal/branch-norm-loops.js';
import { floatMemory } from './_internal/float-memory.js';

/** Name of the forward kernel of {@link branchBatchNormKernel}. */
export const BRANCH_BATCH_NORM = 'ReparamBranchBatchNorm';
/** Name of its gradient kernel. */
export const BRANCH_BATCH_NORM_GRAD = 'ReparamBranchBatchNormGrad';

/** Attributes of both kernels. */
export interface BranchNormAttrs {
  /** Per input: how many branches of the O output channels it holds (see `BranchLayout`). */
  branches: number[];
  /** Per input: every how many channels its branches alternate (O: branch-major). */
  strides: number[];
  epsilon: number;
  /** Running-statistics momentum (training only). */
  momentum: number;
  /** Batch statistics (and running-statistics update) rather than the running statistics. */
  training: boolean;
  /** Spatial padding of the output on every side, filled with the block's output for a zero input (DBB). */
  pad: number;
}

interface Layout {
  /** Pixels N * H * W of the inputs. */
  m: number;
  n: number;
  h: number;
  w: number;
  /** Channels of each input and their offsets in the T concatenated channels. */
  channels: number[];
  offsets: number[];
  t: number;
  o: number;
  /** The output channel of each of the T channels. */
  into: Int32Array;
}

function attrsOf(a: NamedAttrMap): BranchNormAttrs {
  return a as unknown as BranchNormAttrs;
}

function branchInputs(inputs: Record<string, TensorInfo | undefined>): TensorInfo[] {
  const xs: TensorInfo[] = [];
  for (let i = 0; inputs[`x${i}`] !== undefined; i++) xs.push(inputs[`x${i}`] as TensorInfo);
  return xs;
}

function layoutOf(fn: string, xs: TensorInfo[], a: BranchNormAttrs): Layout {
  if (xs.length === 0) throw new ShapeError(`${fn}: needs at least one input x0`);
  if (a.branches.length !== xs.length || a.strides.length !== xs.length) {
    throw new ShapeError(
      `${fn}: ${xs.length} inputs need as many branch counts and strides, got ${a.branches.length} and ${a.strides.length}`,
    );
  }
  const [n, h, w] = xs[0].shape;
  const channels = xs.map((x) => {
    if (x.shape.length !== 4 || x.shape[0] !== n || x.shape[1] !== h || x.shape[2] !== w) {
      throw new ShapeError(
        `${fn}: inputs must be NHWC of one batch and size; got [${x.shape.join(', ')}] after [${xs[0].shape.join(', ')}]`,
      );
    }
    return x.shape[3];
  });
  const o = channels[0] / a.branches[0];
  const offsets = channels.map((_, i) => channels.slice(0, i).reduce((p, q) => p + q, 0));
  const t = channels.reduce((p, q) => p + q, 0);
  const into = new Int32Array(t);
  channels.forEach((c, i) => {
    const l = { branches: a.branches[i], stride: a.strides[i] };
    checkLayout(fn, c, o, l);
    for (let k = 0; k < c; k++) into[offsets[i] + k] = outputChannelOf(k, l);
  });
  return { m: n * h * w, n, h, w, channels, offsets, t, o, into };
}

/** Per-channel `1 / sqrt(v + eps)` of running variances. */
function rsqrtOf(v: Float32Array, eps: number): Float64Array {
  return Float64Array.from(v, (x) => 1 / Math.sqrt(x + eps));
}

/**
 * Forward kernel (cpu and wasm backends): the sum over branches of per-channel batch-norms,
 * `y[.., o] = sum_t gamma_t (x_t - mean_t) rstd_t + beta_t` over the channels t of the inputs
 * `x0, x1, ...` (NHWC, same N, H, W, concatenated: T channels) that add into output o, as each
 * input's branch layout says. Training: batch
 * mean and biased variance, and outputs `[y, mean, rstd, newMovingMean, newMovingVariance]`
 * (running update with the unbiased variance); inference: running statistics, `[y, mean, rstd]`.
 * With `pad`, y is padded on every side with what it outputs for a zero input under the running
 * statistics (updated ones in training).
 */
export const branchBatchNormKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const fn = BRANCH_BATCH_NORM;
  const a = attrsOf(attrs as NamedAttrMap);
  const xs = branchInputs(inputs);
  const { gamma, beta, movingMean, movingVariance } = inputs as Record<string, TensorInfo>;
  const { m, n, h, w, t, o, channels, offsets, into } = layoutOf(fn, xs, a);
  const p = a.pad;
  const mem = floatMemory(backend as KernelBackend);
  const outShapes = [[n, h + 2 * p, w + 2 * p, o], [t], [t]];
  if (a.training) outShapes.push([t], [t]);
  const outs = mem.alloc(outShapes);
  const [g, b, rm, rv, y, meanOut, rstdOut, ...running] = mem.views(fn, [
    gamma,
    beta,
    movingMean,
    movingVariance,
    ...outs,
  ]);
  const data: BranchData[] = mem
    .views(fn, xs)
    .map((x, i) => ({ x, c: channels[i], off: offsets[i] }));
  const mean = new Float64Array(t);
  const rstd = new Float64Array(t);
  if (a.training) {
    const moments = channelMoments(data, t, m);
    mean.set(moments.mean);
    const [newMean, newVar] = running;
    const unbiased = m > 1 ? m / (m - 1) : 1;
    for (let k = 0; k < t; k++) {
      const v = moments.variance[k];
      rstd[k] = 1 / Math.sqrt(v + a.epsilon);
      newMean[k] = rm[k] * a.momentum + mean[k] * (1 - a.momentum);
      newVar[k] = rv[k] * a.momentum + v * unbiased * (1 - a.momentum);
    }
  } else {
    mean.set(rm);
    rstd.set(rsqrtOf(rv, a.epsilon));
  }
  meanOut.set(mean);
  rstdOut.set(rstd);
  // y_o = sum_t scale_t x_t + shift_o, shift_o = sum_b (beta_t - mean_t scale_t).
  const scale = new Float64Array(t);
  const shift = new Float64Array(o);
  for (let k = 0; k < t; k++) {
    scale[k] = g[k] * rstd[k];
    shift[into[k]] += b[k] - mean[k] * scale[k];
  }
  const rows = outputRows(n, h, w, o, p);
  if (p > 0) {
    // The border uses the running statistics after this step's update, as DBB's BNAndPad does.
    const [fm, fv] = a.training ? running : [rm, rv];
    const rs = rsqrtOf(fv, a.epsilon);
    const fill = new Float64Array(o);
    for (let k = 0; k < t; k++) fill[into[k]] += b[k] - fm[k] * g[k] * rs[k];
    for (let q = 0; q < y.length; q += o) for (let k = 0; k < o; k++) y[q + k] = fill[k];
  }
  for (let q = 0; q < m; q++) for (let k = 0; k < o; k++) y[rows[q] + k] = shift[k];
  accumulate(y, data, rows, into, scale);
  return outs;
};

/**
 * Gradient kernel: inputs `dy`, the forward inputs `x0, x1, ...`, `gamma`, `mean`, `rstd` (from
 * the forward kernel) and the running statistics the border was filled with; outputs
 * `[dx0, dx1, ..., dgamma, dbeta]`. Training: `dx_t = gamma_t rstd_t (dy_o - mean(dy_o) -
 * xhat_t mean(dy_o xhat_t))` over the unpadded positions; inference: `dx_t = gamma_t rstd_t dy_o`.
 */
export const branchBatchNormGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const fn = BRANCH_BATCH_NORM_GRAD;
  const a = attrsOf(attrs as NamedAttrMap);
  const xs = branchInputs(inputs);
  const { dy, gamma, mean, rstd, movingMean, movingVariance } = inputs as Record<
    string,
    TensorInfo
  >;
  const { m, n, h, w, t, o, channels, offsets, into } = layoutOf(fn, xs, a);
  const p = a.pad;
  const mem = floatMemory(backend as KernelBackend);
  const outs = mem.alloc([...xs.map((x) => x.shape), [t], [t]]);
  const views = mem.views(fn, [dy, gamma, mean, rstd, movingMean, movingVariance, ...outs]);
  const [d, g, mu, rs, rm, rv] = views;
  const dxs = views.slice(6, 6 + xs.length);
  const [dgamma, dbeta] = views.slice(6 + xs.length);
  const data: BranchData[] = mem
    .views(fn, xs)
    .map((x, i) => ({ x, c: channels[i], off: offsets[i] }));
  const rows = outputRows(n, h, w, o, p);
  // s1[o] = sum dy_o, s2[t] = sum dy_o x_t over the unpadded positions.
  const { s1, s2 } = gradientSums(d, data, rows, into, o, t);
  // The border holds sum_b (beta_t - rm_t gamma_t rstdRun_t): its gradient goes to gamma and beta.
  const border = new Float64Array(o);
  if (p > 0) {
    for (let q = 0; q < d.length; q += o) for (let k = 0; k < o; k++) border[k] += d[q + k];
    for (let k = 0; k < o; k++) border[k] -= s1[k];
  }
  const rsRun = p > 0 ? rsqrtOf(rv, a.epsilon) : undefined;
  const coef = { k: new Float64Array(t), u: new Float64Array(t), v: new Float64Array(t) };
  for (let k = 0; k < t; k++) {
    const oo = into[k];
    const dgInner = rs[k] * (s2[k] - mu[k] * s1[oo]);
    dbeta[k] = s1[oo] + border[oo];
    dgamma[k] = dgInner - (rsRun ? border[oo] * rm[k] * rsRun[k] : 0);
    coef.k[k] = g[k] * rs[k];
    if (a.training) {
      // dx = k dy + u x + v, the closed form of the batch-statistics gradient.
      coef.u[k] = (-coef.k[k] * rs[k] * dgInner) / m;
      coef.v[k] = (-coef.k[k] * s1[oo]) / m - coef.u[k] * mu[k];
    }
  }
  inputGradients(dxs, d, data, rows, into, coef);
  return outs;
};

/** Registration records of both kernels for one backend. */
export function branchBatchNormConfigs(backendName: string): KernelConfig[] {
  return [
    { kernelName: BRANCH_BATCH_NORM, backendName, kernelFunc: branchBatchNormKernel },
    { kernelName: BRANCH_BATCH_NORM_GRAD, backendName, kernelFunc: branchBatchNormGradKernel },
  ];
}
