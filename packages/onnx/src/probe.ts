import { seededRandom } from '@reparam/core';
import { elementType } from './element-types.js';
import { UsageError } from './errors.js';
import { runModel, type DenseTensor, type RunOptions } from './ort-run.js';
import type { ModelProto, ValueInfoProto } from './proto.js';
import { encodeModel } from './proto.js';
import { elementCount, tensorValues } from './tensor.js';

/** Fixed input shapes by input name (for dynamic dimensions), e.g. `{ x: [1, 3, 224, 224] }`. */
export type InputShapes = Readonly<Record<string, readonly number[]>>;

/** Most input elements a verification sample may have (2^26). */
export const MAX_INPUT_ELEMENTS = 2 ** 26;

/** A declared dim's size when it is fixed (0 included); symbolic, unknown or negative dims are dynamic. */
const fixedDim = (d: { dimValue?: number; dimParam?: string }): number | undefined =>
  d.dimParam === undefined && d.dimValue !== undefined && d.dimValue >= 0 ? d.dimValue : undefined;

/**
 * The concrete dims of each graph input that has no initializer: the dims of a given input, else
 * the declared dims with `shapes` overriding. Throws {@link UsageError} for a dynamic dim without
 * a given shape, and for given inputs or shapes that contradict the declared type or fixed dims.
 */
export function inputDims(
  model: ModelProto,
  shapes: InputShapes = {},
  given: Readonly<Record<string, DenseTensor>> = {},
): Map<string, number[]> {
  const graph = model.graph!;
  const inits = new Set(graph.initializer.map((t) => t.name));
  const out = new Map<string, number[]>();
  const names = new Set(graph.input.map((v) => v.name ?? ''));
  for (const name of [...Object.keys(given), ...Object.keys(shapes)]) {
    if (!names.has(name) || inits.has(name))
      throw new UsageError(
        `inputDims: the model has no input '${name}'; its inputs are ${graph.input
          .filter((v) => !inits.has(v.name))
          .map((v) => `'${v.name ?? ''}'`)
          .join(', ')}`,
      );
  }
  for (const info of graph.input) {
    const name = info.name ?? '';
    if (inits.has(name)) continue;
    const declared = info.type?.tensorType?.shape?.dim;
    const value = given[name];
    let dims: number[];
    if (value !== undefined) {
      const type = elementType(info.type?.tensorType?.elemType ?? 1);
      if (type !== undefined && type.ort !== value.type)
        throw new UsageError(
          `inputDims: input '${name}' is given as ${value.type}, the model declares ${type.ort}`,
        );
      dims = [...value.dims];
    } else if (shapes[name] !== undefined) dims = [...shapes[name]];
    else if (declared === undefined)
      throw new UsageError(
        `inputDims: input '${name}' has no declared shape; pass --shape ${name}=1x3x224x224`,
      );
    else {
      dims = declared.map((d, k) => {
        if (fixedDim(d) !== undefined) return d.dimValue!;
        const hint = declared.map((e) => fixedDim(e) ?? 1).join('x');
        throw new UsageError(
          `inputDims: input '${name}' dim ${k} is dynamic ('${d.dimParam ?? d.dimValue ?? '?'}'); pass --shape ${name}=${hint} (1 stands for each dynamic dim: use a size the model runs at)`,
        );
      });
    }
    const fixed = declared?.map(fixedDim);
    if (
      fixed !== undefined &&
      (fixed.length !== dims.length || fixed.some((d, k) => d !== undefined && d !== dims[k]))
    )
      throw new UsageError(
        `inputDims: input '${name}' [${dims.join(', ')}] does not fit its declared dims [${declared!.map((d) => d.dimParam ?? d.dimValue ?? '?').join(', ')}]`,
      );
    if (elementCount(dims, `inputDims: input '${name}'`) > MAX_INPUT_ELEMENTS) {
      throw new UsageError(
        `inputDims: input '${name}' [${dims.join(', ')}] has more than ${MAX_INPUT_ELEMENTS} elements; pass a smaller --shape`,
      );
    }
    out.set(name, dims);
  }
  return out;
}

/**
 * Graph inputs (without an initializer) whose declared dims from `first` on are not all fixed:
 * symbolic, unknown, or no declared shape at all (`first` 1 skips the batch dim).
 */
export function dynamicSizeInputs(model: ModelProto, first = 1): string[] {
  const graph = model.graph!;
  const inits = new Set(graph.initializer.map((t) => t.name));
  return graph.input
    .filter((info) => !inits.has(info.name))
    .filter((info) => {
      const dims = info.type?.tensorType?.shape?.dim;
      return (
        dims === undefined ||
        dims.slice(first).some((d) => !(d.dimValue !== undefined && d.dimValue > 0))
      );
    })
    .map((info) => info.name ?? '');
}

/** Seeded uniform [-1, 1) float32 inputs for every graph input. */
export function randomFeeds(
  dims: ReadonlyMap<string, readonly number[]>,
  seed: number,
): Record<string, DenseTensor> {
  const next = seededRandom(seed);
  const feeds: Record<string, DenseTensor> = {};
  for (const [name, d] of dims) {
    const data = new Float32Array(d.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = next() * 2 - 1;
    feeds[name] = { dims: d, data, type: 'float32' };
  }
  return feeds;
}

/**
 * Runs the model once with every top-level node output exposed as a graph output, and returns
 * the value of every tensor: inputs, initializers and node outputs (the probe).
 */
export async function probeModel(
  model: ModelProto,
  feeds: Record<string, DenseTensor>,
  options: RunOptions = {},
): Promise<Map<string, DenseTensor>> {
  const graph = model.graph!;
  const declared = new Set(graph.output.map((o) => o.name));
  const extra: ValueInfoProto[] = [];
  for (const node of graph.node)
    for (const o of node.output) if (o !== '' && !declared.has(o)) extra.push({ name: o });
  const probe: ModelProto = { ...model, graph: { ...graph, output: [...graph.output, ...extra] } };
  const names = [...graph.output.map((o) => o.name ?? ''), ...extra.map((o) => o.name ?? '')];
  const values = await runModel(encodeModel(probe), feeds, names, options);
  for (const [name, t] of Object.entries(feeds)) values.set(name, t);
  for (const t of graph.initializer) {
    const name = t.name ?? '';
    if (values.has(name) || elementType(t.dataType ?? 1) === undefined) continue;
    const v = tensorValues(t);
    // as float64 numbers (what the pass reads), labelled with the stored type
    values.set(name, {
      dims: t.dims,
      data: v,
      type: elementType(t.dataType ?? 1)?.ort ?? 'float32',
    });
  }
  return values;
}
