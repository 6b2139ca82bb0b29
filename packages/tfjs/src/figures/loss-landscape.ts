import * as tf from '@tensorflow/tfjs';
import { filterNormalize, gaussianDirection, ShapeError } from '@reparam/core';
import { filtersFirst, filtersLast } from '../layout.js';

/** One value per trainable weight of a model, in `model.trainableWeights` order. */
export type Direction = readonly Float32Array[];

/** Options of {@link lossLandscape}. */
export interface LandscapeOptions {
  /** 1: a line `theta + a d1`; 2: a plane `theta + a d1 + b d2` (default 1). */
  readonly dimensions?: 1 | 2;
  /** Points per axis, from `-range` to `range` (default 21 for a line, 11 for a plane). */
  readonly steps?: number;
  /** Largest step along each direction (default 1: one filter norm). */
  readonly range?: number;
  /** Seed of the random directions (default 1; the second direction uses `seed + 1`). */
  readonly seed?: number;
  /** Raw directions to normalise instead of random ones (one per dimension). */
  readonly directions?: readonly Direction[];
  /** Loss of a batch (default: mean categorical cross-entropy of probabilities). */
  readonly loss?: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
  /** Called after every evaluated point. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Loss and accuracy on a line or a plane through the trained weights. */
export interface LossLandscape {
  readonly dimensions: 1 | 2;
  /** The step along each direction, `steps` values from `-range` to `range`. */
  readonly axis: Float64Array;
  /** `steps` values (a line) or `steps x steps` row-major, row = second direction (a plane). */
  readonly loss: Float64Array;
  /** Fraction of the batch whose arg-max prediction matches the label's, same layout. */
  readonly accuracy: Float64Array;
}

/** Output filters of a tfjs weight: the last axis, both last axes for a depthwise kernel. */
function filterCount(v: tf.LayerVariable): number {
  const s = v.read().shape;
  const depthwise = s.length === 4 && (v.originalName.endsWith('depthwise_kernel') || s[3] === 1);
  return depthwise ? s[2] * s[3] : s[s.length - 1];
}

/**
 * Filter-normalised directions (Li et al., NeurIPS 2018) for a model's trainable weights, from
 * raw values (random Gaussian from `seed` when absent): each filter of each kernel (rank >= 2:
 * the output channels of conv and dense kernels) gets the norm of the same filter of the
 * weights, by core's `filterNormalize`; biases and batch-norm parameters (rank < 2) get zero,
 * as in the paper. Non-trainable weights (running statistics, frozen bases) are not moved.
 */
export function filterNormalizedDirection(
  model: tf.LayersModel,
  seed = 1,
  raw?: Direction,
): Direction {
  const weights = model.trainableWeights;
  if (raw !== undefined && raw.length !== weights.length) {
    throw new ShapeError(
      `filterNormalizedDirection: ${raw.length} direction values for ${weights.length} trainable weights`,
    );
  }
  const total = weights.reduce((n, v) => n + v.read().size, 0);
  const random = raw === undefined ? gaussianDirection(total, seed) : undefined;
  let offset = 0;
  return weights.map((v, i) => {
    const size = v.read().size;
    const d = raw?.[i] ?? random!.subarray(offset, offset + size);
    offset += size;
    if (d.length !== size) {
      throw new ShapeError(
        `filterNormalizedDirection: direction ${i} has ${d.length} values, weight '${v.name}' has ${size}`,
      );
    }
    if (v.shape.length < 2) return new Float32Array(size);
    const filters = filterCount(v);
    const w = filtersFirst(v.read().dataSync(), filters);
    const n = filtersFirst(d, filters);
    return filtersLast(filterNormalize(n, w, [filters, size / filters]), filters);
  });
}

const meanCrossEntropy = (y: tf.Tensor, p: tf.Tensor): tf.Scalar =>
  tf.mean(tf.metrics.categoricalCrossentropy(y, p));

/**
 * The loss landscape of Li et al. (NeurIPS 2018): the loss of `model` on the fixed batch
 * `(xs, ys)` (inference mode) at `theta + a d1` or `theta + a d1 + b d2`, with `d1`, `d2`
 * filter-normalised random directions ({@link filterNormalizedDirection}) and `a, b` on a grid
 * of `steps` points in `[-range, range]`. `ys` is one-hot. The weights are restored afterwards.
 */
export async function lossLandscape(
  model: tf.LayersModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
  options: LandscapeOptions = {},
): Promise<LossLandscape> {
  const fn = 'lossLandscape';
  const dimensions = options.dimensions ?? 1;
  const steps = options.steps ?? (dimensions === 1 ? 21 : 11);
  const range = options.range ?? 1;
  if (!Number.isInteger(steps) || steps < 2)
    throw new ShapeError(`${fn}: steps ${steps} must be an integer >= 2`);
  if (!(range > 0)) throw new ShapeError(`${fn}: range ${range} must be positive`);
  if (options.directions !== undefined && options.directions.length !== dimensions) {
    throw new ShapeError(
      `${fn}: ${options.directions.length} directions given for ${dimensions} dimension(s)`,
    );
  }
  const seed = options.seed ?? 1;
  const dirs = Array.from({ length: dimensions }, (_, k) =>
    filterNormalizedDirection(model, seed + k, options.directions?.[k]),
  );
  const axis = Float64Array.from(
    { length: steps },
    (_, i) => -range + (2 * range * i) / (steps - 1),
  );
  const weights = model.trainableWeights;
  const saved = weights.map((v) => tf.clone(v.read()));
  const lossOf = options.loss ?? meanCrossEntropy;
  const total = dimensions === 1 ? steps : steps * steps;
  const loss = new Float64Array(total);
  const accuracy = new Float64Array(total);
  try {
    for (let p = 0; p < total; p++) {
      const a = axis[p % steps];
      const b = dimensions === 2 ? axis[Math.floor(p / steps)] : 0;
      weights.forEach((v, i) => {
        const moved = tf.tidy(() => {
          let w = tf.add(saved[i], tf.mul(tf.tensor(dirs[0][i], saved[i].shape), a));
          if (dimensions === 2) w = tf.add(w, tf.mul(tf.tensor(dirs[1][i], saved[i].shape), b));
          return w;
        });
        v.write(moved);
        moved.dispose();
      });
      const [l, acc] = tf.tidy((): [tf.Scalar, tf.Scalar] => {
        const pred = model.predict(xs) as tf.Tensor;
        const hits = tf.equal(tf.argMax(pred, -1), tf.argMax(ys, -1));
        return [lossOf(ys, pred), tf.mean<tf.Scalar>(tf.cast(hits, 'float32'))];
      });
      loss[p] = (await l.data())[0];
      accuracy[p] = (await acc.data())[0];
      tf.dispose([l, acc]);
      options.onProgress?.(p + 1, total);
    }
  } finally {
    weights.forEach((v, i) => v.write(saved[i]));
    tf.dispose(saved);
  }
  return { dimensions, axis, loss, accuracy };
}
