import { ShapeError } from '../errors.js';
import { sum, type Expr } from '../expr.js';
import { checkChannels, convBn, type ConvBnWeights } from './conv-bn.js';

/** Named weights of a RepLKNet large-kernel conv with its small-kernel companion. */
export interface LargeKernelWeights {
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  smallKernelSize: number;
  stride?: number;
  groups?: number;
  /** `[out, in/groups, K, K]` + BN, padding K/2. */
  large: ConvBnWeights;
  /** `[out, in/groups, k, k]` + BN, padding k/2. */
  small: ConvBnWeights;
}

/** RepLKNet's re-parameterized large kernel (Ding et al., CVPR 2022): `BN(KxK(x)) + BN(kxk(x))`, k < K both odd. */
export function largeKernel(w: LargeKernelWeights): Expr {
  const { kernelSize: k, smallKernelSize: s } = w;
  if (k % 2 === 0 || s % 2 === 0 || s > k) {
    throw new ShapeError(`largeKernel: kernel sizes ${k} and ${s} must be odd with small <= large`);
  }
  const groups = w.groups ?? 1;
  const stride = w.stride ?? 1;
  checkChannels('largeKernel', w.inChannels, w.outChannels, groups);
  const cin = w.inChannels / groups;
  return sum(
    convBn('largeKernel', 'large', w.large, [w.outChannels, cin, k, k], {
      stride,
      padding: k >> 1,
      groups,
    }),
    convBn('largeKernel', 'small', w.small, [w.outChannels, cin, s, s], {
      stride,
      padding: s >> 1,
      groups,
    }),
  );
}
