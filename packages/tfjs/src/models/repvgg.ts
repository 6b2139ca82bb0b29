import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '@reparam/core';
import { resolveBlock, type BlockChoice } from './block.js';

/** Options of {@link repvggNet}. */
export interface RepVGGOptions {
  /** Paper widths and depths: A0 (a = 0.75, b = 2.5, [1, 2, 4, 14, 1]) or B0 (a = 1, b = 2.5, [1, 4, 6, 16, 1]). */
  variant?: 'A0' | 'B0';
  /** Custom stage depths (overrides the variant); each stage starts with a stride-2 block. */
  depths?: number[];
  /** Custom stage widths, one per depth. */
  widths?: number[];
  /** A {@link BlockKind} or a {@link BlockFactory} for each 3x3 position (default `repvgg`); every choice gives the same deploy architecture. */
  block?: BlockChoice;
  inputShape?: [number, number, number];
  classes?: number;
}

const variants = {
  A0: { depths: [1, 2, 4, 14, 1], a: 0.75, b: 2.5 },
  B0: { depths: [1, 4, 6, 16, 1], a: 1, b: 2.5 },
} as const;

/**
 * A RepVGG network (Ding et al., CVPR 2021): stages of 3x3 blocks with ReLU, the first of each
 * stage with stride 2, then global average pool and a softmax classifier. Sequential.
 */
export function repvggNet(options: RepVGGOptions = {}): tf.Sequential {
  const block = resolveBlock('repvggNet', options.block ?? 'repvgg');
  const v = variants[options.variant ?? 'A0'];
  const depths = options.depths ?? [...v.depths];
  const widths = options.widths ?? [
    Math.min(64, 64 * v.a),
    64 * v.a,
    128 * v.a,
    256 * v.a,
    512 * v.b,
  ];
  if (depths.length !== widths.length || depths.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ShapeError(
      `repvggNet: depths [${depths.join(', ')}] and widths [${widths.join(', ')}] must be positive and of equal length`,
    );
  }
  const model = tf.sequential({ name: `repvgg_${block.name}` });
  model.add(tf.layers.inputLayer({ inputShape: options.inputShape ?? [224, 224, 3] }));
  depths.forEach((d, s) => {
    for (let i = 0; i < d; i++) {
      model.add(
        block.make({
          filters: widths[s],
          kernelSize: 3,
          strides: i === 0 ? 2 : 1,
          activation: 'relu',
          name: `stage${s}_block${i}`,
        }),
      );
    }
  });
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(
    tf.layers.dense({ units: options.classes ?? 1000, activation: 'softmax', name: 'classifier' }),
  );
  return model;
}
