import type { KernelArgs, KernelExports, KernelName } from './exports.js';

/** Runs a kernel over a range of independent work items, on one thread or several. */
export interface Executor {
  readonly threads: number;
  /**
   * Runs items [lo, hi). `work` estimates the whole call's cost (multiply-adds, or floats
   * touched): a call below the pool's threshold is not split.
   */
  run<K extends KernelName>(
    name: K,
    args: KernelArgs[K],
    lo: number,
    hi: number,
    work?: number,
  ): void;
}

/** Calls a kernel by name with its arguments and a range. */
export function callKernel(
  kernels: KernelExports,
  name: KernelName,
  args: readonly number[],
  lo: number,
  hi: number,
): void {
  const fn: (...a: number[]) => void = kernels[name];
  fn(...args, lo, hi);
}

/** The one-thread executor: each call runs the whole range at once. */
export function singleThread(kernels: KernelExports): Executor {
  return {
    threads: 1,
    run: (name, args, lo, hi) => callKernel(kernels, name, args, lo, hi),
  };
}
