import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { toRefConv } from './to-ref-conv.js';
import { reparameterize } from './reparameterize.js';
import { RefConv2D } from './layers/ref-conv2d.js';
import { resnet18 } from './models/resnet18.js';
import { useBackend } from './test-helpers/backends.js';
import { randomInput, randomizeWeights } from './test-helpers/layers.js';

function trained(): tf.LayersModel {
  const x = tf.input({ shape: [9, 9, 3] });
  let y = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1' })
    .apply(x) as tf.SymbolicTensor;
  y = tf.layers
    .depthwiseConv2d({ kernelSize: 5, strides: 2, padding: 'same', name: 'dw' })
    .apply(y) as tf.SymbolicTensor; // 9 is odd: symmetric
  y = tf.layers
    .conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'c2' })
    .apply(y) as tf.SymbolicTensor; // 5 -> pads 2 = 1 + 1
  y = tf.layers
    .conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', name: 'c3' })
    .apply(y) as tf.SymbolicTensor; // 3 -> pads 2 = 1 + 1
  const z = tf.layers
    .conv2d({ filters: 2, kernelSize: 3, padding: 'valid', name: 'valid' })
    .apply(x) as tf.SymbolicTensor;
  const m = tf.model({ inputs: x, outputs: [y, z] });
  m.layers.forEach((l, i) => randomizeWeights(l, i + 3));
  return m;
}

describe('toRefConv', () => {
  it('swaps eligible convs for RefConv2D with frozen trained bases, same outputs, others skipped with a reason', async () => {
    await useBackend('cpu');
    const model = trained();
    const { model: ref, converted, skipped } = toRefConv(model);
    expect(converted).toEqual(['c1', 'dw', 'c2', 'c3']);
    expect(skipped.map((s) => s.name)).toEqual(['valid']);
    expect(skipped[0].reason).toMatch(/padding 'valid'/);
    const refs = ref.layers.filter((l): l is RefConv2D => l instanceof RefConv2D);
    expect(refs).toHaveLength(4);
    for (const l of refs)
      expect(l.trainableWeights.every((w) => !w.originalName.endsWith('base_kernel'))).toBe(true);
    const x = randomInput([2, 9, 9, 3], 1);
    const a = model.predict(x) as tf.Tensor[];
    const b = ref.predict(x) as tf.Tensor[];
    a.forEach((t, i) =>
      expect(tf.max(tf.abs(tf.sub(t, b[i]))).dataSync()[0]).toBeLessThan(
        1e-5 * tf.max(tf.abs(t)).dataSync()[0],
      ),
    );
    // With learned (here random) refocus kernels, the RefConv model still deploys exactly.
    refs.forEach((l, i) => randomizeWeights(l, 50 + i, 'keep'));
    const { report } = reparameterize(ref);
    expect(report.output.relativeDeviation).toBeLessThan(1e-5);
  });

  it('skips a stride-2 same conv on an even size, where tfjs pads asymmetrically', async () => {
    await useBackend('cpu');
    const m = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [8, 8, 1],
          filters: 2,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          name: 's2',
        }),
      ],
    });
    const { converted, skipped } = toRefConv(m);
    expect(converted).toEqual([]);
    expect(skipped[0].reason).toMatch(/pads 1 pixels/);
  });

  it('turns trained ConvBN layers (a conv-block builder model) into RefConv2D + BN with the same outputs', async () => {
    await useBackend('cpu');
    const model = resnet18({ block: 'conv', width: 4, inputShape: [12, 12, 3], classes: 3 });
    model.layers.forEach((l, i) => randomizeWeights(l, i + 7, 'keep'));
    const { model: ref, converted, skipped } = toRefConv(model);
    expect(converted).toHaveLength(17); // the 7x7 stem and 16 3x3 convs
    expect(skipped.map((s) => s.reason)).toEqual(['kernel 1x1', 'kernel 1x1', 'kernel 1x1']);
    const x = randomInput([2, 12, 12, 3], 2);
    const a = model.predict(x) as tf.Tensor;
    const b = ref.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(
      1e-5 * tf.max(tf.abs(a)).dataSync()[0],
    );
  });
});
