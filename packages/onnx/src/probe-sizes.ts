import type { TensorKind } from './context.js';
import type { GraphIndex } from './graph.js';
import { LINEAR_OP_TYPES } from './linear-ops.js';
import type { DenseTensor } from './ort-run.js';
import type { NodeProto } from './proto.js';

/** The dims and element type of a tensor on the probe input, without its values. */
export interface TensorSize {
  readonly dims: readonly number[];
  /** onnxruntime's type name ('float32', ...). */
  readonly type: string;
}

/**
 * Of the tensors the probe fetches, those whose dims and type are all the pass reads: the first
 * output of a linear-op node (Conv, BatchNormalization, Add, ...) read only by linear-op nodes,
 * inside a chain of them (the branches of a training-form block), not a graph output nor in
 * `keep`. Region boundaries are read or produced by other ops, so they keep their values (the
 * verification's first sample); a boundary cut inside a chain is fetched again by it.
 */
export function sizeOnlyTensors(
  index: GraphIndex,
  kinds: ReadonlyMap<string, TensorKind>,
  fetched: readonly string[],
  keep: ReadonlySet<string>,
): Set<string> {
  const linear = (i: number) => {
    const n = index.graph.node[i];
    return LINEAR_OP_TYPES.has(n.opType ?? '') && (n.domain ?? '') === '';
  };
  const out = new Set<string>();
  for (const t of fetched) {
    const p = index.producer.get(t);
    const readers = index.consumers.get(t) ?? [];
    if (
      p !== undefined &&
      kinds.get(t) === 'dynamic' &&
      index.graph.node[p].output[0] === t &&
      linear(p) &&
      readers.length > 0 &&
      readers.every(linear) &&
      !index.outputs.has(t) &&
      !keep.has(t)
    )
      out.add(t);
  }
  return out;
}

/**
 * A Shape node per tensor of `names` (outputs named apart from every tensor of the graph): the
 * probe fetches these few int64 values instead of the tensors.
 */
export function shapeNodes(
  names: readonly string[],
  taken: (name: string) => boolean,
): { nodes: NodeProto[]; shapeOf: Map<string, string> } {
  const shapeOf = new Map<string, string>();
  let k = 0;
  const nodes = names.map((t) => {
    let out: string;
    do out = `reparam_probe_shape_${k++}`;
    while (taken(out));
    shapeOf.set(t, out);
    return { name: out, opType: 'Shape', domain: '', input: [t], output: [out], attribute: [] };
  });
  return { nodes, shapeOf };
}

/**
 * The sizes of `sized` tensors from their fetched Shape values; the element type is that of the
 * producer's first activation input, as every linear op type's output has its data input's type
 * (ONNX type constraint T), walked in graph order from tensors with values.
 */
export function sizesOf(
  index: GraphIndex,
  kinds: ReadonlyMap<string, TensorKind>,
  sized: ReadonlySet<string>,
  shapeOf: ReadonlyMap<string, string>,
  values: ReadonlyMap<string, DenseTensor>,
): Map<string, TensorSize> {
  const sizes = new Map<string, TensorSize>();
  for (const i of index.order) {
    const node = index.graph.node[i];
    const t = node.output[0];
    if (t === undefined || !sized.has(t)) continue;
    const from = node.input.find((n) => kinds.get(n) === 'dynamic');
    const type = from === undefined ? undefined : (values.get(from)?.type ?? sizes.get(from)?.type);
    const shape = values.get(shapeOf.get(t) ?? '');
    if (type === undefined || shape === undefined) continue;
    sizes.set(t, { dims: Array.from(shape.data, Number), type });
  }
  return sizes;
}
