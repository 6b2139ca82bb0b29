import { OnnxFormatError } from './errors.js';
import type { GraphProto, NodeProto, TensorProto } from './proto.js';

/** Who produces and who reads each tensor of a graph, and the nodes in a topological order. */
export interface GraphIndex {
  readonly graph: GraphProto;
  /** tensor name -> index of the node that produces it. */
  readonly producer: ReadonlyMap<string, number>;
  /** tensor name -> indices of the nodes that read it. */
  readonly consumers: ReadonlyMap<string, readonly number[]>;
  readonly initializers: ReadonlyMap<string, TensorProto>;
  readonly inputs: ReadonlySet<string>;
  readonly outputs: ReadonlySet<string>;
  /** Node indices, each after every node it reads from. */
  readonly order: readonly number[];
}

/** A readable name for a node in messages: its name, else `op_type#index`. */
export const nodeLabel = (node: NodeProto, index: number): string =>
  node.name !== undefined && node.name !== '' ? node.name : `${node.opType ?? '?'}#${index}`;

/**
 * Indexes a graph and checks that it is well formed: every input is produced exactly once (by a
 * node, a graph input or an initializer), graph outputs exist, and there is no cycle.
 * Throws {@link OnnxFormatError} naming the node and tensor otherwise.
 */
export function indexGraph(graph: GraphProto): GraphIndex {
  const initializers = new Map<string, TensorProto>();
  for (const t of graph.initializer) initializers.set(t.name ?? '', t);
  const inputs = new Set(graph.input.map((v) => v.name ?? ''));
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  graph.node.forEach((node, i) => {
    for (const out of node.output) {
      if (out === '') continue;
      if (producer.has(out) || inputs.has(out) || initializers.has(out)) {
        throw new OnnxFormatError(
          `indexGraph: tensor '${out}' of node ${nodeLabel(node, i)} is defined more than once`,
        );
      }
      producer.set(out, i);
    }
  });
  graph.node.forEach((node, i) => {
    for (const name of node.input) {
      if (name === '') continue;
      if (!producer.has(name) && !inputs.has(name) && !initializers.has(name)) {
        throw new OnnxFormatError(
          `indexGraph: node ${nodeLabel(node, i)} reads '${name}', which no node, graph input or initializer provides`,
        );
      }
      const list = consumers.get(name) ?? [];
      if (!list.includes(i)) list.push(i);
      consumers.set(name, list);
    }
  });
  const outputs = new Set(graph.output.map((v) => v.name ?? ''));
  for (const o of outputs) {
    if (!producer.has(o) && !inputs.has(o) && !initializers.has(o)) {
      throw new OnnxFormatError(`indexGraph: graph output '${o}' is not produced by any node`);
    }
  }
  return {
    graph,
    producer,
    consumers,
    initializers,
    inputs,
    outputs,
    order: topologicalOrder(graph, producer),
  };
}

function topologicalOrder(graph: GraphProto, producer: ReadonlyMap<string, number>): number[] {
  const n = graph.node.length;
  const pending = new Array<number>(n).fill(0);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  graph.node.forEach((node, i) => {
    const from = new Set<number>();
    for (const name of node.input) {
      const p = producer.get(name);
      if (p !== undefined) from.add(p);
    }
    for (const p of from) dependents[p].push(i);
    pending[i] = from.size;
  });
  const order: number[] = [];
  const ready = pending.flatMap((c, i) => (c === 0 ? [i] : []));
  for (let k = 0; k < ready.length; k++) {
    const i = ready[k];
    order.push(i);
    for (const d of dependents[i]) if (--pending[d] === 0) ready.push(d);
  }
  if (order.length < n) {
    const stuck = pending.findIndex((c) => c > 0);
    throw new OnnxFormatError(
      `indexGraph: the graph has a cycle through node ${nodeLabel(graph.node[stuck], stuck)}`,
    );
  }
  return order;
}
