/**
 * Test-only: the unfused training forms of the blocks, written with plain tfjs ops (one conv
 * and one batch-norm per branch, tape-differentiated `tf.moments`), which the fused layers must
 * equal in value and in every gradient.
 */
import { expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import type { ReparamLayer } from '../layers/reparam-layer.js';
import { randomFloats, scaledErr, useBackend, withoutFusedKernels } from './backends.js';
import { caseParams, type CaseParams } from './layer-laws.js';
import { randomInput, randomizeWeights, type LayerCase } from './layers.js';

/** A weight of `layer` by its original name, read so that gradients reach the variable. */
export function weightOf(layer: tf.layers.Layer, name: string): tf.Tensor {
  const w = layer.weights.find((v) => v.originalName === name);
  if (w === undefined) throw new Error(`weightOf: '${layer.name}' has no weight ${name}`);
  return w.read();
}

/** The batch-norm variables `prefix_*` of a layer, sliced to channels [from, from + size). */
export interface BnSlice {
  gamma: tf.Tensor;
  beta: tf.Tensor;
  mean: tf.Tensor;
  variance: tf.Tensor;
}

/** Channels [from, from + size) of the batch-norm `prefix` of `layer`. */
export function bnSlice(layer: tf.layers.Layer, prefix: string, from = 0, size?: number): BnSlice {
  const get = (n: string): tf.Tensor => {
    const v = weightOf(layer, `${prefix}_${n}`);
    return tf.slice(v, [from], [size ?? v.shape[0] - from]);
  };
  return {
    gamma: get('gamma'),
    beta: get('beta'),
    mean: get('moving_mean'),
    variance: get('moving_variance'),
  };
}

/** The channels `indices` (in order) of the batch-norm `prefix` of `layer`. */
export function bnGather(layer: tf.layers.Layer, prefix: string, indices: number[]): BnSlice {
  // A product with a 0/1 selection matrix: tf.gather's gradient has no wasm kernel.
  const t = weightOf(layer, `${prefix}_gamma`).shape[0];
  const pick = new Float32Array(t * indices.length);
  indices.forEach((from, j) => (pick[from * indices.length + j] = 1));
  const select = tf.tensor2d(pick, [t, indices.length]);
  const get = (n: string): tf.Tensor =>
    tf.reshape(tf.matMul(tf.reshape(weightOf(layer, `${prefix}_${n}`), [1, t]), select), [-1]);
  return {
    gamma: get('gamma'),
    beta: get('beta'),
    mean: get('moving_mean'),
    variance: get('moving_variance'),
  };
}

/** `gamma (z - mean) / sqrt(var + eps) + beta` with the batch statistics of z, differentiated by the tape. */
export function bnBatch(z: tf.Tensor4D, bn: BnSlice, epsilon: number): tf.Tensor4D {
  const { mean, variance } = tf.moments(z, [0, 1, 2]);
  return tf.add(
    tf.mul(tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, epsilon))), bn.gamma),
    bn.beta,
  );
}

/**
 * What a batch-norm fills a border with during a training step: its output for a zero input
 * under the running statistics after this step's update (DBB's BNAndPad), the statistics
 * detached from the graph as they are in the layers.
 */
export function bnBorderFill(
  z: tf.Tensor4D,
  bn: BnSlice,
  momentum: number,
  epsilon: number,
): tf.Tensor {
  const { mean, variance } = tf.moments(z, [0, 1, 2]);
  const n = z.size / z.shape[3];
  const detach = (t: tf.Tensor): tf.Tensor => tf.tensor(t.dataSync(), t.shape);
  const rm = detach(tf.add(tf.mul(bn.mean, momentum), tf.mul(mean, 1 - momentum)));
  const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
  const rv = detach(tf.add(tf.mul(bn.variance, momentum), tf.mul(unbiased, 1 - momentum)));
  return tf.sub(bn.beta, tf.div(tf.mul(rm, bn.gamma), tf.sqrt(tf.add(rv, epsilon))));
}

/** Output, input gradient and trainable-weight gradients of `sum(f(x) * r)`. */
function valueAndGradients(
  layer: ReparamLayer,
  x: tf.Tensor4D,
  f: (x: tf.Tensor4D) => tf.Tensor,
  seed: number,
): Float32Array[] {
  const xv = tf.variable(x);
  const vars = [xv, ...layer.trainableWeights.map((w) => w.read() as tf.Variable)];
  let y: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    y = tf.keep(f(xv as tf.Tensor4D));
    return tf.sum(tf.mul(y, tf.tensor(randomFloats(y.size, seed), y.shape)));
  }, vars);
  const all = [y as tf.Tensor, ...vars.map((v) => grads[v.name])];
  const out = all.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose([value, xv, ...all]);
  return out;
}

