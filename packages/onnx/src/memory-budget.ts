import { MemoryBudgetError } from './errors.js';
import type { ModelProto, TensorProto } from './proto.js';
import { bytesPerElement, tensorValues } from './tensor.js';

/** The budget when none is given to the pure pass: onnxruntime-web's wasm memory ceiling. */
export const DEFAULT_MAX_MEMORY = 4 * 2 ** 30;

/**
 * Peak memory of a conversion per byte of weights: issue 13 measured 2.7 GB for a 151 MB model
 * (18x: file bytes, decoded model, encoded probe copy and onnxruntime's, float64 values, the
 * converted model and its verification session). Not re-measured here; lower it when the
 * pipeline holds fewer copies.
 */
export const WEIGHT_COPIES = 18;

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** `1234567890` -> `1.15 GiB`. */
export const formatBytes = (n: number): string =>
  n >= GiB ? `${(n / GiB).toFixed(2)} GiB` : `${(n / MiB).toFixed(1)} MiB`;

/** Throws {@link MemoryBudgetError} when `bytes` exceed `budget`, naming `what` and the fix. */
export function checkBudget(fn: string, what: string, bytes: number, budget: number): void {
  if (bytes > budget)
    throw new MemoryBudgetError(
      `${fn}: ${what} needs ${formatBytes(bytes)}, more than the memory budget of ${formatBytes(budget)}; raise it (--max-memory) if the machine has the memory`,
      bytes,
      budget,
    );
}

const tensorBytes = (dims: readonly number[], dataType: number): number =>
  dims.reduce((a, d) => a * d, 1) * (bytesPerElement(dataType) ?? 4);

/**
 * Checks, before any input is made or the probe runs, what a conversion of `model` at
 * `inputDims` is known to need:
 * every ConstantOfShape whose shape is an initializer, and the conversion's estimate (copies of
 * the weights, and the probe keeping one tensor of at least the inputs' size per node output).
 * Returns that estimate: what the conversion holds while `core` merges, within the same budget.
 */
export function checkConversionBudget(
  model: ModelProto,
  inputDims: ReadonlyMap<string, readonly number[]>,
  budget: number,
): number {
  const graph = model.graph!;
  const inits = new Map(graph.initializer.map((t) => [t.name ?? '', t]));
  for (const node of graph.node) {
    if (node.opType !== 'ConstantOfShape') continue;
    const shape = inits.get(node.input[0] ?? '');
    if (shape === undefined) continue;
    const dims = readInts(shape);
    if (dims === undefined || dims.some((d) => d < 0)) continue;
    const type = node.attribute.find((a) => a.name === 'value')?.t?.dataType ?? 1;
    checkBudget(
      'convertModel',
      `ConstantOfShape node '${node.name ?? ''}' ([${dims.join(', ')}])`,
      tensorBytes(dims, type),
      budget,
    );
  }
  const weights = graph.initializer.reduce((a, t) => a + tensorBytes(t.dims, t.dataType ?? 1), 0);
  const types = new Map(graph.input.map((v) => [v.name ?? '', v.type?.tensorType?.elemType ?? 1]));
  const inputs = [...inputDims].reduce((a, [n, d]) => a + tensorBytes(d, types.get(n) ?? 1), 0);
  const outputs = graph.node.reduce((a, n) => a + n.output.length, 0);
  const held = WEIGHT_COPIES * weights + inputs * (outputs + 2);
  checkBudget(
    'convertModel',
    `the conversion (${WEIGHT_COPIES} copies of ${formatBytes(weights)} of weights, ${outputs} probed tensors of at least ${formatBytes(inputs)} of inputs)`,
    held,
    budget,
  );
  return held;
}

function readInts(t: TensorProto): number[] | undefined {
  if (t.dataType !== 7 || t.dims.length !== 1 || t.dims[0] > 8) return undefined;
  try {
    return Array.from(tensorValues(t));
  } catch {
    return undefined; // malformed: the probe reports it
  }
}
