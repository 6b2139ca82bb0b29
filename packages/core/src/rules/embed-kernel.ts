import { validateConv } from '../conv.js';
import { ShapeError } from '../errors.js';
import type { Conv, Pair } from '../types.js';
import { windowsOf } from '../_internal/fill-conv.js';
import { materialize } from '../_internal/dense.js';

/**
 * Kernel embedding (transform VI of DBB): a kh x kw kernel placed at the centre of a larger
 * `size` kernel of the same dilation, with the padding grown by `(K - k) / 2 * dilation` per
 * side, computes the same function (the new taps are zero and read what the old padding
 * did not). Embeds 1x1, 1xK and Kx1 kernels in KxK. Exact when `K - k` is even and >= 0.
 * Returns float64.
 */
export function embedKernel(
  conv: Conv,
  size: Pair,
): Conv & { weight: Float64Array; bias: Float64Array } {
  validateConv(conv, 'embedKernel');
  const [rows, cols] = windowsOf(conv);
  const grow = (w: typeof rows, k: number, axis: string) => {
    const extra = k - w.taps;
    if (!Number.isInteger(k) || extra < 0 || extra % 2 !== 0) {
      throw new ShapeError(
        `embedKernel: cannot centre ${w.taps} ${axis} taps in ${k}; the target must be larger by an even number`,
      );
    }
    const side = (extra / 2) * w.dilation;
    return { ...w, taps: k, padBefore: w.padBefore + side, padAfter: w.padAfter + side };
  };
  const rowWindow = grow(rows, size[0], 'vertical');
  const colWindow = grow(cols, size[1], 'horizontal');
  const geometry = {
    ...conv.geometry,
    padding: [
      rowWindow.padBefore,
      colWindow.padBefore,
      rowWindow.padAfter,
      colWindow.padAfter,
    ] as const,
  };
  return materialize({
    shape: [conv.shape[0], conv.shape[1], size[0], size[1]],
    geometry,
    bias: Float64Array.from(conv.bias),
    parts: [{ conv, outOffset: 0 }],
  });
}
