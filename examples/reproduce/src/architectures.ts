import type * as tf from '@tensorflow/tfjs';
import { mobilenetV2, repvggNet, resnet18, type BlockChoice } from '@reparam/tfjs';
import type { Protocol } from './protocol.js';

/** The networks of the tables. */
export type ArchId = 'resnet18' | 'mobilenetV2' | 'repvgg';

/** A network at the protocol's size for 28x28x1 inputs and 10 classes, and at full size. */
export interface Architecture {
  id: ArchId;
  label: string;
  /** Builds the network with `block` at every KxK position. */
  build(block: BlockChoice, p: Protocol): tf.LayersModel;
  /** The description of the protocol's size, for the report. */
  describe(p: Protocol): string;
}

const input: [number, number, number] = [28, 28, 1];

/**
 * ResNet-18 and MobileNetV2 exactly as at ImageNet size (7x7/2 stem + max pool, four stages of
 * two basic blocks; inverted residuals with the paper's (t, c, n, s)), only narrower: on 28x28
 * inputs the stages see 7x7, 4x4, 2x2 and 1x1 maps (ResNet-18) and 14x14 down to 1x1
 * (MobileNetV2). The ablation network is RepVGG-B0's depths (Table 6 of the RepVGG paper) with
 * narrower stages.
 */
export const architectures: Record<ArchId, Architecture> = {
  resnet18: {
    id: 'resnet18',
    label: 'ResNet-18',
    build: (block, p) => resnet18({ block, width: p.resnetWidth, inputShape: input, classes: 10 }),
    describe: (p) =>
      `ResNet-18, stage widths ${[1, 2, 4, 8].map((m) => m * p.resnetWidth).join('/')} (full size 64/128/256/512)`,
  },
  mobilenetV2: {
    id: 'mobilenetV2',
    label: 'MobileNetV2',
    build: (block, p) =>
      mobilenetV2({
        block,
        alpha: p.mobilenetAlpha,
        expansion: p.mobilenetExpansion,
        inputShape: input,
        classes: 10,
      }),
    describe: (p) =>
      `MobileNetV2, width multiplier ${p.mobilenetAlpha}, expansion ${p.mobilenetExpansion} (full size: 1 and 6; head 1280 as in the paper)`,
  },
  repvgg: {
    id: 'repvgg',
    label: 'RepVGG (ablation)',
    build: (block, p) =>
      repvggNet({
        block,
        depths: p.repvggDepths,
        widths: p.repvggWidths,
        inputShape: input,
        classes: 10,
      }),
    describe: (p) =>
      `RepVGG, depths ${p.repvggDepths.join('/')} (B0's), widths ${p.repvggWidths.join('/')} (B0: 64/64/128/256/1280)`,
  },
};
