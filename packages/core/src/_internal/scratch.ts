/**
 * Reusable float64 memory for the intermediates of one collapse (composite weights, tap-major
 * copies), which never outlive the call: fresh memory costs a page fault per 4 KiB when it is
 * first written, which was most of a DBB collapse. The buffer is held weakly, so the engine may
 * free it once no collapse runs.
 */
let buffer: WeakRef<Float64Array> | undefined;
let used = 0;
let depth = 0;

/** Runs `fn` in a scratch scope: scratch arrays it takes are reused once the outermost scope ends. */
export function withScratch<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    if (--depth === 0) used = 0;
  }
}

/**
 * `length` values, valid until the enclosing {@link withScratch} scope ends: zeros, or (`zero`
 * false, for a caller that writes every value) whatever the memory held.
 */
export function scratch(length: number, zero = true): Float64Array {
  if (depth === 0) return new Float64Array(length);
  let current = buffer?.deref();
  if (current === undefined || used + length > current.length) {
    current = new Float64Array(Math.max(length, 2 * (current?.length ?? 0), 1 << 16));
    buffer = new WeakRef(current);
    used = 0;
  }
  const view = current.subarray(used, used + length);
  used += length;
  if (zero) view.fill(0);
  return view;
}
