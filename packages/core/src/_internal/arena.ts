/**
 * Scratch float64 memory for one `collapse` call. Its arrays never outlive the call (the result
 * is copied out), so consecutive collapses reuse the same pages instead of faulting in fresh
 * ones: most of the time of a RepVGG collapse was the kernel zeroing new memory. The buffer is
 * held weakly, so it is freed once the caller's synchronous work is over.
 */
let buffer: WeakRef<Float64Array> | undefined;
let used = 0;
/** Buffers handed out since the last reset (a call may outgrow one and move to a larger one). */
const live = new Set<ArrayBufferLike>();

/** `length` uninitialised values valid until {@link resetArena}. */
export function takeScratch(length: number): Float64Array {
  let current = buffer?.deref();
  if (current === undefined || used + length > current.length) {
    current = new Float64Array(Math.max(length, 2 * (current?.length ?? 0), 1 << 16));
    buffer = new WeakRef(current);
    used = 0;
  }
  live.add(current.buffer);
  const view = current.subarray(used, used + length);
  used += length;
  return view;
}

/** Ends the scratch arrays' lifetime; call when the collapse that took them is done. */
export function resetArena(): void {
  used = 0;
  live.clear();
}

/** Whether an array is scratch memory (and must be copied before it leaves `collapse`). */
export const isScratch = (a: Float64Array): boolean => live.has(a.buffer);
