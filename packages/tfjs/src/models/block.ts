import { ShapeError } from '@reparam/core';
import type { ActivationName } from '../layers/_internal/activation.js';
import { ACBlock } from '../layers/ac-block.js';
import { ConvBN } from '../layers/conv-bn.js';
import { DiverseBranchBlock } from '../layers/diverse-branch-block.js';
import { LargeKernelConv } from '../layers/large-kernel-conv.js';
import { MobileOneBlock } from '../layers/mobileone-block.js';
import { OnlineACBlock } from '../layers/online-ac-block.js';
import { OnlineDiverseBranchBlock } from '../layers/online-diverse-branch-block.js';
import { OnlineRepVGGBlock } from '../layers/online-repvgg-block.js';
import { QARepVGGBlock } from '../layers/qarepvgg-block.js';
import { RefConv2D } from '../layers/ref-conv2d.js';
import { RepVGGBlock } from '../layers/repvgg-block.js';
import type { ReparamLayer } from '../layers/reparam-layer.js';

/** The training-time block a builder puts in place of each KxK conv + BN (K > 1). */
export const blockKinds = [
  'conv',
  'acb',
  'repvgg',
  'dbb',
  'refconv',
  'mobileone',
  'largekernel',
  'qarepvgg',
  'online-acb',
  'online-repvgg',
  'online-dbb',
] as const;
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

/**
 * Makes the layer of one KxK conv + BN position (K > 1) of a builder, for blocks that are not a
 * {@link BlockKind} (other branch options, weight re-parameterizations...). It must return a
 * layer that deploys to the conv `spec` describes, so that every choice gives the same deploy
 * architecture.
 */
export type BlockFactory = (spec: BlockSpec) => ReparamLayer;

/** A builder's `block` option: a {@link BlockKind} or a {@link BlockFactory}. */
export type BlockChoice = BlockKind | BlockFactory;

/**
 * The factory and model-name suffix of a builder's `block` option; throws a `ShapeError` unless it
 * is a {@link BlockKind} or a function.
 */
export function resolveBlock(
  fn: string,
  choice: BlockChoice,
): { make: BlockFactory; name: string } {
  // Builders leave `activation` out where the block is linear; factories get it spelled out.
  if (typeof choice === 'function')
    return { make: (spec) => choice({ activation: 'linear', ...spec }), name: 'custom' };
  const kind = blockKinds.find((k) => k === choice);
  if (kind === undefined) {
    throw new ShapeError(
      `${fn}: block '${String(choice)}' is not one of ${blockKinds.join(', ')} or a function (spec) => ReparamLayer`,
    );
  }
  return { make: (spec) => makeBlock(kind, spec), name: kind };
}

/** Kinds defined for 3x3 kernels only; other sizes stay ConvBN. */
const only3x3: readonly BlockKind[] = ['repvgg', 'qarepvgg', 'online-repvgg'];

/**
 * The layer for a KxK conv + BN position: `conv` -> {@link ConvBN}, `acb` -> ACBlock, `repvgg`
 * -> RepVGGBlock, `dbb` -> DiverseBranchBlock, `refconv` -> RefConv2D with a batch-norm
 * (RefConv's base kernels are random here unless set from a pretrained model), `mobileone` ->
 * MobileOneBlock (one KxK branch, 1x1 scale and skip branches), `largekernel` -> LargeKernelConv
 * (RepLKNet; a small kernel of 5 beside K > 5, else K - 2), `qarepvgg` -> QARepVGGBlock, and the
 * online (OREPA) blocks `online-acb`, `online-repvgg`, `online-dbb`. The RepVGG kinds are 3x3
 * only (other sizes stay ConvBN); 1x1 positions are always ConvBN. All deploy to the same conv.
 */
export function makeBlock(kind: BlockKind, spec: BlockSpec): ReparamLayer {
  const args = { activation: 'linear' as ActivationName, ...spec };
  if (spec.kernelSize === 1 || kind === 'conv') return new ConvBN(args);
  if (only3x3.includes(kind) && spec.kernelSize !== 3) return new ConvBN(args);
  switch (kind) {
    case 'acb':
      return new ACBlock(args);
    case 'repvgg':
      return new RepVGGBlock(args);
    case 'dbb':
      return new DiverseBranchBlock(args);
    case 'refconv':
      return new RefConv2D({ ...args, useBatchNorm: true });
    case 'mobileone':
      return new MobileOneBlock(args);
    case 'largekernel':
      return new LargeKernelConv(args);
    case 'qarepvgg':
      return new QARepVGGBlock(args);
    case 'online-acb':
      return new OnlineACBlock(args);
    case 'online-repvgg':
      return new OnlineRepVGGBlock(args);
    case 'online-dbb':
      return new OnlineDiverseBranchBlock(args);
  }
}
