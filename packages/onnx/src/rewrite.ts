import type { Conv } from '@reparam/core';
import { attribute } from './builder.js';
import { nodeReads } from './graph.js';
import type { PassContext } from './context.js';
import type { Rewrite } from './plan.js';
import type { GraphProto, NodeProto, TensorProto } from './proto.js';
import { floatTensor, rawTensor, DataType } from './tensor.js';

/** Largest constant-subgraph result folded into an initializer, in elements. */
export const MAX_FOLD_ELEMENTS = 2 ** 24;

/**
 * Returns a new graph where each rewrite's nodes are replaced by one Conv (reading `from`,
 * writing `to`, so graph outputs and downstream names are unchanged), constant subgraphs are
 * folded to initializers (values from the probe), and dead nodes and initializers are removed.
 * Inputs, outputs, names and value infos of surviving tensors are kept.
 */
export function rewriteGraph(ctx: PassContext, rewrites: readonly Rewrite[]): GraphProto {
  const graph = ctx.index.graph;
  const taken = new Set<string>([
    ...ctx.index.initializers.keys(),
    ...ctx.index.producer.keys(),
    ...ctx.index.inputs,
  ]);
  const unique = (base: string) => {
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };
  const replaced = new Map<number, NodeProto | null>();
  const added: TensorProto[] = [];
  for (const r of rewrites) {
    const w = unique(`${r.to}.reparam.weight`);
    const b = unique(`${r.to}.reparam.bias`);
    added.push(
      floatTensor(w, r.conv.shape, r.conv.weight),
      floatTensor(b, [r.conv.shape[0]], r.conv.bias),
    );
    const last = r.nodes[r.nodes.length - 1];
    for (const k of r.nodes) replaced.set(k, null);
    replaced.set(last, convNode(r.name, r.from, w, b, r.to, r.conv));
  }
  let nodes: NodeProto[] = [];
  for (const i of ctx.index.order) {
    const node = graph.node[i];
    const r = replaced.get(i);
    if (r === null) continue;
    nodes.push(r ?? foldable(ctx, node, added) ?? node);
  }
  nodes = nodes.filter((n) => n.opType !== '__folded__');
  return prune({ ...graph, node: nodes, initializer: [...graph.initializer, ...added] });
}

function convNode(name: string, x: string, w: string, b: string, y: string, c: Conv): NodeProto {
  const g = c.geometry;
  return {
    name,
    opType: 'Conv',
    domain: '',
    input: [x, w, b],
    output: [y],
    attribute: [
      attribute('dilations', [...g.dilation]),
      attribute('group', g.groups),
      attribute('kernel_shape', [c.shape[2], c.shape[3]]),
      attribute('pads', [...g.padding]),
      attribute('strides', [...g.stride]),
    ],
  };
}

/** A computed constant node (not a Constant) becomes initializers for its outputs. */
function foldable(ctx: PassContext, node: NodeProto, added: TensorProto[]): NodeProto | undefined {
  if (
    node.opType === 'Constant' ||
    node.output.some((o) => o !== '' && ctx.kinds.get(o) !== 'const')
  )
    return undefined;
  const tensors: TensorProto[] = [];
  for (const o of node.output) {
    if (o === '') continue;
    const v = ctx.values.get(o);
    if (v === undefined || v.data.length > MAX_FOLD_ELEMENTS || ctx.index.outputs.has(o))
      return undefined;
    const type = {
      float32: DataType.FLOAT,
      int64: DataType.INT64,
      int32: DataType.INT32,
      bool: DataType.BOOL,
      float64: DataType.DOUBLE,
      uint8: DataType.UINT8,
      int8: DataType.INT8,
    }[v.type];
    if (type === undefined) return undefined;
    const bytes =
      v.data instanceof Float64Array && type === DataType.FLOAT
        ? new Uint8Array(Float32Array.from(v.data).buffer)
        : new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength).slice();
    tensors.push(rawTensor(o, v.dims, type, bytes));
  }
  added.push(...tensors);
  return { ...node, opType: '__folded__', input: [], output: [], attribute: [] };
}

/**
 * Removes nodes whose outputs nobody reads and initializers nobody reads (with their graph input
 * entry, where an initializer is also listed as an input); keeps the other inputs and outputs.
 */
export function prune(graph: GraphProto): GraphProto {
  const needed = new Set(graph.output.map((o) => o.name ?? ''));
  const keep: boolean[] = new Array<boolean>(graph.node.length).fill(false);
  for (let i = graph.node.length - 1; i >= 0; i--) {
    const node = graph.node[i];
    if (node.output.some((o) => needed.has(o))) {
      keep[i] = true;
      for (const x of nodeReads(node)) needed.add(x);
    }
  }
  const nodes = graph.node.filter((_, i) => keep[i]);
  const produced = new Set(nodes.flatMap((n) => n.output));
  const initializer = graph.initializer.filter((t) => needed.has(t.name ?? ''));
  const inits = new Set(initializer.map((t) => t.name ?? ''));
  const dropped = new Set(graph.initializer.map((t) => t.name ?? '').filter((n) => !inits.has(n)));
  const input = graph.input.filter((v) => !dropped.has(v.name ?? ''));
  const valueInfo = graph.valueInfo.filter(
    (v) => produced.has(v.name ?? '') || inits.has(v.name ?? ''),
  );
  return { ...graph, node: nodes, initializer, input, valueInfo };
}
