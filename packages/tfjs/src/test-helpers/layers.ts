/** Test-only helpers for the layers: non-identity weights and the float64 oracle. */
import * as tf from '@tensorflow/tfjs';
import { collapse, evaluate } from '@reparam/core';
import { deployLayers } from '../deploy-conv.js';
import { nchwToNhwc, nhwcToNchw, type Shape4 } from '../layout.js';
import type { ReparamLayer } from '../layers/reparam-layer.js';
import { randomFloats, relErr } from './backends.js';

/**
 * Replaces every weight of `layer` by seeded random values: running variances in [0.5, 2],
 * gammas in [0.5, 1.5], everything else in [-1, 1] (non-identity batch-norms, as the papers test).
 * With `kernels: 'keep'` only batch-norms change (and refocus kernels get small random values).
 */
export function randomizeWeights(
  layer: tf.layers.Layer,
  seed: number,
  kernels: 'random' | 'keep' = 'random',
): void {
  const values = layer.weights.map((w, i) => {
    const r = randomFloats(
      w.shape.reduce((a: number, b) => a * (b ?? 1), 1),
      seed * 97 + i,
    );
    const name = w.originalName;
    const isBn = /(gamma|beta|moving_mean|moving_variance)$/.test(name);
    if (kernels === 'keep' && !isBn) {
      // Keep the initializer's scale (deep nets stay well-conditioned); refocus kernels start at 0, so perturb them.
      return name.endsWith('refocus_kernel')
        ? tf.tensor(
            r.map((v) => 0.1 * v),
            w.shape as number[],
          )
        : w.read().clone();
    }
    const mapped = name.endsWith('moving_variance')
      ? r.map((v) => 1.25 + 0.75 * v)
      : name.endsWith('gamma')
        ? r.map((v) => 1 + 0.5 * v)
        : r;
    return tf.tensor(mapped, w.shape as number[]);
  });
  layer.setWeights(values);
  tf.dispose(values);
}

/** A seeded NHWC input. */
export function randomInput(shape: Shape4, seed: number): tf.Tensor4D {
  return tf.tensor4d(randomFloats(shape[0] * shape[1] * shape[2] * shape[3], seed), [...shape]);
}

/**
 * Relative deviation (vs max |y|) between the layer's training form in inference mode on the
 * active backend and core's float64 `evaluate` of `layer.toExpr()`. Use a linear activation.
 */
export function deviationFromCore(layer: ReparamLayer, shape: Shape4, seed: number): number {
  const x = randomInput(shape, seed);
  const y = layer.apply(x, { training: false }) as tf.Tensor;
  const got = y.dataSync();
  const want = nchwToNhwc(evaluate(layer.toExpr(), nhwcToNchw(x.dataSync(), shape)));
  expectShape(y.shape, want.shape);
  tf.dispose([x, y]);
  return relErr(got, want.data);
}

function expectShape(a: readonly number[], b: readonly number[]): void {
  if (a.join() !== b.join())
    throw new Error(`shape mismatch: layer gives [${a.join(', ')}], core gives [${b.join(', ')}]`);
}

/** A layer under test and the NHWC input shape it is built for. */
export interface LayerCase {
  layer: ReparamLayer;
  shape: Shape4;
}

/** What `model.save` writes (topology, weight specs and data), kept in memory. */
export async function saveToMemory(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler((a) => {
      saved = a;
      return Promise.resolve({
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' },
      });
    }),
  );
  if (saved === undefined) throw new Error('saveToMemory: nothing was saved');
  return saved;
}

/**
 * Saves a one-layer model to memory and loads it back (tfjs `model.save` / `tf.loadLayersModel`),
 * returning the relative deviation between the two models' predictions and the loaded layer's class.
 */
export async function saveLoadDeviation(
  c: LayerCase,
  seed: number,
): Promise<{ deviation: number; className: string }> {
  const input = tf.input({ shape: c.shape.slice(1) });
  const model = tf.model({ inputs: input, outputs: c.layer.apply(input) as tf.SymbolicTensor });
  randomizeWeights(c.layer, seed);
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(await saveToMemory(model)));
  const x = randomInput(c.shape, seed + 1);
  const a = model.predict(x) as tf.Tensor;
  const b = loaded.predict(x) as tf.Tensor;
  const deviation = relErr(b.dataSync(), a.dataSync());
  const className = loaded.layers[1].getClassName();
  tf.dispose([x, a, b]);
  model.dispose();
  loaded.dispose();
  return { deviation, className };
}

/**
 * Relative deviation (vs max |y|) between the layer's training form in inference mode and its
 * deploy layers (`deployLayers(collapse(layer.toExpr()))`, what `reparameterize` emits), both run
 * on the active backend in float32.
 */
export function deviationFromDeploy(layer: ReparamLayer, shape: Shape4, seed: number): number {
  const x = randomInput(shape, seed);
  const chain = deployLayers(collapse(layer.toExpr()), layer.activation, `${layer.name}_deploy`);
  const y = layer.apply(x, { training: false }) as tf.Tensor;
  let z: tf.Tensor = x;
  for (const l of chain) z = l.apply(z) as tf.Tensor;
  expectShape(y.shape, z.shape);
  const d = relErr(z.dataSync(), y.dataSync());
  tf.dispose([x, y, z]);
  chain.forEach((l) => l.dispose());
  return d;
}
