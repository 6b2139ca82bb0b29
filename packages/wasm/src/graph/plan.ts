/** One step of a schedule as the memory planner sees it. */
export interface PlanStep {
  readonly inputs: readonly string[];
  readonly output: string;
  /** The output is a view of input 0 (a reshape): same buffer, no copy. */
  readonly view?: boolean;
  /** Inputs the step may overwrite with its output (element-wise ops, a conv's residual). */
  readonly inPlace?: readonly number[];
  /**
   * Output element i depends on input element i only, so the in-place input may also be one
   * of the other inputs (x + x); otherwise it must not share a buffer with them.
   */
  readonly elementwise?: boolean;
}

/** Where every value lives in one arena, and how large the arena is. */
export interface MemoryPlan {
  /** Byte offset of each value in the arena. */
  readonly offsets: ReadonlyMap<string, number>;
  /** Arena size in bytes: the peak of live activations. */
  readonly peakBytes: number;
  /** What the values would take without reuse, in bytes (for the report). */
  readonly totalBytes: number;
}

/** Buffers are 64-byte aligned and whole 16-float blocks, so vector kernels may run past the end. */
const ALIGN = 64;
const roundUp = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN;

/**
 * Assigns arena offsets to the values of a schedule (graph inputs, then `steps` in order) so
 * that buffers whose lifetimes overlap never overlap in memory: views share their source's
 * buffer, an in-place step writes over an input that nothing reads afterwards, and the rest is
 * placed first-fit, largest first (the greedy-by-size strategy of TFLite's arena planner).
 * Graph outputs stay live to the end.
 */
export function planMemory(
  inputs: readonly string[],
  steps: readonly PlanStep[],
  outputs: readonly string[],
  bytesOf: (value: string) => number,
): MemoryPlan {
  // Buffer of each value (views and in-place outputs share their input's).
  const bufferOf = new Map<string, string>();
  const lastUse = new Map<string, number>();
  const END = steps.length;
  inputs.forEach((v) => bufferOf.set(v, v));
  steps.forEach((s, t) => s.inputs.forEach((v) => lastUse.set(v, t)));
  outputs.forEach((v) => lastUse.set(v, END));
  // A buffer dies after the last use of any value living in it.
  const bufferEnd = new Map<string, number>();
  const first = new Map<string, number>();
  const touch = (v: string, t: number) => {
    const b = bufferOf.get(v)!;
    bufferEnd.set(b, Math.max(bufferEnd.get(b) ?? -1, t, lastUse.get(v) ?? t));
  };
  inputs.forEach((v) => {
    first.set(v, -1);
    touch(v, -1);
  });
  steps.forEach((s, t) => {
    let buffer = s.output;
    if (s.view === true) buffer = bufferOf.get(s.inputs[0])!;
    else {
      for (const k of s.inPlace ?? []) {
        const v = s.inputs[k];
        const b = bufferOf.get(v)!;
        const free = (bufferEnd.get(b) ?? -1) <= t && !outputs.some((o) => bufferOf.get(o) === b);
        const fits = bytesOf(v) === bytesOf(s.output) && !inputs.includes(b);
        const shared = s.inputs.some((w, j) => j !== k && bufferOf.get(w) === b);
        if (free && fits && (s.elementwise === true || !shared)) {
          buffer = b;
          break;
        }
      }
    }
    bufferOf.set(s.output, buffer);
    if (buffer === s.output) first.set(buffer, t);
    touch(s.output, t);
  });
  // First-fit by decreasing size over the buffers' [first, end] intervals.
  const buffers = [...first.keys()].sort((a, b) => bytesOf(b) - bytesOf(a));
  const placed: { at: number; size: number; from: number; to: number }[] = [];
  const offsetOf = new Map<string, number>();
  let peak = 0;
  let total = 0;
  for (const b of buffers) {
    const size = roundUp(bytesOf(b));
    total += size;
    const from = first.get(b)!;
    const to = bufferEnd.get(b)!;
    const busy = placed.filter((p) => p.from <= to && from <= p.to).sort((x, y) => x.at - y.at);
    let at = 0;
    for (const p of busy) {
      if (at + size <= p.at) break;
      at = Math.max(at, p.at + p.size);
    }
    placed.push({ at, size, from, to });
    offsetOf.set(b, at);
    peak = Math.max(peak, at + size);
  }
  const offsets = new Map<string, number>();
  for (const [v, b] of bufferOf) offsets.set(v, offsetOf.get(b)!);
  return { offsets, peakBytes: peak, totalBytes: total };
}
