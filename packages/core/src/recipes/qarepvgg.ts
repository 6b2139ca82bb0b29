import { ShapeError } from '../errors.js';
import { batchNorm, identity, sequence, sum, type Expr } from '../expr.js';
import type { BatchNorm } from '../types.js';
import { checkChannels, convBn, type BlockShape, type ConvBnWeights } from './conv-bn.js';

/** Named weights of a QARepVGG block. */
export interface QARepVGGWeights extends BlockShape {
  /** 3x3 conv `[out, in/groups, 3, 3]` (padding 1) and its batch-norm. */
  dense: ConvBnWeights;
  /** 1x1 conv `[out, in/groups, 1, 1]`, no batch-norm. */
  pointwise?: ConvBnWeights;
  /** Whether the block has the identity branch (no batch-norm); only when in = out and stride 1. */
  identity?: boolean;
  /** The batch-norm after the sum of the branches. */
  batchNorm: BatchNorm;
}

/**
 * QARepVGG block (Chu et al., "Make RepVGG Greater Again: A Quantization-aware Approach", 2022):
 * `BN(BN(conv3x3(x)) + conv1x1(x) + x)`. Compared with RepVGG, the 1x1 and identity branches have
 * no batch-norm and a batch-norm follows the sum, so the merged kernel's distribution stays
 * quantization-friendly; it collapses exactly like RepVGG (the identity and 1x1 embed at the
 * centre of the 3x3, the last batch-norm folds in).
 */
export function qarepvgg(w: QARepVGGWeights): Expr {
  const groups = w.groups ?? 1;
  const stride = w.stride ?? 1;
  const { inChannels: cin, outChannels: cout } = w;
  checkChannels('qarepvgg', cin, cout, groups);
  const branches = [
    convBn('qarepvgg', 'dense', w.dense, [cout, cin / groups, 3, 3], {
      stride,
      padding: 1,
      groups,
    }),
  ];
  if (w.pointwise) {
    branches.push(
      convBn('qarepvgg', 'pointwise', w.pointwise, [cout, cin / groups, 1, 1], { stride, groups }),
    );
  }
  if (w.identity === true) {
    if (cin !== cout || stride !== 1) {
      throw new ShapeError(
        `qarepvgg: an identity branch needs inChannels = outChannels and stride 1, got ${cin} -> ${cout}, stride ${stride}`,
      );
    }
    branches.push(identity(cin));
  }
  return sequence(sum(...branches), batchNorm(w.batchNorm));
}
