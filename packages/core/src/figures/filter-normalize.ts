import { ShapeError } from '../errors.js';
import type { Floats } from '../types.js';
import { seededRandom } from '../tensor.js';

/**
 * Filter normalisation of a random direction (Li et al., "Visualizing the Loss Landscape of
 * Neural Nets", NeurIPS 2018, Sec. 4): every filter of the direction is rescaled to the norm of
 * the same filter of the weights, `d[o] <- d[o] * ||theta[o]|| / ||d[o]||`, so that a step
 * along it means the same for every filter whatever the scale of the weights (which batch-norm
 * or re-parameterization leave free). Filters are along the first axis of `shape`: OIHW conv
 * kernels (one filter per output channel) and `[out, in]` dense matrices (one per neuron).
 * Returns a new float64 direction. A filter of the direction that is zero cannot be rescaled and
 * is refused; a zero filter of the weights gives a zero filter.
 */
export function filterNormalize(
  direction: Floats,
  weight: Floats,
  shape: readonly number[],
): Float64Array {
  const fn = 'filterNormalize';
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.length < 1 || !shape.every((v) => Number.isInteger(v) && v > 0)) {
    throw new ShapeError(`${fn}: shape [${shape.join(', ')}] must be positive integers`);
  }
  if (weight.length !== size || direction.length !== size) {
    throw new ShapeError(
      `${fn}: weight has ${weight.length} entries and direction ${direction.length}, shape [${shape.join(', ')}] needs ${size}`,
    );
  }
  const filters = shape[0];
  const n = size / filters;
  const out = Float64Array.from(direction);
  for (let o = 0; o < filters; o++) {
    let dd = 0;
    let ww = 0;
    for (let i = o * n; i < (o + 1) * n; i++) {
      dd += direction[i] * direction[i];
      ww += weight[i] * weight[i];
    }
    if (!(dd > 0)) {
      throw new ShapeError(
        `${fn}: filter ${o} of the direction is zero (or not finite); draw the direction again`,
      );
    }
    const factor = Math.sqrt(ww / dd);
    for (let i = o * n; i < (o + 1) * n; i++) out[i] *= factor;
  }
  return out;
}

/**
 * `length` independent standard normal values from `seed` (Box-Muller over
 * {@link seededRandom}): the random direction of Li et al. before filter normalisation.
 */
export function gaussianDirection(length: number, seed: number): Float64Array {
  if (!Number.isInteger(length) || length < 0)
    throw new ShapeError(`gaussianDirection: length ${length} must be a non-negative integer`);
  const next = seededRandom(seed);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    out[i] = r * Math.cos(angle);
    if (i + 1 < length) out[i + 1] = r * Math.sin(angle);
  }
  return out;
}
