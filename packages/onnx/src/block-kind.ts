import { dimsOf, type PassContext } from './context.js';
import type { Region } from './regions.js';

/**
 * A guess of the training-time block a region comes from, from its op types and kernel sizes:
 * 'DBB' (average-pool or pad-with-bias branches), 'ACB' (KxK with 1xK and Kx1 branches),
 * 'RepLKNet' (a large KxK, K >= 7, with a smaller square branch), 'MobileOne' (several KxK
 * branches of the same size), 'RepVGG' (KxK with 1x1 and/or identity branches), 'Conv+BN', or
 * 'linear'.
 */
export function blockKind(ctx: PassContext, region: Region): string {
  const nodes = region.ops.map((op) => ctx.index.graph.node[op.node]);
  const types = new Set(nodes.map((n) => n.opType));
  const kernels = nodes
    .filter((n) => n.opType === 'Conv')
    .map((n) => (dimsOf(ctx, n.input[1]) ?? []).slice(2).join('x'));
  const branched = types.has('Add') || types.has('Sum');
  if (types.has('ScatterND') || (types.has('AveragePool') && types.has('Conv') && branched))
    return 'DBB';
  const square = kernels.some((k) => k !== '1x1' && k.split('x')[0] === k.split('x')[1]);
  if (
    branched &&
    square &&
    kernels.some((k) => k.startsWith('1x') && k !== '1x1') &&
    kernels.some((k) => k.endsWith('x1') && k !== '1x1')
  )
    return 'ACB';
  const sides = kernels
    .filter((k) => k !== '1x1' && k.split('x')[0] === k.split('x')[1])
    .map((k) => Number(k.split('x')[0]));
  if (branched && sides.some((k) => k >= 7) && sides.some((k) => k < Math.max(...sides)))
    return 'RepLKNet';
  if (branched && sides.length >= 2 && new Set(sides).size === 1) return 'MobileOne';
  if (branched && square) return 'RepVGG';
  if (types.has('Conv') && types.has('BatchNormalization') && !branched && kernels.length === 1)
    return 'Conv+BN';
  return 'linear';
}
