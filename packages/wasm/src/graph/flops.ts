import type { DeployGraph } from './ir.js';
import type { Shapes } from './shapes.js';

/**
 * Floating-point operations of one run as direct convolution counts them: 2 per multiply-add of
 * every conv and dense node (Winograd's savings do not count), at the dims in `shapes`.
 */
export function graphFlops(graph: DeployGraph, shapes: Shapes): number {
  let flops = 0;
  for (const node of graph.nodes) {
    const out = shapes.get(node.output)!;
    const size = out.reduce((a, b) => a * b, 1);
    if (node.op === 'conv') {
      const [, ig, kh, kw] = node.conv.shape;
      flops += 2 * size * ig * kh * kw;
    } else if (node.op === 'dense') {
      flops += (2 * size * node.weight.length) / node.bias.length;
    }
  }
  return flops;
}
