/**
 * The fuzz script's oracle: a converted model must load, run, and agree with the original at the
 * conversion's input size and at a second size the original accepts. Both run in native
 * onnxruntime (onnxruntime-node, in-process: a few ms a run), another engine than the
 * converter's probe and verification (onnxruntime-web), so the two do not share a blind spot.
 * Only models the converter already ran reach it, and those have no loops: a run ends.
 */
import { inputFeeds } from '../src/feeds.js';
import { inputDims, probeModel } from '../src/probe.js';
import { runModel, type DenseTensor } from '../src/ort-run.js';
import { encodeModel, type ModelProto } from '../src/proto.js';

/** Input sizes by input name. */
export type Sizes = Record<string, number[]>;

/** What the oracle found: a disagreement, or how many sizes it compared. */
export interface Verdict {
  readonly wrong?: string;
  readonly compared: number;
  /** Outputs that passed only within onnxruntime's own float32 noise (see {@link NOISE_FACTOR}). */
  readonly noisy: number;
  /** Outputs that differ where the original overflows inside (an Inf or NaN tensor). */
  readonly overflowing: number;
}

/** Relative tolerance of the oracle, per output: max |a - b| <= TOLERANCE x max |a| (finite a). */
export const TOLERANCE = 1e-4;

/**
 * An ill-conditioned model (a batch norm of variance 0 scales a branch by 316, and the
 * branches cancel) is as far from itself across two builds of onnxruntime as from its
 * conversion. An output over {@link TOLERANCE} still passes when its difference is at most
 * this many times the difference between onnxruntime-node and onnxruntime-web on the original.
 */
export const NOISE_FACTOR = 4;

/** Why a converted model is wrong, or how many of `sizes` the original ran at and it agreed. */
export async function disagreement(
  original: ModelProto,
  converted: ModelProto,
  sizes: readonly Sizes[],
  seed: number,
): Promise<Verdict> {
  const names = original.graph!.output.map((o) => o.name ?? '');
  const native = { engine: 'onnxruntime-node' } as const;
  const a = encodeModel(original);
  const b = encodeModel(converted);
  let compared = 0;
  let noisy = 0;
  let overflowing = 0;
  for (const [k, size] of sizes.entries()) {
    let want: Map<string, DenseTensor>;
    let feeds: Record<string, DenseTensor>;
    try {
      feeds = inputFeeds(original, { shapes: size, seed: 1000 * seed + k });
      want = await runModel(a, feeds, names, native);
    } catch {
      continue; // the original does not run at this size: nothing to compare
    }
    let got: Map<string, DenseTensor>;
    try {
      got = await runModel(b, feeds, names, native);
    } catch (e) {
      return {
        wrong: `the converted model fails at ${JSON.stringify(size)} where the original runs: ${(e as Error).message}`,
        compared,
        noisy,
        overflowing,
      };
    }
    for (const name of names) {
      const d = deviation(want.get(name)!, got.get(name)!);
      if (d.why === undefined && d.diff <= TOLERANCE * d.max + 1e-30) continue;
      const noise = d.why === undefined ? await engineNoise(a, feeds, name, want.get(name)!) : 0;
      if (d.why === undefined && d.diff <= NOISE_FACTOR * noise) {
        noisy++;
        continue;
      }
      // Inf - Inf inside one merged conv is NaN where the original's ReLU(-Inf) gave 0; a
      // finite difference is a failure even then
      if (d.nonFinite === true && (await overflowsInside(original, feeds))) {
        overflowing++;
        continue;
      }
      const why =
        d.why ??
        `off by ${(d.diff / d.max).toExponential(2)} x max|y| (onnxruntime-web differs from onnxruntime-node on the original by ${(noise / d.max).toExponential(2)})`;
      return {
        wrong: `output '${name}' at ${JSON.stringify(size)}: ${why}`,
        compared,
        noisy,
        overflowing,
      };
    }
    compared++;
  }
  return { compared, noisy, overflowing };
}

/** True when a tensor of the original, node outputs and weights, has an Inf or NaN on `feeds`. */
async function overflowsInside(
  original: ModelProto,
  feeds: Record<string, DenseTensor>,
): Promise<boolean> {
  try {
    const values = await probeModel(original, feeds, { engine: 'onnxruntime-node' });
    return [...values.values()].some(
      (t) =>
        typeof t.data[0] === 'number' && (t.data as Float32Array).some((v) => !Number.isFinite(v)),
    );
  } catch {
    return false;
  }
}

/** How far onnxruntime-web's output `name` of the original is from onnxruntime-node's. */
async function engineNoise(
  model: Uint8Array,
  feeds: Record<string, DenseTensor>,
  name: string,
  native: DenseTensor,
): Promise<number> {
  try {
    const web = await runModel(model, feeds, [name], { engine: 'onnxruntime-web' });
    const d = deviation(native, web.get(name)!);
    return d.why === undefined ? d.diff : 0;
  } catch {
    return 0; // onnxruntime-web cannot run it: no evidence of noise
  }
}

/**
 * The largest difference where the original `a` is finite (an original that overflows says
 * nothing), its largest magnitude there, or why they cannot be compared (`nonFinite`: `b` has
 * an Inf or NaN where `a` is finite).
 */
function deviation(
  a: DenseTensor,
  b: DenseTensor,
): { diff: number; max: number; why?: string; nonFinite?: boolean } {
  if (a.dims.join('x') !== b.dims.join('x'))
    return { diff: Infinity, max: 0, why: `dims ${a.dims.join('x')} vs ${b.dims.join('x')}` };
  let max = 0;
  let diff = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = Number(a.data[i]);
    const y = Number(b.data[i]);
    if (!Number.isFinite(x)) continue;
    if (!Number.isFinite(y))
      return { diff: Infinity, max, why: `entry ${i} is ${y}, the original ${x}`, nonFinite: true };
    max = Math.max(max, Math.abs(x));
    diff = Math.max(diff, Math.abs(x - y));
  }
  return { diff, max };
}

/**
 * The size a model with dynamic dims is converted at (batch 1, other dynamic dims 8), and a
 * second size it is re-run at (batch 2, other dynamic dims 10); one size when no dim is dynamic.
 * Undefined when its inputs cannot be sized (no declared shape, a bad dim): the converter says why.
 */
export function sizesOf(model: ModelProto): Sizes[] | undefined {
  const graph = model.graph!;
  const inits = new Set(graph.initializer.map((t) => t.name));
  const first: Sizes = {};
  const second: Sizes = {};
  let dynamic = false;
  for (const info of graph.input) {
    if (inits.has(info.name)) continue;
    const dims = info.type?.tensorType?.shape?.dim;
    if (dims === undefined) return undefined;
    const fixed = dims.map((d) =>
      d.dimParam === undefined && d.dimValue !== undefined && d.dimValue > 0
        ? d.dimValue
        : undefined,
    );
    dynamic ||= fixed.includes(undefined);
    first[info.name ?? ''] = fixed.map((d, k) => d ?? (k === 0 ? 1 : 8));
    second[info.name ?? ''] = fixed.map((d, k) => d ?? (k === 0 ? 2 : 10));
  }
  try {
    inputDims(model, first);
  } catch {
    return undefined;
  }
  return dynamic ? [first, second] : [first];
}
