import type { TensorKind } from './context.js';
import type { GraphIndex } from './graph.js';

const RANDOM = new Set([
  'RandomNormal',
  'RandomUniform',
  'RandomNormalLike',
  'RandomUniformLike',
  'Multinomial',
  'Bernoulli',
]);
const SHAPE_ONLY = new Set(['Shape', 'Size']);

/**
 * Classifies every tensor: `const` when it follows from initializers and Constant nodes alone,
 * `shape` when it also depends on input shapes (through Shape or Size) but not on input values,
 * `dynamic` otherwise. Random and control-flow nodes are dynamic.
 */
export function classifyTensors(index: GraphIndex): Map<string, TensorKind> {
  const kinds = new Map<string, TensorKind>();
  for (const name of index.initializers.keys()) kinds.set(name, 'const');
  for (const name of index.inputs) if (!index.initializers.has(name)) kinds.set(name, 'dynamic');
  const rank = { const: 0, shape: 1, dynamic: 2 } as const;
  for (const i of index.order) {
    const node = index.graph.node[i];
    const op = node.opType ?? '';
    let kind: TensorKind = 'const';
    if (
      RANDOM.has(op) ||
      node.attribute.some((a) => a.g !== undefined || a.graphs.length > 0) ||
      (node.domain ?? '') !== ''
    ) {
      kind = 'dynamic';
    } else if (SHAPE_ONLY.has(op)) {
      const k = kinds.get(node.input[0] ?? '') ?? 'const';
      kind = k === 'const' ? 'const' : 'shape';
    } else {
      for (const name of node.input) {
        if (name === '') continue;
        const k = kinds.get(name) ?? 'dynamic';
        if (rank[k] > rank[kind]) kind = k;
      }
    }
    for (const out of node.output) if (out !== '') kinds.set(out, kind);
  }
  return kinds;
}
