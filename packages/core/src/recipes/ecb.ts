import { makeConv } from '../conv.js';
import { ShapeError } from '../errors.js';
import { conv, identity, pad, sequence, sum, type Expr } from '../expr.js';
import type { Floats } from '../types.js';
import {
  checkChannels,
  convBn,
  outputOfZero,
  type BlockShape,
  type ConvBnWeights,
} from './conv-bn.js';

/** The fixed 3x3 edge masks of ECB (Zhang et al., ACM MM 2021, Sec. 3.2), row-major. */
export const ECB_MASKS = {
  sobelX: [1, 0, -1, 2, 0, -2, 1, 0, -1],
  sobelY: [1, 2, 1, 0, 0, 0, -1, -2, -1],
  laplacian: [0, 1, 0, 1, -4, 1, 0, 1, 0],
} as const;

/** A 1x1 conv, then a fixed edge mask scaled per channel, applied depthwise. */
export interface ECBEdgeWeights {
  /** 1x1 conv `[out, in, 1, 1]` with its bias. */
  pointwise: ConvBnWeights;
  /** The learned scale of the mask, one per output channel. */
  scale: Floats;
  /** The depthwise stage's bias, one per output channel. */
  bias: Floats;
}

/** Named weights of an edge-oriented convolution block. ECB is stride 1, groups 1. */
export interface ECBWeights extends Omit<BlockShape, 'stride' | 'groups'> {
  /** 3x3 conv `[out, in, 3, 3]` (padding 1) with its bias. */
  dense: ConvBnWeights;
  /** 1x1 `[mid, in, 1, 1]` then 3x3 `[out, mid, 3, 3]`, both with biases. */
  expandSquash?: { expand: ConvBnWeights; squash: ConvBnWeights };
  sobelX?: ECBEdgeWeights;
  sobelY?: ECBEdgeWeights;
  laplacian?: ECBEdgeWeights;
  /** Adds the input (only when in = out channels). */
  identity?: boolean;
}

/**
 * Edge-oriented Convolution Block (Zhang, Zeng & Zhang, ACM MM 2021): a 3x3 conv, a 1x1 -> 3x3
 * sequence, and 1x1 -> (Sobel-x, Sobel-y, Laplacian) branches whose 3x3 depthwise kernels are a
 * fixed mask times a learned per-channel scale, all with biases, added (plus the input when
 * `identity`). The 3x3 stages after a 1x1 read its output padded with the 1x1's bias, as the
 * official implementation pads, which makes the collapse exact at the borders.
 */
export function ecb(w: ECBWeights): Expr {
  const { inChannels: cin, outChannels: cout } = w;
  checkChannels('ecb', cin, cout, 1);
  const branches = [convBn('ecb', 'dense', w.dense, [cout, cin, 3, 3], { padding: 1 })];
  if (w.expandSquash) {
    const mid = w.expandSquash.expand.weight.length / cin;
    if (!Number.isInteger(mid) || mid < 1) {
      throw new ShapeError(
        `ecb: expand weight has ${w.expandSquash.expand.weight.length} entries, not [mid, ${cin}, 1, 1]`,
      );
    }
    const { expand, squash } = w.expandSquash;
    branches.push(
      sequence(
        convBn('ecb', 'expand', expand, [mid, cin, 1, 1], {}),
        pad(1, outputOfZero(expand, mid)),
        convBn('ecb', 'squash', squash, [cout, mid, 3, 3], {}),
      ),
    );
  }
  for (const name of ['sobelX', 'sobelY', 'laplacian'] as const) {
    const edge = w[name];
    if (edge) branches.push(edgeBranch(name, edge, cin, cout));
  }
  if (w.identity) {
    if (cin !== cout) {
      throw new ShapeError(
        `ecb: an identity branch needs inChannels = outChannels, got ${cin} -> ${cout}`,
      );
    }
    branches.push(identity(cin));
  }
  return sum(...branches);
}

function edgeBranch(
  name: keyof typeof ECB_MASKS,
  w: ECBEdgeWeights,
  cin: number,
  cout: number,
): Expr {
  for (const [what, v] of [
    ['scale', w.scale],
    ['bias', w.bias],
  ] as const) {
    if (v.length !== cout) {
      throw new ShapeError(`ecb: ${name}.${what} has ${v.length} entries, expected ${cout}`);
    }
  }
  // The branch's kernel is the mask times its learned scale: the paper's parameterization.
  const mask = ECB_MASKS[name];
  const kernel = Float64Array.from(
    { length: cout * 9 },
    (_, i) => mask[i % 9] * w.scale[Math.floor(i / 9)],
  );
  return sequence(
    convBn('ecb', `${name}.pointwise`, w.pointwise, [cout, cin, 1, 1], {}),
    pad(1, outputOfZero(w.pointwise, cout)),
    conv(makeConv({ shape: [cout, 1, 3, 3], weight: kernel, bias: w.bias, groups: cout })),
  );
}
