/**
 * Resolves on a later turn of the event loop, so that signal handlers (the CLI's SIGINT), timers
 * and I/O run between the synchronous steps of a long pass. `setImmediate` in Node (a few
 * microseconds), `setTimeout` elsewhere.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/** Between two synchronous steps: lets the event loop run, then throws `signal`'s reason if it was aborted. */
export async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  await nextTurn();
  signal?.throwIfAborted();
}
