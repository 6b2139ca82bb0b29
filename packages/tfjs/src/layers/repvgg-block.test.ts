import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { RepVGGBlock } from './repvgg-block.js';
import { useBackend } from '../test-helpers/backends.js';
import { randomInput, randomizeWeights, type LayerCase } from '../test-helpers/layers.js';
import { layerLaws, type CaseParams } from '../test-helpers/layer-laws.js';
import { sumOfBranchBns, trainingLaw, weightOf } from '../test-helpers/training-reference.js';
import { convOp } from './_internal/conv-op.js';

const make = (p: CaseParams): LayerCase => ({
  layer: new RepVGGBlock({
    filters: p.grow ? 2 * p.c : p.c,
    strides: p.stride,
    depthwise: p.depthwise,
    activation: 'linear',
    useIdentity: p.h % 2 === 0,
    usePointwise: p.w % 2 === 0,
  }),
  shape: [2, p.h, p.w, p.c],
});

describe('RepVGGBlock', () => {
  layerLaws('RepVGGBlock', make);

  trainingLaw('RepVGGBlock', make, (layer, x) => {
    const conv = (name: string, pad: number): tf.Tensor4D =>
      convOp(x, weightOf(layer, name), layer.strides, [pad, pad, pad, pad], layer.depthwise);
    const branches = [conv('dense_kernel', 1)];
    if (layer.weights.some((w) => w.originalName === 'pointwise_kernel'))
      branches.push(conv('pointwise_kernel', 0));
    const o = branches[0].shape[3];
    if (weightOf(layer, 'bn_gamma').shape[0] === (branches.length + 1) * o) branches.push(x);
    return sumOfBranchBns(layer, branches);
  });

  it('has an identity branch only when channels match and stride is 1', () => {
    // The stacked batch-norm covers 3 branches with the identity, 2 without.
    const branches = (filters: number, strides: number): number => {
      const l = new RepVGGBlock({ filters, strides });
      l.build([null, 5, 5, 4]);
      return (l.weights.find((w) => w.originalName === 'bn_gamma')?.shape[0] ?? 0) / filters;
    };
    expect(branches(4, 1)).toBe(3);
    expect(branches(8, 1)).toBe(2);
    expect(branches(4, 2)).toBe(2);
  });

  it('drops the 1x1 branch (its kernel and its batch-norm channels) when usePointwise is false', () => {
    const names = (usePointwise: boolean): [string[], number] => {
      const l = new RepVGGBlock({ filters: 4, usePointwise });
      l.build([null, 5, 5, 4]);
      const bn = l.weights.find((w) => w.originalName === 'bn_gamma')?.shape[0] ?? 0;
      return [l.weights.map((w) => w.originalName), bn];
    };
    const [withNames, withBn] = names(true);
    const [withoutNames, withoutBn] = names(false);
    expect(withNames.length).toBe(withoutNames.length + 1);
    expect(withoutNames.some((n) => n.startsWith('pointwise'))).toBe(false);
    expect(withBn - withoutBn).toBe(4);
  });

  it('training mode uses batch statistics and moves the running ones', async () => {
    await useBackend('cpu');
    const layer = new RepVGGBlock({ filters: 3 });
    layer.build([null, 4, 4, 3]);
    randomizeWeights(layer, 5);
    const x = randomInput([4, 4, 4, 3], 6);
    const mean = (): number[] =>
      layer.weights
        .find((w) => w.originalName.endsWith('bn_moving_mean'))!
        .read()
        .arraySync() as number[];
    const before = mean();
    const inference = layer.apply(x, { training: false }) as tf.Tensor;
    const trained = layer.apply(x, { training: true }) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(inference, trained))).dataSync()[0]).toBeGreaterThan(1e-3);
    expect(mean()).not.toEqual(before);
  });

  it('refuses grouped convs (1 < groups < channels) with a named error', () => {
    expect(() => new RepVGGBlock({ filters: 4, groups: 2 } as never)).toThrow(
      /RepVGGBlock: groups 2 is not supported/,
    );
  });
});
