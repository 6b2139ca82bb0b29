import { ShapeError } from '../errors.js';
import { pad, sequence, sum, type Expr } from '../expr.js';
import { checkChannels, convBn, type KernelBlockShape, type ConvBnWeights } from './conv-bn.js';

/** Named weights of an asymmetric convolution block. */
export interface ACBWeights extends KernelBlockShape {
  /** `[out, in/groups, K, K]` + BN. */
  square: ConvBnWeights;
  /** `[out, in/groups, 1, K]` + BN. */
  horizontal: ConvBnWeights;
  /** `[out, in/groups, K, 1]` + BN. */
  vertical: ConvBnWeights;
}

/**
 * ACNet's asymmetric convolution block (Ding et al., ICCV 2019): `BN(KxK) + BN(1xK) + BN(Kx1)`
 * with the 1xK and Kx1 windows centred on the KxK one. With padding `p < K/2` the thin kernels
 * read a cropped input (crop `K/2 - p` rows or columns), as ACNet's crop layer does.
 */
export function acb(w: ACBWeights): Expr {
  const k = w.kernelSize;
  if (!Number.isInteger(k) || k < 1 || k % 2 === 0)
    throw new ShapeError(`acb: kernelSize ${k} must be odd`);
  const groups = w.groups ?? 1;
  const stride = w.stride ?? 1;
  const p = w.padding ?? k >> 1;
  checkChannels('acb', w.inChannels, w.outChannels, groups);
  const cin = w.inChannels / groups;
  const shift = p - (k >> 1);
  const thin = (
    branch: ConvBnWeights,
    name: string,
    kh: number,
    kw: number,
    vertical: boolean,
  ): Expr => {
    // Along the thin axis the window is 1 tap: pad (or crop) by p - K/2 to stay centred.
    const padding = vertical
      ? [p, Math.max(shift, 0), p, Math.max(shift, 0)]
      : [Math.max(shift, 0), p, Math.max(shift, 0), p];
    const node = convBn('acb', name, branch, [w.outChannels, cin, kh, kw], {
      stride,
      groups,
      padding: padding as [number, number, number, number],
    });
    if (shift >= 0) return node;
    const crop = vertical ? [0, shift, 0, shift] : [shift, 0, shift, 0];
    return sequence(pad(crop as [number, number, number, number]), node);
  };
  return sum(
    convBn('acb', 'square', w.square, [w.outChannels, cin, k, k], { stride, padding: p, groups }),
    thin(w.horizontal, 'horizontal', 1, k, false),
    thin(w.vertical, 'vertical', k, 1, true),
  );
}
