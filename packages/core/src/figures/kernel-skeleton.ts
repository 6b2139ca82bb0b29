import { ShapeError } from '../errors.js';
import type { Conv } from '../types.js';

/** An OIHW kernel and its shape (a {@link Conv} is one). */
export type Kernel = Pick<Conv, 'shape' | 'weight'>;

/** The average kernel magnitude per spatial position; see {@link kernelSkeleton}. */
export interface KernelSkeleton {
  /** `[kh, kw]` of the kernels. */
  readonly size: readonly [number, number];
  /** `kh * kw` values, row-major, each in [0, 1]. */
  readonly values: Float64Array;
  /** How many kernels were averaged. */
  readonly layers: number;
}

/** Checks that `weight` has the entries `shape` asks for; returns the entry count. */
export function checkKernel(fn: string, k: Kernel, what = 'kernel'): number {
  const size = k.shape.reduce((a, b) => a * b, 1);
  if (!k.shape.every((v) => Number.isInteger(v) && v > 0) || k.weight.length !== size) {
    throw new ShapeError(
      `${fn}: ${what} has ${k.weight.length} entries for shape [${k.shape.join(', ')}] (${size}); pass an OIHW weight of that shape`,
    );
  }
  return size;
}

/**
 * ACNet's kernel skeleton (Ding et al., ICCV 2019, Sec. 4.4): for each kernel, the mean of
 * `|W[o, i, u, v]|` over `o, i` at every position `(u, v)`, divided by its largest position, then
 * averaged over the kernels. A plain conv's 3x3 skeleton is flat-ish; an ACB model's (after
 * fusion) has a strong middle row and column. All kernels must have the same `kh x kw`; a kernel
 * that is zero everywhere has no largest position and is refused.
 */
export function kernelSkeleton(kernels: readonly Kernel[]): KernelSkeleton {
  const fn = 'kernelSkeleton';
  if (kernels.length === 0)
    throw new ShapeError(`${fn}: no kernels given; pass the OIHW kernels of the KxK layers`);
  const [kh, kw] = [kernels[0].shape[2], kernels[0].shape[3]];
  const taps = kh * kw;
  const values = new Float64Array(taps);
  kernels.forEach((k, layer) => {
    const size = checkKernel(fn, k, `kernel ${layer}`);
    if (k.shape[2] !== kh || k.shape[3] !== kw) {
      throw new ShapeError(
        `${fn}: kernel ${layer} is ${k.shape[2]}x${k.shape[3]}, kernel 0 is ${kh}x${kw}; pass kernels of one size`,
      );
    }
    const sums = new Float64Array(taps);
    for (let i = 0; i < size; i++) sums[i % taps] += Math.abs(k.weight[i]);
    const largest = Math.max(...sums);
    if (!(largest > 0))
      throw new ShapeError(`${fn}: kernel ${layer} is zero everywhere; it has no skeleton`);
    for (let t = 0; t < taps; t++) values[t] += sums[t] / largest / kernels.length;
  });
  return { size: [kh, kw], values, layers: kernels.length };
}
