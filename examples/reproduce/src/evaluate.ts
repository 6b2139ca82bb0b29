import * as tf from '@tensorflow/tfjs';
import { plainBatch } from './augment.js';
import { PIXELS, SIDE, type Split } from './data.js';

/** Class probabilities of a model on a split (inference mode), batch by batch. */
export function predictAll(model: tf.LayersModel, split: Split, batch = 500): Float32Array {
  const out = new Float32Array(split.count * 10);
  const buffer = new Float32Array(batch * PIXELS);
  for (let i = 0; i < split.count; i += batch) {
    const n = Math.min(batch, split.count - i);
    plainBatch(
      split.images,
      Array.from({ length: n }, (_, j) => i + j),
      buffer,
    );
    const p = tf.tidy(() => {
      const x = tf.tensor4d(buffer.subarray(0, n * PIXELS), [n, SIDE, SIDE, 1]);
      return (model.predict(x) as tf.Tensor).dataSync();
    });
    out.set(p, i * 10);
  }
  return out;
}

/** Index of the largest of the 10 probabilities of image `i`. */
function argmax(p: Float32Array, i: number): number {
  let best = 0;
  for (let c = 1; c < 10; c++) if (p[i * 10 + c] > p[i * 10 + best]) best = c;
  return best;
}

/** Fraction of images whose most probable class is the label. */
export function accuracy(p: Float32Array, labels: Uint8Array): number {
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (argmax(p, i) === labels[i]) ok++;
  return ok / labels.length;
}

/**
 * How two forms of a model differ on the same images: the largest absolute difference of any
 * class probability, and the number of images whose predicted class differs.
 */
export function compareForms(
  a: Float32Array,
  b: Float32Array,
): { maxProbabilityDifference: number; differentPredictions: number } {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  let different = 0;
  for (let i = 0; i < a.length / 10; i++) if (argmax(a, i) !== argmax(b, i)) different++;
  return { maxProbabilityDifference: max, differentPredictions: different };
}
