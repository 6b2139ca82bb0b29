import * as tf from '@tensorflow/tfjs';
import { makeBlock, resolveBlock, type BlockChoice } from './block.js';

/** Options of {@link resnet18}. */
export interface ResNet18Options {
  /** A {@link BlockKind} or a {@link BlockFactory} for each KxK position (default `conv`). */
  block?: BlockChoice;
  /** NHWC input shape without batch (default [224, 224, 3]). */
  inputShape?: [number, number, number];
  classes?: number;
  /** Channels of the first stage (default 64; stages double it). */
  width?: number;
}

/**
 * ResNet-18 (He et al., 2016) with every KxK conv + BN built as `block` (1x1 shortcuts stay
 * conv + BN): 7x7/2 stem, 3x3/2 max pool, four stages of two basic blocks, global average pool,
 * softmax classifier. A functional model; `reparameterize` turns it into the plain ResNet-18.
 */
export function resnet18(options: ResNet18Options = {}): tf.LayersModel {
  const block = resolveBlock('resnet18', options.block ?? 'conv');
  const w = options.width ?? 64;
  const input = tf.input({ shape: options.inputShape ?? [224, 224, 3] });
  const apply = (
    l: tf.layers.Layer,
    x: tf.SymbolicTensor | tf.SymbolicTensor[],
  ): tf.SymbolicTensor => l.apply(x) as tf.SymbolicTensor;
  let y = apply(
    block.make({ filters: w, kernelSize: 7, strides: 2, activation: 'relu', name: 'stem' }),
    input,
  );
  y = apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), y);
  let channels = w;
  for (let stage = 0; stage < 4; stage++) {
    const filters = w * 2 ** stage;
    for (let j = 0; j < 2; j++) {
      const strides = stage > 0 && j === 0 ? 2 : 1;
      const name = `stage${stage + 1}_block${j + 1}`;
      const a = apply(
        block.make({
          filters,
          kernelSize: 3,
          strides,
          activation: 'relu',
          name: `${name}_conv1`,
        }),
        y,
      );
      const b = apply(block.make({ filters, kernelSize: 3, name: `${name}_conv2` }), a);
      const shortcut =
        strides !== 1 || channels !== filters
          ? apply(
              makeBlock('conv', { filters, kernelSize: 1, strides, name: `${name}_shortcut` }),
              y,
            )
          : y;
      y = apply(tf.layers.reLU(), apply(tf.layers.add(), [b, shortcut]));
      channels = filters;
    }
  }
  y = apply(tf.layers.globalAveragePooling2d({}), y);
  y = apply(
    tf.layers.dense({ units: options.classes ?? 1000, activation: 'softmax', name: 'classifier' }),
    y,
  );
  return tf.model({ inputs: input, outputs: y, name: `resnet18_${block.name}` });
}
