import { intAttr } from './attributes.js';
import { nodeLabel, type GraphIndex } from './graph.js';
import { denseTensor, elementType } from './element-types.js';
import { indexGraph } from './graph.js';
import { defaultOpset } from './opset.js';
import type { GraphProto, ModelProto, TensorProto } from './proto.js';

/** A node whose outputs differ from run to run. */
export interface RandomNode {
  readonly node: string;
  readonly op: string;
  readonly reason: string;
}

const SAMPLERS = new Set([
  'RandomNormal',
  'RandomUniform',
  'RandomNormalLike',
  'RandomUniformLike',
  'Multinomial',
  'Bernoulli',
]);

/**
 * The random nodes of a graph: samplers (RandomNormal/Uniform(Like), Multinomial, Bernoulli) and
 * Dropout in training mode (`is_test` 0 before opset 7; from opset 12, a `training_mode` input
 * that is not a constant false). `constant` gives the first value of a constant tensor, or
 * undefined for tensors that are not constant.
 */
export function randomNodes(
  index: GraphIndex,
  opset: number,
  constant: (tensor: string) => number | bigint | undefined,
): { index: number; random: RandomNode }[] {
  const out: { index: number; random: RandomNode }[] = [];
  index.graph.node.forEach((node, i) => {
    const op = node.opType ?? '';
    if ((node.domain ?? '') !== '' && node.domain !== 'ai.onnx') return;
    let reason: string | undefined;
    const inner = node.attribute.flatMap((a) => [a.g, ...a.graphs]).find((g) => g && hasSampler(g));
    if (SAMPLERS.has(op)) reason = 'draws random numbers';
    else if (inner !== undefined) reason = 'its subgraph draws random numbers';
    else if (op === 'Dropout') {
      const mode = node.input[2] ?? '';
      if (opset < 7 && intAttr(node, 'is_test', 0) === 0) reason = 'is_test is 0 (training mode)';
      else if (opset >= 12 && mode !== '') {
        const v = constant(mode);
        if (v === undefined) reason = `training_mode '${mode}' is not a constant`;
        else if (Number(v) !== 0) reason = 'training_mode is true';
      }
    }
    if (reason !== undefined)
      out.push({ index: i, random: { node: nodeLabel(node, i), op, reason } });
  });
  return out;
}

/** The tensors whose values depend on any of `nodes` (their outputs and everything downstream). */
export function randomTensors(index: GraphIndex, nodes: readonly number[]): Set<string> {
  const tainted = new Set<string>();
  const start = new Set(nodes);
  for (const i of index.order) {
    const node = index.graph.node[i];
    if (start.has(i) || node.input.some((x) => tainted.has(x)))
      for (const o of node.output) if (o !== '') tainted.add(o);
  }
  return tainted;
}

function hasSampler(graph: GraphProto): boolean {
  return graph.node.some(
    (n) =>
      SAMPLERS.has(n.opType ?? '') ||
      n.attribute.some((a) => [a.g, ...a.graphs].some((g) => g !== undefined && hasSampler(g))),
  );
}

/**
 * The graph outputs of a model that depend on random operators, found without running it
 * (constants are initializers and Constant nodes with a `value` tensor).
 */
export function randomOutputs(model: ModelProto): string[] {
  const index = indexGraph(model.graph!);
  const stored = new Map<string, TensorProto>(index.initializers);
  for (const node of model.graph!.node) {
    const t =
      node.opType === 'Constant' ? node.attribute.find((a) => a.name === 'value')?.t : undefined;
    if (t !== undefined) stored.set(node.output[0], t);
  }
  const constant = (name: string) => {
    const t = stored.get(name);
    return t === undefined || elementType(t.dataType ?? 0) === undefined
      ? undefined
      : denseTensor(t).data[0];
  };
  const nodes = randomNodes(index, defaultOpset(model), constant);
  const tainted = randomTensors(
    index,
    nodes.map((n) => n.index),
  );
  return [...index.outputs].filter((o) => tainted.has(o));
}
