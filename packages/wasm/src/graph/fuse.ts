import type { Conv } from '@reparam/core';
import type { DeployGraph, GraphNode, NodeOf } from './ir.js';
import type { Shapes } from './shapes.js';

/** A node of the fused graph and the names of the source nodes it stands for. */
export type FusedNode = GraphNode & { readonly sources: readonly string[] };

const same = (a: readonly number[] | undefined, b: readonly number[] | undefined) =>
  a !== undefined && b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);

/** conv then y * scale[o] + shift[o]: the same conv with scaled weights and bias (float64, rounded once). */
function foldAffine(conv: Conv, affine: NodeOf<'channelAffine'>): Conv {
  const [o] = conv.shape;
  const per = conv.weight.length / o;
  const weight = new Float32Array(conv.weight.length);
  const bias = new Float32Array(o);
  for (let c = 0; c < o; c++) {
    const s = affine.scale[affine.scale.length === 1 ? 0 : c];
    const t = affine.shift[affine.shift.length === 1 ? 0 : c];
    for (let k = c * per; k < (c + 1) * per; k++) weight[k] = conv.weight[k] * s;
    bias[c] = conv.bias[c] * s + t;
  }
  return { ...conv, weight, bias };
}

/**
 * Fuses what the kernels' epilogues can do into the producing node: a per-channel affine map
 * (batch-norm) into the conv before it, an Add of two equal-shape tensors into the conv that
 * produces one of them (the other becomes its residual), an activation into the conv, dense or
 * add before it. A node is fused into its producer only when it is that value's one consumer
 * and the value is not a graph output. The fused node takes the later node's place in the
 * order, so every input it reads is computed before it.
 */
export function fuseGraph(graph: DeployGraph, shapes: Shapes): FusedNode[] {
  const consumers = new Map<string, number>();
  const use = (v: string, k = 1) => consumers.set(v, (consumers.get(v) ?? 0) + k);
  for (const n of graph.nodes) for (const i of n.inputs) use(i);
  for (const o of graph.outputs) use(o, 2);
  const nodes: (FusedNode | null)[] = graph.nodes.map((n) => ({ ...n, sources: [n.name] }));
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => producer.set(n!.output, i));
  /** The index of the node producing `value` when it can absorb one more step. */
  const absorber = (value: string): number | undefined => {
    const at = producer.get(value);
    return at !== undefined && consumers.get(value) === 1 ? at : undefined;
  };
  const replace = (from: number, to: number, node: FusedNode) => {
    nodes[from] = null;
    nodes[to] = node;
    producer.set(node.output, to);
  };
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    const merged = (p: FusedNode, fields: object, inputs = p.inputs) =>
      ({
        ...p,
        ...fields,
        inputs,
        output: node.output,
        sources: [...p.sources, ...node.sources],
      }) as FusedNode;
    if (node.op === 'channelAffine') {
      const at = absorber(node.inputs[0]);
      const p = at === undefined ? undefined : nodes[at]!;
      if (p?.op === 'conv' && p.activation === undefined && p.inputs.length === 1) {
        if (node.rank === undefined || node.rank === 4)
          replace(at!, i, merged(p, { conv: foldAffine(p.conv, node) }));
      }
    } else if (node.op === 'activation') {
      const at = absorber(node.inputs[0]);
      const p = at === undefined ? undefined : nodes[at]!;
      if (
        (p?.op === 'conv' || p?.op === 'dense' || p?.op === 'add') &&
        p.activation === undefined
      ) {
        replace(at!, i, merged(p, { activation: node.activation }));
      }
    } else if (node.op === 'add' && node.inputs.length === 2 && node.activation === undefined) {
      const [a, b] = node.inputs;
      if (a !== b && same(shapes.get(a), shapes.get(b))) {
        const candidates = [a, b]
          .map((v) => ({ v, at: absorber(v) }))
          .filter(({ at }) => {
            const p = at === undefined ? undefined : nodes[at];
            return p?.op === 'conv' && p.activation === undefined && p.inputs.length === 1;
          })
          .sort((x, y) => y.at! - x.at!);
        const pick = candidates[0];
        if (pick !== undefined) {
          const p = nodes[pick.at!]!;
          const residual = pick.v === a ? b : a;
          replace(pick.at!, i, merged(p, {}, [p.inputs[0], residual]));
        }
      }
    }
  }
  return nodes.filter((n): n is FusedNode => n !== null);
}
