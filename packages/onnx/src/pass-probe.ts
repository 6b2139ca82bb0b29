import type { TensorKind } from './context.js';
import { denseTensor } from './element-types.js';
import type { GraphIndex } from './graph.js';
import { LINEAR_OP_TYPES } from './linear-ops.js';
import { shapeNodes, sizeOnlyTensors, sizesOf, type TensorSize } from './probe-sizes.js';
import { openSession, type DenseTensor, type ModelSession, type RunOptions } from './ort-run.js';
import type { ModelProto, NodeProto } from './proto.js';
import { encodeModel, withGraphOutputs } from './proto.js';

/**
 * The node outputs the pass reads, which the probe must expose: the graph outputs; the inputs
 * and outputs of every node of a linear op type that reads an activation (dims, parameters, the
 * region boundaries the verification compares); the outputs of nodes computed from constants
 * alone that a node computed from more than constants reads (they are folded into
 * initializers; a constant only other constant nodes read is pruned with them, so its value
 * is never needed); a Dropout's training mode. Not the rest: in a PyTorch export most nodes
 * compute shapes (DBB's pad-with-bias is thousands of them, and its BN-with-pad arithmetic
 * hundreds of constant chains), and fetching each costs onnxruntime more than computing it.
 */
export function passTensors(
  index: GraphIndex,
  kinds: ReadonlyMap<string, TensorKind>,
): Set<string> {
  const out = new Set(index.outputs);
  const add = (names: readonly string[]) => {
    for (const n of names) if (n !== '') out.add(n);
  };
  const folded = (node: NodeProto) =>
    node.opType !== 'Constant' && node.output.every((o) => o === '' || kinds.get(o) === 'const');
  const frontier = (t: string) =>
    index.outputs.has(t) ||
    (index.consumers.get(t) ?? []).some((c) => !folded(index.graph.node[c]));
  for (const node of index.graph.node) {
    const op = node.opType ?? '';
    if (op === 'Constant') continue;
    if (folded(node)) {
      if (node.output.some((o) => o !== '' && frontier(o))) add(node.output);
    } else if (LINEAR_OP_TYPES.has(op) && node.input.some((n) => kinds.get(n) === 'dynamic')) {
      add(node.input);
      add(node.output);
    }
    if (op === 'Dropout') add(node.input.slice(2));
  }
  return out;
}

/**
 * `model` serialized with graph outputs `names` (and `nodes`) added: appended to `bytes` (the
 * model's own encoding) when given, else encoded.
 */
export function withOutputs(
  model: ModelProto,
  names: readonly string[],
  bytes?: Uint8Array,
  nodes: readonly NodeProto[] = [],
): Uint8Array {
  if (bytes !== undefined) return withGraphOutputs(bytes, names, nodes);
  const graph = model.graph!;
  const output = [...graph.output, ...names.map((name) => ({ name }))];
  return encodeModel({ ...model, graph: { ...graph, node: [...graph.node, ...nodes], output } });
}

/**
 * The probe of the pass: runs `model` once on `feeds` with {@link passTensors} exposed and
 * returns their values (with the feeds and the values of Constant nodes, read from the file),
 * or only their sizes for the tensors inside chains of linear ops ({@link sizeOnlyTensors},
 * read through added Shape nodes: copying out every branch's activations cost more than
 * running the network), and the session, left open with every one of them still a graph output:
 * the verification runs the reference model on it again. The caller releases it.
 */
export async function openProbe(
  model: ModelProto,
  index: GraphIndex,
  kinds: ReadonlyMap<string, TensorKind>,
  feeds: Readonly<Record<string, DenseTensor>>,
  options: RunOptions & {
    modelBytes?: Uint8Array;
    /** Tensors to expose beyond {@link passTensors} (what an opset upgrade reads). */
    alsoRead?: ReadonlySet<string>;
  },
): Promise<{
  values: Map<string, DenseTensor>;
  sizes: Map<string, TensorSize>;
  session: ModelSession;
}> {
  const graph = model.graph!;
  const known = new Map<string, DenseTensor>(Object.entries(feeds));
  for (const node of graph.node) {
    const t =
      node.opType === 'Constant' ? node.attribute.find((a) => a.name === 'value')?.t : undefined;
    if (t !== undefined && node.output[0] !== undefined) {
      try {
        known.set(node.output[0], denseTensor(t));
      } catch {
        // a type the runtimes do not exchange: onnxruntime reports it below, or nobody reads it
      }
    }
  }
  const needed = passTensors(index, kinds);
  for (const t of options.alsoRead ?? []) if (t !== '') needed.add(t);
  const fetched = [...needed].filter(
    (t) => index.producer.has(t) && (!known.has(t) || index.outputs.has(t)),
  );
  const declared = new Set(graph.output.map((o) => o.name ?? ''));
  const extra = fetched.filter((t) => !declared.has(t));
  const sized = sizeOnlyTensors(index, kinds, fetched, options.alsoRead ?? new Set());
  const { nodes, shapeOf } = shapeNodes(
    [...sized],
    (n) => index.producer.has(n) || index.inputs.has(n) || index.initializers.has(n),
  );
  const shapes = [...shapeOf.values()];
  const bytes = withOutputs(model, [...extra, ...shapes], options.modelBytes, nodes);
  const session = await openSession(bytes, options, bytes !== options.modelBytes);
  try {
    const values = await session.run(feeds, [...fetched.filter((t) => !sized.has(t)), ...shapes]);
    for (const [name, v] of known) if (!values.has(name)) values.set(name, v);
    const sizes = sizesOf(index, kinds, sized, shapeOf, values);
    for (const s of shapes) values.delete(s);
    // An initializer listed as a graph output: the verification reads every graph output.
    for (const name of index.outputs) {
      const t = index.initializers.get(name);
      if (!values.has(name) && t !== undefined) values.set(name, denseTensor(t));
    }
    return { values, sizes, session };
  } catch (e) {
    await session.release();
    throw e;
  }
}
