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
