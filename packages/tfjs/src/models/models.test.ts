import { describe, expect, it } from 'vitest';
import type * as tf from '@tensorflow/tfjs';
import { mobilenetV2 } from './mobilenet-v2.js';
import { repvggNet } from './repvgg.js';
import { resnet18 } from './resnet18.js';
import { blockKinds, type BlockSpec } from './block.js';
import { WeightNormConv2D } from '../layers/weight-norm-conv2d.js';
import { RepVGGBlock } from '../layers/repvgg-block.js';
import { reparameterize } from '../reparameterize.js';
import { useBackend } from '../test-helpers/backends.js';
import { randomizeWeights } from '../test-helpers/layers.js';

/** Builds (symbolically, no forward pass), counts all weights (running statistics included), frees. */
function params(make: () => tf.LayersModel): number {
  const m = make();
  const n = m.countParams();
  m.dispose();
  return n;
}

describe('model builders', () => {
  it("reproduce RefConv's parameter table at 224x224 with 1000 classes within 1%", async () => {
    await useBackend('cpu');
    const table = [
      ['resnet18 conv', () => resnet18({ block: 'conv' }), 11.72e6],
      ['resnet18 refconv', () => resnet18({ block: 'refconv' }), 22.74e6],
      ['mobilenetV2 conv', () => mobilenetV2({ block: 'conv' }), 3.56e6],
      ['mobilenetV2 refconv', () => mobilenetV2({ block: 'refconv' }), 44.11e6],
    ] as const;
    for (const [name, make, want] of table) {
      const got = params(make);
      expect(Math.abs(got - want) / want, `${name}: ${got}`).toBeLessThan(0.01);
    }
  });

  it('every block choice deploys to the same architecture (same deploy parameter count)', async () => {
    await useBackend('cpu');
    const counts = blockKinds.map((block) => {
      const m = resnet18({ block, width: 4, inputShape: [16, 16, 3], classes: 3 });
      const { model } = reparameterize(m);
      const n = model.countParams();
      m.dispose();
      model.dispose();
      return n;
    });
    expect(new Set(counts).size).toBe(1);
  });

  it("mobilenetV2's expansion sets the width of every expanded layer after the first block", async () => {
    await useBackend('cpu');
    const filters = (expansion?: number): number[] => {
      const m = mobilenetV2({ alpha: 0.25, expansion, inputShape: [24, 24, 3], classes: 3 });
      const expand = m.layers.filter((l) => l.name.endsWith('_expand'));
      const inputs = expand.map((l) => (l.getWeights()[0].shape as number[])[2]);
      const outputs = expand.map((l) => (l.getWeights()[0].shape as number[])[3]);
      m.dispose();
      // Each expanded layer is t times as wide as its input (alpha 0.25: 8 channels up to block 7).
      return outputs.map((o, i) => o / inputs[i]);
    };
    expect(filters()).toEqual(Array<number>(16).fill(6));
    expect(filters(3)).toEqual(Array<number>(16).fill(3));
    expect(() => mobilenetV2({ expansion: 0 })).toThrow(/expansion must be a positive integer/);
  });

  it('a block factory is called once per KxK position and deploys to the same architecture', async () => {
    await useBackend('cpu');
    const specs: BlockSpec[] = [];
    const wn = (spec: BlockSpec) => {
      specs.push(spec);
      return new WeightNormConv2D({ ...spec, useBias: false, useBatchNorm: true });
    };
    const shapes = (m: tf.LayersModel): string =>
      reparameterize(m)
        .model.weights.map((w) => w.shape.join('x'))
        .join(' ');
    const resnet = (block: 'conv' | typeof wn) =>
      resnet18({ block, width: 4, inputShape: [16, 16, 3], classes: 3 });
    const custom = resnet(wn);
    expect(specs.map((s) => s.kernelSize)).toEqual([7, ...Array<number>(16).fill(3)]);
    // The second conv of a basic block is linear (the ReLU follows the residual add).
    expect(specs.find((s) => s.name === 'stage1_block1_conv2')?.activation).toBe('linear');
    expect(custom.name).toBe('resnet18_custom');
    expect(shapes(custom)).toBe(shapes(resnet('conv')));
    specs.length = 0;
    const mobile = mobilenetV2({ block: wn, alpha: 0.25, inputShape: [24, 24, 3], classes: 3 });
    expect(specs.filter((s) => s.depthwise === true).length).toBe(17);
    mobile.dispose();
    const ablation = repvggNet({
      block: (spec) => new RepVGGBlock({ ...spec, usePointwise: false }),
      depths: [1, 2],
      widths: [4, 8],
      inputShape: [12, 12, 2],
      classes: 3,
    });
    expect(ablation.layers.filter((l) => l instanceof RepVGGBlock).length).toBe(3);
    expect(() => resnet18({ block: 'nope' as 'conv' })).toThrow(/block 'nope' is not one of/);
  });

  for (const block of blockKinds) {
    it(`small ${block} nets re-parameterize exactly (resnet18, mobilenetV2, RepVGG)`, async () => {
      await useBackend('cpu');
      const models = [
        resnet18({ block, width: 4, inputShape: [20, 20, 3], classes: 3 }),
        mobilenetV2({ block, alpha: 0.25, inputShape: [24, 24, 3], classes: 3 }),
        repvggNet({ block, depths: [1, 2], widths: [4, 8], inputShape: [12, 12, 2], classes: 3 }),
      ];
      for (const m of models) {
        m.layers.forEach((l, i) => randomizeWeights(l, i + 1, 'keep'));
        const { model, report } = reparameterize(m);
        expect(report.output.relativeDeviation, m.name).toBeLessThan(1e-5);
        for (const b of report.blocks)
          expect(b.relativeDeviation, `${m.name} ${b.name}`).toBeLessThan(1e-5);
        m.dispose();
        model.dispose();
      }
    });
  }
});
