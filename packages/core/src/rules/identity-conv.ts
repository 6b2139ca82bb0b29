import { ShapeError } from '../errors.js';
import type { Conv } from '../types.js';

/**
 * The identity as a KxK conv with `groups` groups: weight `[C, C/groups, K, K]` that is 1 at
 * `[i, i mod (C/groups), K/2, K/2]` and 0 elsewhere, padding K/2 on every side (RepVGG, Ding et
 * al. 2021, Sec. 3.3). Exact for odd K and any groups dividing C. Returns float64.
 */
export function identityConv(
  channels: number,
  kernelSize = 1,
  groups = 1,
): Conv & { weight: Float64Array; bias: Float64Array } {
  if (!Number.isInteger(channels) || channels < 1)
    throw new ShapeError(`identityConv: channels ${channels} must be a positive integer`);
  if (!Number.isInteger(kernelSize) || kernelSize < 1 || kernelSize % 2 === 0) {
    throw new ShapeError(
      `identityConv: kernel size ${kernelSize} must be odd so the identity tap is centred`,
    );
  }
  if (!Number.isInteger(groups) || groups < 1 || channels % groups !== 0) {
    throw new ShapeError(`identityConv: groups ${groups} must divide channels ${channels}`);
  }
  const perGroup = channels / groups;
  const k2 = kernelSize * kernelSize;
  const centre = (kernelSize >> 1) * kernelSize + (kernelSize >> 1);
  const weight = new Float64Array(channels * perGroup * k2);
  for (let i = 0; i < channels; i++) weight[(i * perGroup + (i % perGroup)) * k2 + centre] = 1;
  const p = kernelSize >> 1;
  return {
    shape: [channels, perGroup, kernelSize, kernelSize],
    weight,
    bias: new Float64Array(channels),
    geometry: { stride: [1, 1], padding: [p, p, p, p], dilation: [1, 1], groups },
  };
}
