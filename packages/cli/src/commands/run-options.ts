import type { DenseTensor, Engine, RunOptions } from '@reparam/onnx';
import { oneOf, positiveInteger } from '../options.js';

/** Seconds one onnxruntime load or run may take before a command gives up (exit 2). */
export const DEFAULT_TIMEOUT_S = 600;

/**
 * `--threads N`: onnxruntime's threads (web or native) for the probe and the verification. Default 1: on this
 * project's 2-core machines, shared by other processes, a second thread cost CPU time and often
 * wall time too (packages/onnx/README.md, CLI stages); on an idle multi-core machine 2-4 shorten
 * the runs of large networks (not the loading of the model, which is single-threaded).
 */
export const threadsOption = positiveInteger(
  'onnxruntime threads for the probe and the verification (default 1)',
);

/**
 * `--engine NAME`: the onnxruntime that runs the probe and the verification. Unset, onnxruntime-web
 * runs them and onnxruntime-node takes over where it cannot; `onnxruntime-node` (native, Node only,
 * installed beside the CLI) loads a large training graph in about half the time.
 */
export const engineOption = oneOf(
  'onnxruntime for the probe and the verification: onnxruntime-web, or the native onnxruntime-node (npm install onnxruntime-node; faster on large graphs). Default: onnxruntime-web, onnxruntime-node where it cannot run the model',
  ['onnxruntime-web', 'onnxruntime-node'] as const satisfies readonly Engine[],
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
  engine?: Engine;
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
    engine: o.engine,
    maxMemory: o['max-memory'],
  };
}
