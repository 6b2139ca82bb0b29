import { intAttr } from './attributes.js';
import type { GraphIndex } from './graph.js';
import { nodeLabel } from './graph.js';
import type { DenseTensor } from './ort-run.js';
import type { GraphProto } from './proto.js';

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
 * that is not a constant false). `values` holds constant tensors' values (the probe's).
 */
export function randomNodes(
  index: GraphIndex,
  opset: number,
  isConstant: (tensor: string) => boolean,
  values: ReadonlyMap<string, DenseTensor>,
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
        const v = isConstant(mode) ? values.get(mode)?.data[0] : undefined;
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
