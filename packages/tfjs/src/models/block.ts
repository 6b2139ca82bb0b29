import { ShapeError } from '@reparam/core';
import type { ActivationName } from '../layers/_internal/activation.js';
import { ACBlock } from '../layers/ac-block.js';
import { ConvBN } from '../layers/conv-bn.js';
import { DiverseBranchBlock } from '../layers/diverse-branch-block.js';
import { RefConv2D } from '../layers/ref-conv2d.js';
import { RepVGGBlock } from '../layers/repvgg-block.js';
import type { ReparamLayer } from '../layers/reparam-layer.js';

/** The training-time block a builder puts in place of each KxK conv + BN (K > 1). */
export const blockKinds = ['conv', 'acb', 'repvgg', 'dbb', 'refconv'] as const;
/** One of {@link blockKinds}. */
export type BlockKind = (typeof blockKinds)[number];

/** Options of one KxK conv + BN (+ activation) position in a network. */
export interface BlockSpec {
  filters?: number;
  kernelSize: number;
  strides?: number;
  depthwise?: boolean;
  activation?: ActivationName;
  name?: string;
}

/** Throws unless `kind` is a {@link BlockKind}. */
export function checkBlockKind(fn: string, kind: string): BlockKind {
  const found = blockKinds.find((k) => k === kind);
  if (found === undefined)
    throw new ShapeError(`${fn}: block '${kind}' is not one of ${blockKinds.join(', ')}`);
  return found;
}

/**
 * The layer for a KxK conv + BN position: `conv` -> {@link ConvBN}, `acb` -> ACBlock, `repvgg`
 * -> RepVGGBlock (3x3 only; other sizes stay ConvBN), `dbb` -> DiverseBranchBlock, `refconv` ->
 * RefConv2D with a batch-norm (RefConv's base kernels are random here unless set from a
 * pretrained model). 1x1 positions are always ConvBN. All deploy to the same conv.
 */
export function makeBlock(kind: BlockKind, spec: BlockSpec): ReparamLayer {
  const args = { activation: 'linear' as ActivationName, ...spec };
  if (spec.kernelSize === 1 || kind === 'conv' || (kind === 'repvgg' && spec.kernelSize !== 3))
    return new ConvBN(args);
  switch (kind) {
    case 'acb':
      return new ACBlock(args);
    case 'repvgg':
      return new RepVGGBlock(args);
    case 'dbb':
      return new DiverseBranchBlock(args);
    case 'refconv':
      return new RefConv2D({ ...args, useBatchNorm: true });
  }
}
