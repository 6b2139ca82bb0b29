import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { reparameterize } from './reparameterize.js';
import { ReparamLayer } from './layers/reparam-layer.js';
import { ACBlock } from './layers/ac-block.js';
import { DiverseBranchBlock } from './layers/diverse-branch-block.js';
import { MobileOneBlock } from './layers/mobileone-block.js';
import { RefConv2D } from './layers/ref-conv2d.js';
import { RepVGGBlock } from './layers/repvgg-block.js';
import { WeightNormConv2D } from './layers/weight-norm-conv2d.js';
import { useBackend } from './test-helpers/backends.js';
import { randomInput, randomizeWeights, saveToMemory } from './test-helpers/layers.js';

function sequentialNet(): tf.Sequential {
  const m = tf.sequential({
    layers: [
      new RepVGGBlock({ inputShape: [9, 8, 3], filters: 4, strides: 2 }),
      new ACBlock({ filters: 4, activation: 'relu' }),
      new DiverseBranchBlock({ depthwise: true, strides: 2, activation: 'relu6' }),
      new MobileOneBlock({ filters: 6, kernelSize: 1, branches: 2 }),
      new RefConv2D({ depthwise: true, kernelSize: 5, useBias: true }),
      tf.layers.batchNormalization(),
      new WeightNormConv2D({ filters: 3, activation: 'tanh' }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 5 }),
    ],
  });
  m.layers.forEach((l, i) => randomizeWeights(l, 100 + i));
  return m;
}

function functionalNet(): tf.LayersModel {
  const x = tf.input({ shape: [7, 7, 4] });
  const a = new RepVGGBlock({ filters: 4, name: 'a' }).apply(x) as tf.SymbolicTensor;
  const b = new MobileOneBlock({ depthwise: true, kernelSize: 3, branches: 3, name: 'b' }).apply(
    a,
  ) as tf.SymbolicTensor;
  const skip = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
  const c = new DiverseBranchBlock({
    filters: 8,
    strides: 2,
    internalChannels: 6,
    name: 'c',
  }).apply(skip) as tf.SymbolicTensor;
  const d = new ACBlock({ filters: 8, kernelSize: 5, strides: 2, name: 'd' }).apply(
    skip,
  ) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate().apply([c, d]) as tf.SymbolicTensor;
  const m = tf.model({ inputs: x, outputs: [cat, a] });
  m.layers.forEach((l, i) => randomizeWeights(l, 200 + i));
  return m;
}

function agree(
  original: tf.LayersModel,
  deploy: tf.LayersModel,
  shape: [number, number, number, number],
): number {
  return tf.tidy(() => {
    const x = randomInput(shape, 9);
    const y0 = original.predict(x);
    const y1 = deploy.predict(x);
    const a = Array.isArray(y0) ? y0 : [y0];
    const b = Array.isArray(y1) ? y1 : [y1];
    return Math.max(
      ...a.map(
        (t, i) => tf.max(tf.abs(tf.sub(t, b[i]))).dataSync()[0] / tf.max(tf.abs(t)).dataSync()[0],
      ),
    );
  });
}

describe('reparameterize', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`a Sequential of every block becomes plain convs with the same outputs on ${backend}`, async () => {
      await useBackend(backend);
      const model = sequentialNet();
      const { model: deploy, report } = reparameterize(model);
      expect(deploy).toBeInstanceOf(tf.Sequential);
      expect(deploy.layers.some((l) => l instanceof ReparamLayer)).toBe(false);
      expect(report.blocks.map((b) => b.className)).toEqual([
        'RepVGGBlock',
        'ACBlock',
        'DiverseBranchBlock',
        'MobileOneBlock',
        'RefConv2D',
        'WeightNormConv2D',
      ]);
      for (const b of report.blocks) expect(b.relativeDeviation).toBeLessThan(1e-5);
      expect(report.output.relativeDeviation).toBeLessThan(1e-5);
      expect(agree(model, deploy, [3, 9, 8, 3])).toBeLessThan(1e-5);
      expect(deploy.countParams()).toBeLessThan(model.countParams());
    });

    it(`a functional model with residual, concat and two outputs keeps its outputs on ${backend}`, async () => {
      await useBackend(backend);
      const model = functionalNet();
      const { model: deploy, report } = reparameterize(model);
      expect(deploy.layers.map((l) => l.getClassName()).filter((n) => n.endsWith('Block'))).toEqual(
        [],
      );
      expect(report.blocks.map((b) => b.name).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(report.blocks.find((b) => b.name === 'd')?.deployShape).toEqual([8, 4, 5, 5]);
      expect(agree(model, deploy, [2, 7, 7, 4])).toBeLessThan(1e-5);
    });
  }

  it('the deploy model saves and loads with plain tfjs classes, and the original is untouched', async () => {
    await useBackend('cpu');
    const model = sequentialNet();
    const x = randomInput([2, 9, 8, 3], 4);
    const before = (model.predict(x) as tf.Tensor).dataSync().slice();
    const { model: deploy } = reparameterize(model);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(await saveToMemory(deploy)));
    const names = new Set(loaded.layers.map((l) => l.getClassName()));
    for (const n of names)
      expect([
        'InputLayer',
        'Conv2D',
        'DepthwiseConv2D',
        'ZeroPadding2D',
        'BatchNormalization',
        'GlobalAveragePooling2D',
        'Dense',
      ]).toContain(n);
    expect(agree(deploy, loaded, [2, 9, 8, 3])).toBeLessThan(1e-6);
    expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(before));
  });

  it('needs probeShape for inputs of unknown size, and handles a block shared by two paths', async () => {
    await useBackend('cpu');
    const x = tf.input({ shape: [null, null, 2] });
    const shared = new ACBlock({ filters: 2, name: 'shared' });
    const a = shared.apply(x) as tf.SymbolicTensor;
    const b = shared.apply(a) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: b });
    randomizeWeights(shared, 3);
    expect(() => reparameterize(model)).toThrow(/pass probeShape/);
    const { model: deploy, report } = reparameterize(model, { probeShape: [6, 5, 2] });
    expect(report.output.relativeDeviation).toBeLessThan(1e-5);
    expect(deploy.layers.filter((l) => l.getClassName() === 'Conv2D')).toHaveLength(1);
    expect(agree(model, deploy, [1, 7, 4, 2])).toBeLessThan(1e-5);
  });
});
