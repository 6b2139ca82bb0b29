import type { GraphProto } from './proto.js';

/**
 * What a graph input's values mean to the ops that read it, which decides what random values
 * are valid: `index` (positions into another tensor: non-negative and below `limit`), `shape`
 * (sizes, axes, slice bounds, scales: random values are almost never valid, so they must be
 * given), `divisor` (integer division: non-zero), or `value`.
 */
export type InputRole =
  | { readonly kind: 'value' }
  | { readonly kind: 'divisor' }
  | { readonly kind: 'index'; readonly limit: number }
  | { readonly kind: 'shape'; readonly reader: string };

/** Input slots holding positions into the data input (slot 0), by op type. */
const INDEX_SLOTS: Readonly<Record<string, readonly number[]>> = {
  Gather: [1],
  GatherElements: [1],
  GatherND: [1],
  Scatter: [1],
  ScatterElements: [1],
  ScatterND: [1],
};

/** Input slots holding sizes, axes or scales, by op type (Slice's starts and ends are clamped: any value is valid). */
const SHAPE_SLOTS: Readonly<Record<string, readonly number[]>> = {
  Reshape: [1],
  Expand: [1],
  Tile: [1],
  ConstantOfShape: [0],
  Slice: [3],
  Pad: [1, 3],
  Resize: [1, 2, 3],
  Upsample: [1],
  Squeeze: [1],
  Unsqueeze: [1],
  Split: [1],
  TopK: [1],
  Range: [0, 1, 2],
  CumSum: [1],
  Trilu: [1],
  OneHot: [1],
  Compress: [1],
  ReduceSum: [1],
  ReduceMean: [1],
  ReduceMax: [1],
  ReduceMin: [1],
  ReduceProd: [1],
  ReduceL1: [1],
  ReduceL2: [1],
  ReduceLogSum: [1],
  ReduceLogSumExp: [1],
  ReduceSumSquare: [1],
  Dropout: [1, 2],
  Clip: [1, 2],
  NonMaxSuppression: [2, 3, 4],
  DFT: [1, 2],
  CenterCropPad: [1, 2],
  Col2Im: [1, 2],
};

/** Input slots that must not be zero (integer division, Slice's steps), by op type. */
const DIVISOR_SLOTS: Readonly<Record<string, number>> = { Div: 1, Mod: 1, Slice: 4 };

/** Ops that pass values through unchanged (or only retyped or reshaped): roles look past them. */
const PASS_THROUGH = new Set(['Cast', 'Identity', 'Squeeze', 'Unsqueeze', 'Reshape', 'Flatten']);

/**
 * The role of each graph input (by name), from the ops reading it directly or through
 * Cast/Identity/Squeeze/Unsqueeze/Reshape/Flatten. A `shape` role wins over `index`, which wins
 * over `divisor`. `dimsOf` gives the declared dims of a tensor, when known, for index limits.
 */
export function inputRoles(
  graph: GraphProto,
  names: readonly string[],
  dimsOf: (tensor: string) => readonly number[] | undefined,
): Map<string, InputRole> {
  const readers = new Map<string, { op: string; slot: number; node: number }[]>();
  graph.node.forEach((node, i) =>
    node.input.forEach((x, slot) => {
      if (x === '') return;
      const list = readers.get(x) ?? [];
      list.push({ op: node.opType ?? '', slot, node: i });
      readers.set(x, list);
    }),
  );
  const out = new Map<string, InputRole>();
  for (const name of names) {
    let role: InputRole = { kind: 'value' };
    const seen = new Set<string>();
    const visit = (tensor: string): void => {
      if (seen.has(tensor)) return;
      seen.add(tensor);
      for (const { op, slot, node } of readers.get(tensor) ?? []) {
        const n = graph.node[node];
        if (SHAPE_SLOTS[op]?.includes(slot)) {
          role = { kind: 'shape', reader: `${op} ${n.name ? `'${n.name}'` : `#${node}`}` };
          return;
        }
        if (INDEX_SLOTS[op]?.includes(slot)) {
          const data = dimsOf(n.input[op === 'OneHot' ? 1 : 0] ?? '');
          const limit = data !== undefined && data.length > 0 ? Math.min(...data) : 1;
          if (role.kind !== 'index' || limit < role.limit) role = { kind: 'index', limit };
        } else if (DIVISOR_SLOTS[op] === slot && role.kind === 'value') {
          role = { kind: 'divisor' };
        } else if (PASS_THROUGH.has(op) && slot === 0) {
          for (const o of n.output) visit(o);
        }
        if (role.kind === 'shape') return;
      }
    };
    visit(name);
    out.set(name, role);
  }
  return out;
}
