import { ShapeError } from '../errors.js';
import { batchNorm, sum, type Expr } from '../expr.js';
import type { BatchNorm } from '../types.js';
import { checkChannels, convBn, type BlockShape, type ConvBnWeights } from './conv-bn.js';

/** Named weights of a RepVGG block. */
export interface RepVGGWeights extends BlockShape {
  /** 3x3 conv `[out, in/groups, 3, 3]` (padding 1) and its batch-norm. */
  dense: ConvBnWeights;
  /** 1x1 conv `[out, in/groups, 1, 1]` and its batch-norm. */
  pointwise?: ConvBnWeights;
  /** The identity branch's batch-norm; only when in = out channels and stride 1. */
  identity?: BatchNorm;
}

/**
 * RepVGG block (Ding et al., CVPR 2021): `BN(conv3x3(x)) + BN(conv1x1(x)) + BN(x)`. The 1x1 and
 * identity branches embed at the centre of the 3x3 kernel; stride-2 blocks have no identity.
 */
export function repvgg(w: RepVGGWeights): Expr {
  const groups = w.groups ?? 1;
  const stride = w.stride ?? 1;
  checkChannels('repvgg', w.inChannels, w.outChannels, groups);
  const branches = [
    convBn('repvgg', 'dense', w.dense, [w.outChannels, w.inChannels / groups, 3, 3], {
      stride,
      padding: 1,
      groups,
    }),
  ];
  if (w.pointwise) {
    branches.push(
      convBn('repvgg', 'pointwise', w.pointwise, [w.outChannels, w.inChannels / groups, 1, 1], {
        stride,
        groups,
      }),
    );
  }
  if (w.identity) {
    if (w.inChannels !== w.outChannels || stride !== 1) {
      throw new ShapeError(
        `repvgg: an identity branch needs inChannels = outChannels and stride 1, got ${w.inChannels} -> ${w.outChannels}, stride ${stride}`,
      );
    }
    branches.push(batchNorm(w.identity));
  }
  return sum(...branches);
}
