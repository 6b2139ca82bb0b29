import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '@reparam/core';
import { makeBlock, resolveBlock, type BlockChoice } from './block.js';

/** Options of {@link mobilenetV2}. */
export interface MobileNetV2Options {
  /** A {@link BlockKind} or a {@link BlockFactory} for each KxK position (default `conv`). */
  block?: BlockChoice;
  inputShape?: [number, number, number];
  classes?: number;
  /** Width multiplier (default 1); channels are rounded to multiples of 8 as in the paper's code. */
  alpha?: number;
  /**
   * Expansion factor of the inverted residuals after the first (default 6, the paper's t). A
   * smaller one narrows every expanded layer, e.g. to train a cheaper network of the same shape.
   */
  expansion?: number;
}

const settings: ReadonlyArray<readonly [number, number, number, number]> = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

const divisible = (v: number): number => {
  const r = Math.max(8, Math.floor((v + 4) / 8) * 8);
  return r < 0.9 * v ? r + 8 : r;
};

/**
 * MobileNetV2 (Sandler et al., 2018) with the 3x3 stem and every 3x3 depthwise conv + BN built as
 * `block` (1x1 expansions and projections stay conv + BN): inverted residuals (t, c, n, s) as in
 * the paper, ReLU6, a 1280-channel head, global average pool, softmax classifier.
 */
export function mobilenetV2(options: MobileNetV2Options = {}): tf.LayersModel {
  const block = resolveBlock('mobilenetV2', options.block ?? 'conv');
  const alpha = options.alpha ?? 1;
  const expansion = options.expansion ?? 6;
  if (!Number.isInteger(expansion) || expansion < 1)
    throw new ShapeError(
      `mobilenetV2: expansion must be a positive integer, got ${expansion}; the paper's is 6`,
    );
  const input = tf.input({ shape: options.inputShape ?? [224, 224, 3] });
  const apply = (
    l: tf.layers.Layer,
    x: tf.SymbolicTensor | tf.SymbolicTensor[],
  ): tf.SymbolicTensor => l.apply(x) as tf.SymbolicTensor;
  let channels = divisible(32 * alpha);
  let y = apply(
    block.make({
      filters: channels,
      kernelSize: 3,
      strides: 2,
      activation: 'relu6',
      name: 'stem',
    }),
    input,
  );
  let index = 0;
  for (const [t, c, n, s] of settings) {
    const out = divisible(c * alpha);
    for (let i = 0; i < n; i++, index++) {
      const strides = i === 0 ? s : 1;
      const name = `block${index + 1}`;
      let h = y;
      if (t !== 1)
        h = apply(
          makeBlock('conv', {
            filters: channels * expansion,
            kernelSize: 1,
            activation: 'relu6',
            name: `${name}_expand`,
          }),
          h,
        );
      h = apply(
        block.make({
          depthwise: true,
          kernelSize: 3,
          strides,
          activation: 'relu6',
          name: `${name}_depthwise`,
        }),
        h,
      );
      h = apply(makeBlock('conv', { filters: out, kernelSize: 1, name: `${name}_project` }), h);
      y = strides === 1 && channels === out ? apply(tf.layers.add(), [y, h]) : h;
      channels = out;
    }
  }
  const head = alpha > 1 ? divisible(1280 * alpha) : 1280;
  y = apply(
    makeBlock('conv', { filters: head, kernelSize: 1, activation: 'relu6', name: 'head' }),
    y,
  );
  y = apply(tf.layers.globalAveragePooling2d({}), y);
  y = apply(
    tf.layers.dense({ units: options.classes ?? 1000, activation: 'softmax', name: 'classifier' }),
    y,
  );
  return tf.model({ inputs: input, outputs: y, name: `mobilenet_v2_${block.name}` });
}
