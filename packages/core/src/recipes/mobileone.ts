import { ShapeError } from '../errors.js';
import { batchNorm, sum, type Expr } from '../expr.js';
import type { BatchNorm } from '../types.js';
import { checkChannels, convBn, type KernelBlockShape, type ConvBnWeights } from './conv-bn.js';

/** Named weights of a MobileOne block. */
export interface MobileOneWeights extends KernelBlockShape {
  /** The k over-parameterized KxK branches `[out, in/groups, K, K]`, each + BN. */
  branches: ConvBnWeights[];
  /** The 1x1 "scale" branch `[out, in/groups, 1, 1]` + BN. */
  scale?: ConvBnWeights;
  /** The skip branch's batch-norm; only when in = out channels and stride 1. */
  skip?: BatchNorm;
}

/**
 * MobileOne block (Vasu et al., CVPR 2023): `sum_k BN(KxK_k(x)) + BN(conv1x1(x)) + BN(x)`;
 * depthwise and pointwise variants through `groups`.
 */
export function mobileone(w: MobileOneWeights): Expr {
  const k = w.kernelSize;
  const groups = w.groups ?? 1;
  const stride = w.stride ?? 1;
  const p = w.padding ?? k >> 1;
  checkChannels('mobileone', w.inChannels, w.outChannels, groups);
  const cin = w.inChannels / groups;
  const terms = w.branches.map((b, i) =>
    convBn('mobileone', `branches[${i}]`, b, [w.outChannels, cin, k, k], {
      stride,
      padding: p,
      groups,
    }),
  );
  if (w.scale)
    terms.push(
      convBn('mobileone', 'scale', w.scale, [w.outChannels, cin, 1, 1], {
        stride,
        padding: p - (k >> 1),
        groups,
      }),
    );
  if (w.skip) {
    if (w.inChannels !== w.outChannels || stride !== 1) {
      throw new ShapeError(
        `mobileone: a skip branch needs inChannels = outChannels and stride 1, got ${w.inChannels} -> ${w.outChannels}, stride ${stride}`,
      );
    }
    terms.push(batchNorm(w.skip));
  }
  if (terms.length === 0) throw new ShapeError('mobileone: needs at least one branch');
  return sum(...terms);
}
