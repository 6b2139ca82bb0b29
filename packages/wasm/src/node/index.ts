export { readNpy, writeNpy } from './npy-file.js';
export {
  benchModel,
  DEFAULT_BENCH_TIMEOUT_MS,
  DEFAULT_CONFIGS,
  type BenchConfig,
  type BenchOptions,
  type BenchReport,
  type BenchResult,
} from './bench-model.js';
export type { BenchRuntime } from './runners.js';
export { tfjsGraph, TfjsUnsupportedError } from './tfjs-graph.js';
