import { ShapeError } from '../errors.js';
import { avgPool, batchNorm, pad, scale, sequence, sum, type Expr } from '../expr.js';
import type { BatchNorm, Floats } from '../types.js';
import {
  checkChannels,
  convBn,
  type KernelBlockShape,
  outputOfZero,
  type ConvBnWeights,
} from './conv-bn.js';

/** Named weights of a Diverse Branch Block. */
export interface DBBWeights extends KernelBlockShape {
  /** KxK conv `[out, in/groups, K, K]` + BN. */
  origin: ConvBnWeights;
  /** 1x1 conv `[out, in/groups, 1, 1]` + BN (DBB omits it for depthwise blocks). */
  pointwise?: ConvBnWeights;
  /**
   * 1x1 `[out, in/groups, 1, 1]` + BN (omitted for depthwise), pad with its output of zero, KxK
   * average pool, then BN (DBB) and / or per-channel scale (OREPA's linear scaling).
   */
  avg?: { pointwise?: ConvBnWeights; batchNorm?: BatchNorm; scale?: Floats };
  /** 1x1 `[internal, in/groups, 1, 1]` (any internal width divisible by groups) + BN, pad with its output of zero, KxK `[out, internal/groups, K, K]` + BN. */
  kxk?: { pointwise: ConvBnWeights; kxk: ConvBnWeights };
}

/**
 * Diverse Branch Block (Ding et al., CVPR 2021): KxK, 1x1, 1x1 -> KxK and 1x1 -> average
 * pool branches, each with batch-norm, added. The 1x1 stages before a padded KxK stage pad with
 * their own output of zero (the pad-with-bias layer), which makes composition exact at borders.
 * OREPA's linearized DBB (Hu et al., CVPR 2022) is the same recipe with `scale` in place of each
 * branch's batch-norm and plain 1x1 first stages (their output of zero is 0).
 */
export function dbb(w: DBBWeights): Expr {
  const k = w.kernelSize;
  if (!Number.isInteger(k) || k < 1 || k % 2 === 0)
    throw new ShapeError(`dbb: kernelSize ${k} must be odd`);
  const groups = w.groups ?? 1;
  const stride = w.stride ?? 1;
  const p = w.padding ?? k >> 1;
  const { inChannels: cin, outChannels: cout } = w;
  checkChannels('dbb', cin, cout, groups);
  const branches = [
    convBn('dbb', 'origin', w.origin, [cout, cin / groups, k, k], { stride, padding: p, groups }),
  ];
  const centre = p - (k >> 1);
  if (w.pointwise) {
    branches.push(
      convBn('dbb', 'pointwise', w.pointwise, [cout, cin / groups, 1, 1], {
        stride,
        padding: centre,
        groups,
      }),
    );
  }
  if (w.avg) {
    // After the pool: the branch's batch-norm (DBB) and / or scale (OREPA).
    const after: Expr[] = [];
    if (w.avg.batchNorm) after.push(batchNorm(w.avg.batchNorm));
    if (w.avg.scale) {
      if (w.avg.scale.length !== cout)
        throw new ShapeError(
          `dbb: avg scale has ${w.avg.scale.length} entries, the block has ${cout} output channels`,
        );
      after.push(scale(w.avg.scale));
    }
    if (w.avg.pointwise) {
      const first = convBn('dbb', 'avg.pointwise', w.avg.pointwise, [cout, cin / groups, 1, 1], {
        groups,
      });
      const fill = outputOfZero(w.avg.pointwise, cout);
      branches.push(
        sequence(first, pad(p, fill), avgPool({ channels: cout, kernel: k, stride }), ...after),
      );
    } else {
      if (cin !== cout)
        throw new ShapeError(
          `dbb: an avg branch without its 1x1 needs inChannels = outChannels, got ${cin} -> ${cout}`,
        );
      branches.push(sequence(avgPool({ channels: cin, kernel: k, stride, padding: p }), ...after));
    }
  }
  if (w.kxk) {
    // The internal width follows from the 1x1 weight: [internal, in/groups, 1, 1].
    const mid = w.kxk.pointwise.weight.length / (cin / groups);
    checkChannels('dbb', cin, mid, groups);
    const first = convBn('dbb', 'kxk.pointwise', w.kxk.pointwise, [mid, cin / groups, 1, 1], {
      groups,
    });
    const second = convBn('dbb', 'kxk.kxk', w.kxk.kxk, [cout, mid / groups, k, k], {
      stride,
      groups,
    });
    branches.push(sequence(first, pad(p, outputOfZero(w.kxk.pointwise, mid)), second));
  }
  return sum(...branches);
}
