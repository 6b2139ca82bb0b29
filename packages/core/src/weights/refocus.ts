import { conv2dReference } from '../conv2d-reference.js';
import { ShapeError } from '../errors.js';
import { fmt } from '../geometry.js';
import type { Floats } from '../types.js';

/** Arguments of {@link refocus}. */
export interface RefocusWeights {
  /** Frozen pretrained base kernel W_b, OIHW `[out, in/groups, k, k]`. */
  base: Floats;
  shape: readonly [number, number, number, number];
  /** Groups of the conv that W_b belongs to. */
  groups: number;
  /** Learned refocusing kernel W_r, `[out*in/groups, groups, mapK, mapK]`. */
  refocus: Floats;
  mapKernelSize: number;
}

/**
 * RefConv's refocusing transformation (Cai et al., 2023): `W_t = W_b + W_b * W_r`. The base
 * kernel is viewed as a one-image map with `out*in/groups` channels of size k x k and convolved
 * with W_r (groups `in*out/groups^2`, padding `mapK/2`), so each refocused 2-D kernel mixes
 * `groups` base kernels: one for a dense conv, all channels for a depthwise one. Exact by
 * definition; the result is the kernel of an ordinary conv. Returns float64 OIHW.
 */
export function refocus(w: RefocusWeights): Float64Array {
  const [o, ipg, kh, kw] = w.shape;
  const m = w.mapKernelSize;
  const maps = o * ipg;
  const g = w.groups;
  if (!Number.isInteger(m) || m < 1 || m % 2 === 0)
    throw new ShapeError(`refocus: mapKernelSize ${m} must be odd`);
  if (w.base.length !== maps * kh * kw)
    throw new ShapeError(
      `refocus: base has ${w.base.length} entries, shape ${fmt(w.shape)} needs ${maps * kh * kw}`,
    );
  if (!Number.isInteger(g) || g < 1 || o % g !== 0)
    throw new ShapeError(`refocus: groups ${g} must divide out channels ${o}`);
  if (w.refocus.length !== maps * g * m * m) {
    throw new ShapeError(
      `refocus: refocus kernel has ${w.refocus.length} entries, expected [${maps}, ${g}, ${m}, ${m}] = ${maps * g * m * m}`,
    );
  }
  const p = m >> 1;
  const refocused = conv2dReference(
    { shape: [1, maps, kh, kw], data: Float64Array.from(w.base) },
    {
      shape: [maps, g, m, m],
      weight: w.refocus,
      bias: new Float64Array(maps),
      geometry: { stride: [1, 1], padding: [p, p, p, p], dilation: [1, 1], groups: maps / g },
    },
  );
  return refocused.data.map((v, i) => v + w.base[i]);
}
