import type { DenseTensor, RunOptions } from '@reparam/onnx';
import { positiveInteger } from '../options.js';

/** Seconds one onnxruntime load or run may take before a command gives up (exit 2). */
export const DEFAULT_TIMEOUT_S = 600;

/**
 * `--threads N`: onnxruntime-web threads for the probe and the verification. Default 1: on this
 * project's 2-core machines, shared by other processes, a second thread cost CPU time and often
 * wall time too (packages/onnx/README.md, CLI stages); on an idle multi-core machine 2-4 shorten
 * the runs of large networks (not the loading of the model, which is single-threaded).
 */
export const threadsOption = positiveInteger(
  'onnxruntime-web threads for the probe and the verification (default 1)',
);

/** The options shared by the commands that convert or verify, as `@reparam/onnx` takes them. */
export function runOptions(o: {
  shape: Record<string, number[]>;
  input?: Record<string, DenseTensor>;
  tolerance?: number;
  seed?: number;
  samples?: number;
  timeout?: number;
  threads?: number;
  'max-memory': number;
}): RunOptions & {
  maxMemory: number;
  shapes: Record<string, number[]>;
  inputs?: Record<string, DenseTensor>;
  tolerance?: number;
  seed?: number;
  samples?: number;
} {
  return {
    shapes: o.shape,
    inputs: o.input,
    tolerance: o.tolerance,
    seed: o.seed,
    samples: o.samples,
    timeoutMs: Math.round((o.timeout ?? DEFAULT_TIMEOUT_S) * 1000),
    threads: o.threads ?? 1,
    maxMemory: o['max-memory'],
  };
}
