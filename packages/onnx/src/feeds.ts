import { seededRandom } from '@reparam/core';
import { elementType } from './element-types.js';
import { UsageError } from './errors.js';
import { inputRoles, type InputRole } from './input-roles.js';
import type { DenseTensor } from './ort-run.js';
import { inputDims, type InputShapes } from './probe.js';
import type { ModelProto } from './proto.js';

/** Options of {@link inputFeeds}. */
export interface FeedOptions {
  /** Shapes for dynamic input dims. */
  shapes?: InputShapes;
  /** Inputs given by the caller (real images, valid indices...), used as they are. */
  inputs?: Readonly<Record<string, DenseTensor>>;
  /** Seed of the random inputs (default 1). */
  seed?: number;
}

/**
 * Values for every graph input: the given ones as they are, the others seeded random values of
 * their declared element type in ranges their readers accept: floats in [-1, 1), signed
 * integers in [-8, 8], unsigned ones in [0, 255], booleans; indices (Gather, Scatter...) in
 * [0, smallest dim of the indexed tensor); divisors and Slice steps non-zero. Inputs that give
 * sizes, axes or scales (Reshape, Expand, Resize, Squeeze...) cannot be random: they must be
 * given, else {@link UsageError}.
 */
export function inputFeeds(
  model: ModelProto,
  options: FeedOptions = {},
): Record<string, DenseTensor> {
  const given = options.inputs ?? {};
  const dims = inputDims(model, options.shapes, given);
  const graph = model.graph!;
  // dims known before running anything: initializers' and the inputs'
  const known = new Map<string, readonly number[]>(
    graph.initializer.map((t) => [t.name ?? '', t.dims]),
  );
  for (const [name, d] of dims) known.set(name, d);
  const roles = inputRoles(graph, [...dims.keys()], (t) => known.get(t));
  const next = seededRandom(options.seed ?? 1);
  const feeds: Record<string, DenseTensor> = {};
  for (const [name, d] of dims) {
    const info = graph.input.find((v) => v.name === name);
    const code = info?.type?.tensorType?.elemType ?? 1;
    feeds[name] = given[name] ?? randomTensor(name, code, d, roles.get(name)!, next);
  }
  return feeds;
}

function randomTensor(
  name: string,
  code: number,
  dims: readonly number[],
  role: InputRole,
  next: () => number,
): DenseTensor {
  const type = elementType(code);
  if (type === undefined)
    throw new UsageError(
      `inputFeeds: input '${name}' has element type ${code}, which onnxruntime does not take as an input here; give its value (--input ${name}=file.npy)`,
    );
  if (role.kind === 'shape')
    throw new UsageError(
      `inputFeeds: input '${name}' gives ${role.reader} sizes, axes or scales, which random values cannot; give its value (--input ${name}=file.npy)`,
    );
  const n = dims.reduce((a, b) => a * b, 1);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const draw =
    role.kind === 'index'
      ? () => int(0, Math.max(role.limit, 1) - 1)
      : role.kind === 'divisor' && type.kind !== 'float'
        ? () => int(1, 8)
        : type.kind === 'float'
          ? () => next() * 2 - 1
          : type.kind === 'signed'
            ? () => int(-8, 8)
            : type.kind === 'unsigned'
              ? () => int(0, 255)
              : () => int(0, 1);
  const data = new type.array(n);
  for (let i = 0; i < n; i++) {
    const v = draw();
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) data[i] = BigInt(v);
    else data[i] = type.ort === 'float16' ? toHalf(v) : v;
  }
  return { dims: [...dims], data, type: type.ort };
}

/** The float16 bits of a value in [-1, 1] (round to nearest). */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const bits = new Uint32Array(f.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  const mant = bits & 0x7fffff;
  if (exp <= 0) return sign + Math.round((mant | 0x800000) / 2 ** (14 - exp));
  return sign + (exp << 10) + Math.round(mant / 8192);
}
