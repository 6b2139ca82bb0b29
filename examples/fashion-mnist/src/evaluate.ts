import * as tf from '@tensorflow/tfjs';
import { medianPredictMs } from '@reparam/tfjs';
import type { Split } from './data.js';

/** Class probabilities of a model on a split, batch by batch. */
export function predictAll(model: tf.LayersModel, split: Split, batch = 500): Float32Array {
  const out = new Float32Array(split.count * 10);
  for (let i = 0; i < split.count; i += batch) {
    const n = Math.min(batch, split.count - i);
    const p = tf.tidy(() => {
      const x = tf.tensor4d(split.images.subarray(i * 784, (i + n) * 784), [n, 28, 28, 1]);
      return (model.predict(x) as tf.Tensor).dataSync();
    });
    out.set(p, i * 10);
  }
  return out;
}

function top2(p: Float32Array, i: number): [number, number] {
  let best = 0;
  for (let c = 1; c < 10; c++) if (p[i * 10 + c] > p[i * 10 + best]) best = c;
  let second = -Infinity;
  for (let c = 0; c < 10; c++) if (c !== best) second = Math.max(second, p[i * 10 + c]);
  return [best, p[i * 10 + best] - second];
}

/** Accuracy of probabilities `p` against the labels. */
export function accuracy(p: Float32Array, split: Split): number {
  let ok = 0;
  for (let i = 0; i < split.count; i++) if (top2(p, i)[0] === split.labels[i]) ok++;
  return ok / split.count;
}

/**
 * Compares the predicted classes of two forms: `disagree` counts differing predictions,
 * `realDisagree` those where the first form's top-2 margin exceeds `tieTolerance` (not a tie).
 */
export function agreement(
  a: Float32Array,
  b: Float32Array,
  count: number,
  tieTolerance = 1e-4,
): { disagree: number; realDisagree: number; maxProbDiff: number } {
  let disagree = 0;
  let realDisagree = 0;
  let maxProbDiff = 0;
  for (let i = 0; i < a.length; i++) maxProbDiff = Math.max(maxProbDiff, Math.abs(a[i] - b[i]));
  for (let i = 0; i < count; i++) {
    const [ca, margin] = top2(a, i);
    if (ca !== top2(b, i)[0]) {
      disagree++;
      if (margin > tieTolerance) realDisagree++;
    }
  }
  return { disagree, realDisagree, maxProbDiff };
}

/**
 * Median wall times (ms) of `predict` on one batch for two models, measured alternately after a
 * warm-up so that load changes on a shared machine hit both alike.
 */
export function latencyPair(
  a: tf.LayersModel,
  b: tf.LayersModel,
  batch: number,
  runs: number,
): [number, number] {
  const x = tf.randomUniform([batch, 28, 28, 1]);
  const [ta, tb] = medianPredictMs([a, b], x, runs, 5);
  x.dispose();
  return [ta, tb];
}
