import { ShapeError } from '@reparam/core';

/**
 * A block's padding option: `padding` if given (0 <= p <= K/2), else K/2. Below K/2 the block's
 * thin branches read a cropped input (ACNet's crop layer), which core's `acb` merges exactly.
 */
export function blockPadding(fn: string, padding: number | undefined, kernelSize: number): number {
  const half = kernelSize >> 1;
  const p = padding ?? half;
  if (!Number.isInteger(p) || p < 0 || p > half)
    throw new ShapeError(`${fn}: padding ${p} must be an integer from 0 to kernelSize/2 = ${half}`);
  return p;
}
