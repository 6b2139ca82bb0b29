/**
 * The fuzz script's oracle: a converted model must load, run, and agree with the original (run
 * by onnxruntime) at the conversion's input size and at a second size the original accepts.
 */
import { runModel, type DenseTensor } from '../src/ort-run.js';
import { randomFeeds } from '../src/probe.js';
import { encodeModel, type ModelProto } from '../src/proto.js';

/** Why a converted model is wrong, or undefined when it agrees wherever the original runs. */
export async function disagreement(
  original: ModelProto,
  converted: ModelProto,
  sizes: readonly Record<string, number[]>[],
  timeoutMs: number,
): Promise<string | undefined> {
  const names = original.graph!.output.map((o) => o.name ?? '');
  for (const [k, size] of sizes.entries()) {
    const feeds = randomFeeds(new Map(Object.entries(size)), 7 + k);
    let want: Map<string, DenseTensor>;
    try {
      want = await runModel(encodeModel(original), feeds, names, { timeoutMs });
    } catch {
      continue; // the original does not run at this size: nothing to compare
    }
    let got: Map<string, DenseTensor>;
    try {
      got = await runModel(encodeModel(converted), feeds, names, { timeoutMs });
    } catch (e) {
      return `the converted model fails at ${JSON.stringify(size)} where the original runs: ${(e as Error).message}`;
    }
    for (const name of names) {
      const why = compare(want.get(name)!, got.get(name)!);
      if (why !== undefined) return `output '${name}' at ${JSON.stringify(size)}: ${why}`;
    }
  }
  return undefined;
}

/** Compares where the original is finite (an original that overflows says nothing). */
function compare(a: DenseTensor, b: DenseTensor): string | undefined {
  if (a.dims.join('x') !== b.dims.join('x'))
    return `dims ${a.dims.join('x')} vs ${b.dims.join('x')}`;
  let max = 0;
  let diff = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = Number(a.data[i]);
    const y = Number(b.data[i]);
    if (!Number.isFinite(x)) continue;
    if (!Number.isFinite(y)) return `entry ${i} is ${y}, the original ${x}`;
    max = Math.max(max, Math.abs(x));
    diff = Math.max(diff, Math.abs(x - y));
  }
  return diff > 1e-4 * max + 1e-30 ? `off by ${(diff / max).toExponential(2)} x max|y|` : undefined;
}
