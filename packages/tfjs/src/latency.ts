import * as tf from '@tensorflow/tfjs';

/**
 * Median wall-clock milliseconds of `model.predict(input)` (with the result read back) for each
 * of `models`, measured in alternation, `runs` times each after `warmup` rounds, so that a change
 * of load on a shared machine hits every model alike: e.g. a training form against its
 * `reparameterize`d deploy form.
 */
export function medianPredictMs(
  models: readonly tf.LayersModel[],
  input: tf.Tensor,
  runs: number,
  warmup = 2,
): number[] {
  const once = (m: tf.LayersModel): number => {
    const t = performance.now();
    tf.tidy(() => (m.predict(input) as tf.Tensor).dataSync());
    return performance.now() - t;
  };
  for (let i = 0; i < warmup; i++) models.forEach(once);
  const times = models.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) models.forEach((m, j) => times[j].push(once(m)));
  return times.map((v) => v.sort((a, b) => a - b)[v.length >> 1]);
}
