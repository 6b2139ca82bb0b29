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
 * Every tensor name a node reads: its inputs, then the names its subgraphs (If branches, Loop
 * bodies) read from the enclosing scopes, at any depth. Empty names (absent inputs) are skipped.
 */
export function nodeReads(node: NodeProto): string[] {
  const out = new Set(node.input.filter((n) => n !== ''));
  for (const a of node.attribute)
    for (const g of [a.g, ...a.graphs]) if (g !== undefined) outerReads(g, out);
  return [...out];
}

/** Every node of a graph and of its subgraphs (If branches, Loop bodies), at any depth. */
export function* allNodes(graph: GraphProto): Generator<NodeProto> {
  for (const node of graph.node) {
    yield node;
    for (const a of node.attribute)
      for (const g of [a.g, ...a.graphs]) if (g !== undefined) yield* allNodes(g);
  }
}

/** Adds to `out` the names `graph` reads but does not define itself. */
function outerReads(graph: GraphProto, out: Set<string>): void {
  const defined = new Set<string>([
    ...graph.input.map((v) => v.name ?? ''),
    ...graph.initializer.map((t) => t.name ?? ''),
    ...graph.node.flatMap((n) => n.output),
  ]);
  for (const node of graph.node)
    for (const name of nodeReads(node)) if (!defined.has(name)) out.add(name);
  for (const o of graph.output) if (!defined.has(o.name ?? '')) out.add(o.name ?? '');
}

/**
 * Indexes a graph and checks that it is well formed: every input is produced exactly once (by a
 * node, a graph input or an initializer), graph outputs exist, and there is no cycle. A node
 * with subgraphs reads (and depends on) what its subgraphs read from this graph.
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
  const reads = graph.node.map(nodeReads);
  graph.node.forEach((node, i) => {
    for (const name of reads[i]) {
      if (!producer.has(name) && !inputs.has(name) && !initializers.has(name)) {
        const where = node.input.includes(name) ? '' : ' in a subgraph';
        throw new OnnxFormatError(
          `indexGraph: node ${nodeLabel(node, i)} reads '${name}'${where}, which no node, graph input or initializer provides`,
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
    order: topologicalOrder(graph, producer, reads),
  };
}

function topologicalOrder(
  graph: GraphProto,
  producer: ReadonlyMap<string, number>,
  reads: readonly (readonly string[])[],
): number[] {
  const n = graph.node.length;
  const pending = new Array<number>(n).fill(0);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  reads.forEach((names, i) => {
    const from = new Set<number>();
    for (const name of names) {
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