/**
 * Registers, on cpu and on wasm: the layer in training mode (the fused form) equals
 * `reference(layer, x)` (the unfused form from plain tfjs ops) in value, input gradient and the
 * gradient of every trainable weight, within 5e-4 of max(1, max |value|), with random shapes and
 * random non-identity weights. With `withoutKernels`, also on cpu with those kernels
 * unregistered: the tfjs-ops path of other backends.
 */
export function trainingLaw(
  name: string,
  make: (p: CaseParams) => LayerCase,
  reference: (layer: ReparamLayer, x: tf.Tensor4D) => tf.Tensor,
  numRuns = 8,
  options: { withoutKernels?: readonly string[] } = {},
): void {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${name}: the fused training forward equals the unfused form in value and all gradients on ${backend}`, async () => {
      await useBackend(backend);
      checkTraining(name, make, reference, numRuns);
    });
  }
  const without = options.withoutKernels;
  if (without === undefined) return;
  it(`${name}: without the fused kernels (the webgl path, here on cpu) the same law holds`, async () => {
    await useBackend('cpu');
    await withoutFusedKernels('cpu', without, () => checkTraining(name, make, reference, numRuns));
  });
}

function checkTraining(
  name: string,
  make: (p: CaseParams) => LayerCase,
  reference: (layer: ReparamLayer, x: tf.Tensor4D) => tf.Tensor,
  numRuns: number,
): void {
  fc.assert(
    fc.property(caseParams, fc.integer({ min: 1, max: 1e6 }), (p, seed) => {
      const { layer, shape } = make(p);
      layer.build([null, shape[1], shape[2], shape[3]]);
      randomizeWeights(layer, seed);
      const snapshot = layer.getWeights().map((t) => t.clone());
      const x = randomInput(shape, seed + 1);
      const fused = valueAndGradients(
        layer,
        x,
        (xx) => layer.apply(xx, { training: true }) as tf.Tensor,
        seed + 2,
      );
      layer.setWeights(snapshot);
      const unfused = valueAndGradients(layer, x, (xx) => reference(layer, xx), seed + 2);
      expect(fused.length).toBe(unfused.length);
      // Both are float32; the reference's batch statistics (tf.moments) are float32 too, and a
      // batch-norm over few pixels amplifies their rounding by 1/std: 5e-4, not the 1e-5 of a conv.
      fused.forEach((v, i) =>
        expect(scaledErr(v, unfused[i]), `${name} output ${i}`).toBeLessThan(5e-4),
      );
      tf.dispose([x, ...snapshot, ...layer.weights.map((w) => w.read())]);
    }),
    { numRuns, seed: 1414 },
  );
}

/** Output channels of `layer` on input `x`. */
export function outChannelsOf(layer: ReparamLayer, x: tf.Tensor4D): number {
  return layer.computeOutputShape(x.shape)[3] as number;
}

/**
 * The sum of per-branch batch-norms of `branches`, with `bns[b]`, or by default consecutive
 * slices of the stacked batch-norm `bn`.
 */
export function sumOfBranchBns(
  layer: ReparamLayer,
  branches: readonly tf.Tensor4D[],
  bns?: readonly BnSlice[],
): tf.Tensor4D {
  const o = branches[0].shape[3];
  return tf.addN(
    branches.map((z, b) => bnBatch(z, bns?.[b] ?? bnSlice(layer, 'bn', b * o, o), layer.epsilon)),
  );
}

/** OREPA's multi-branch form: `BN(sum_b scale_b * branch_b)` (scales `branch_scales`), batch statistics. */
export function scaledSumThenBn(
  layer: ReparamLayer,
  branches: readonly tf.Tensor4D[],
): tf.Tensor4D {
  const scales = weightOf(layer, 'branch_scales');
  const summed = tf.addN(
    branches.map((z, b) =>
      tf.mul<tf.Tensor4D>(z, tf.reshape(tf.slice(scales, [b, 0], [1, -1]), [-1])),
    ),
  );
  return bnBatch(summed, bnSlice(layer, 'bn'), layer.epsilon);
}
