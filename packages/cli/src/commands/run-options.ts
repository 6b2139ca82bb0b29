import type { DenseTensor, RunOptions } from '@reparam/onnx';

/** Seconds one onnxruntime load or run may take before a command gives up (exit 2). */
export const DEFAULT_TIMEOUT_S = 600;

/** The options shared by the commands that convert or verify, as `@reparam/onnx` takes them. */
export function runOptions(o: {
  shape: Record<string, number[]>;
  input?: Record<string, DenseTensor>;
  tolerance?: number;
  seed?: number;
  samples?: number;
  timeout?: number;
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
    maxMemory: o['max-memory'],
  };
}
