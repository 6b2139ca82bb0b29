import { makeConv } from '../conv.js';
import { ShapeError } from '../errors.js';
import { batchNorm, conv, scale, sequence, type Expr } from '../expr.js';
import type { GeometryOptions } from '../geometry.js';
import type { BatchNorm, Floats } from '../types.js';

/**
 * Named weights of one branch: an OIHW conv weight, an optional conv bias, an optional
 * batch-norm after it, and optional per-output-channel factors after that (OREPA's linear
 * scaling layer, which replaces a branch's batch-norm: Hu et al., CVPR 2022).
 */
export interface ConvBnWeights {
  weight: Floats;
  bias?: Floats;
  batchNorm?: BatchNorm;
  scale?: Floats;
}

/**
 * `conv`, then `batchNorm` and `scale` where given, as an {@link Expr}; `fn` names the recipe
 * in errors.
 */
export function convBn(
  fn: string,
  branch: string,
  w: ConvBnWeights,
  shape: readonly [number, number, number, number],
  g: GeometryOptions,
): Expr {
  const size = shape.reduce((a, b) => a * b, 1);
  if (w.weight.length !== size) {
    throw new ShapeError(
      `${fn}: ${branch} weight has ${w.weight.length} entries, expected [${shape.join(', ')}] = ${size}`,
    );
  }
  if (w.scale !== undefined && w.scale.length !== shape[0]) {
    throw new ShapeError(
      `${fn}: ${branch} scale has ${w.scale.length} entries, the conv has ${shape[0]} output channels`,
    );
  }
  const stages = [conv(makeConv({ ...g, shape, weight: w.weight, bias: w.bias }))];
  if (w.batchNorm) stages.push(batchNorm(w.batchNorm));
  if (w.scale) stages.push(scale(w.scale));
  return stages.length === 1 ? stages[0] : sequence(...stages);
}

/**
 * What a conv + batch-norm (+ scale) stage outputs where its input is zero: `s * BN(bias)` per
 * channel, the value DBB's pad-with-bias layer fills the border with.
 */
export function outputOfZero(w: ConvBnWeights, channels: number): Float64Array {
  const bias = Float64Array.from({ length: channels }, (_, i) => w.bias?.[i] ?? 0);
  const bn = w.batchNorm;
  const normalized = bn
    ? bias.map(
        (b, i) =>
          ((b - bn.mean[i]) * bn.gamma[i]) / Math.sqrt(bn.variance[i] + bn.epsilon) + bn.beta[i],
      )
    : bias;
  return w.scale ? normalized.map((v, i) => v * (w.scale?.[i] ?? 1)) : normalized;
}

/** The shape every block recipe shares. */
export interface BlockShape {
  inChannels: number;
  outChannels: number;
  stride?: number;
  groups?: number;
}

/** A block shape with a square kernel and its padding (default K/2). */
export interface KernelBlockShape extends BlockShape {
  kernelSize: number;
  padding?: number;
}

/** Checks channel counts shared by every recipe. */
export function checkChannels(
  fn: string,
  inChannels: number,
  outChannels: number,
  groups: number,
): void {
  for (const [name, v] of [
    ['inChannels', inChannels],
    ['outChannels', outChannels],
    ['groups', groups],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new ShapeError(`${fn}: ${name} ${v} must be a positive integer`);
  }
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new ShapeError(
      `${fn}: groups ${groups} must divide inChannels ${inChannels} and outChannels ${outChannels}`,
    );
  }
}
