import { elementTypeNamed } from './element-types.js';
import { allNodes, nodeReads } from './graph.js';
import type { DenseTensor } from './ort-run.js';
import type { TensorFacts } from './opset-step.js';
import type { GraphProto, NodeProto, TensorProto, ValueInfoProto } from './proto.js';
import { tensorValues } from './tensor.js';

/** Largest constant whose values the upgrade reads (scales, per-group scale and bias). */
const MAX_READ_ELEMENTS = 4096;

/** Ops whose (first) output has the element type of their first input. */
const SAME_TYPE = new Set(
  [
    'Abs Add AveragePool BatchNormalization Clip Concat Conv ConvTranspose DepthToSpace Div',
    'Dropout Elu Erf Exp Expand Flatten Gather Gelu Gemm GlobalAveragePool GlobalMaxPool',
    'HardSigmoid HardSwish Hardmax Identity InstanceNormalization LRN LeakyRelu Log LogSoftmax',
    'MatMul Max MaxPool Mean Min Mul Neg PRelu Pad Pow ReduceL1 ReduceL2 ReduceMax ReduceMean',
    'ReduceMin ReduceProd ReduceSum ReduceSumSquare Relu Reshape Resize Selu Sigmoid Slice',
    'Softmax Softplus Softsign SpaceToDepth Split Sqrt Squeeze Sub Sum Tanh Tile Transpose',
    'Unsqueeze Upsample',
  ]
    .join(' ')
    .split(' '),
);

/** Every graph of a graph: itself and its subgraphs, at any depth. */
function* graphsOf(graph: GraphProto): Generator<GraphProto> {
  yield graph;
  for (const node of graph.node)
    for (const a of node.attribute)
      for (const g of [a.g, ...a.graphs]) if (g !== undefined) yield* graphsOf(g);
}

/** Every name a model uses: tensors and nodes of every graph. */
export function namesOf(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const g of graphsOf(graph)) {
    for (const v of [...g.input, ...g.output, ...g.valueInfo]) names.add(v.name ?? '');
    for (const t of g.initializer) names.add(t.name ?? '');
    for (const n of g.node) for (const x of [n.name ?? '', ...n.input, ...n.output]) names.add(x);
  }
  return names;
}

/** Names read by a node (at any depth) or listed as an output of any graph. */
export function usedNames(graph: GraphProto): Set<string> {
  const used = new Set<string>();
  for (const g of graphsOf(graph)) for (const o of g.output) used.add(o.name ?? '');
  for (const node of allNodes(graph)) for (const x of nodeReads(node)) used.add(x);
  return used;
}

function declaredFacts(v: ValueInfoProto): TensorFacts {
  const t = v.type?.tensorType;
  const dims = t?.shape?.dim;
  const fixed =
    dims !== undefined && dims.every((d) => d.dimParam === undefined && d.dimValue !== undefined);
  return { elemType: t?.elemType, dims: fixed ? dims.map((d) => d.dimValue!) : undefined };
}

/** A stored tensor's dims, type and (when small) values. */
export function tensorFacts(t: TensorProto): TensorFacts {
  const count = t.dims.reduce((a, d) => a * d, 1);
  let values: Float64Array | undefined;
  try {
    values = count <= MAX_READ_ELEMENTS ? tensorValues(t) : undefined;
  } catch {
    values = undefined; // strings, exotic types
  }
  return { dims: t.dims, elemType: t.dataType, values };
}

function constantFacts(node: NodeProto): TensorFacts | undefined {
  const a = node.attribute.find((x) => x.name?.startsWith('value'));
  if (a?.t !== undefined) return tensorFacts(a.t);
  if (a?.name === 'value_float') return { dims: [], elemType: 1, values: [a.f ?? 0] };
  if (a?.name === 'value_floats') return { dims: [a.floats.length], elemType: 1, values: a.floats };
  if (a?.name === 'value_int') return { dims: [], elemType: 7, values: [a.i ?? 0] };
  if (a?.name === 'value_ints') return { dims: [a.ints.length], elemType: 7, values: a.ints };
  return undefined;
}

/**
 * What is known of each tensor of a model: `given` facts first (a run's dims and values), then
 * declared types and fixed dims, initializers and Constant nodes (values of small ones), and
 * element types carried through ops that keep their input's type.
 */
export function modelFacts(
  graph: GraphProto,
  given?: (name: string) => TensorFacts | undefined,
): (name: string) => TensorFacts {
  const declared = new Map<string, TensorFacts>();
  const producers = new Map<string, NodeProto>();
  for (const g of graphsOf(graph)) {
    for (const v of [...g.input, ...g.output, ...g.valueInfo])
      declared.set(v.name ?? '', declaredFacts(v));
    for (const t of g.initializer) declared.set(t.name ?? '', tensorFacts(t));
    for (const n of g.node) {
      for (const o of n.output) producers.set(o, n);
      const c = n.opType === 'Constant' ? constantFacts(n) : undefined;
      if (c !== undefined && n.output[0] !== undefined) declared.set(n.output[0], c);
    }
  }
  const facts = (name: string, depth: number): TensorFacts => {
    const a = given?.(name) ?? {};
    const b = declared.get(name) ?? {};
    let elemType = a.elemType ?? b.elemType;
    const p = producers.get(name);
    if (elemType === undefined && p !== undefined && depth < 1000) {
      if (p.opType === 'Cast') elemType = p.attribute.find((x) => x.name === 'to')?.i;
      else if (SAME_TYPE.has(p.opType ?? '') && p.output[0] === name)
        elemType = facts(p.input[0] ?? '', depth + 1).elemType;
    }
    return { dims: a.dims ?? b.dims, elemType, values: a.values ?? b.values };
  };
  return (name) => facts(name, 0);
}

/** Facts from a run's values (the probe): dims, element type, and the values of small tensors. */
export const runFacts =
  (values: ReadonlyMap<string, DenseTensor>) =>
  (name: string): TensorFacts | undefined => {
    const v = values.get(name);
    return v === undefined
      ? undefined
      : {
          dims: v.dims,
          elemType: elementTypeNamed(v.type)?.code,
          values: v.data.length <= MAX_READ_ELEMENTS ? v.data : undefined,
        };
  };
