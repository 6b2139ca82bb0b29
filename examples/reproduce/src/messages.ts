import type { RunResult, RunSpec } from './run.js';

/** Parent -> worker. */
export type ToWorker = { type: 'run'; spec: RunSpec };

/** Worker -> parent. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'step'; stage: string; step: number; steps: number; loss: number }
  | { type: 'done'; result: RunResult }
  | { type: 'failed'; message: string };
