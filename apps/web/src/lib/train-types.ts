import type { DataSize } from './fashion.js';
import type { TrainBlock } from './blocks.js';
import type { ModelFiles } from './tf-setup.js';

/** Parameters of a training run. */
export interface TrainParams {
  readonly block: TrainBlock;
  readonly width: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly data: DataSize;
  /** Folder of the package's class files, served by the app (`fashion-mnist/`). */
  readonly dataUrl: string;
  /** Stop after this many steps (the browser test trains a few). */
  readonly maxSteps?: number;
}

/** Pushed after every training step. */
export interface StepEvent {
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
}

/** Pushed after every evaluation on the test split. */
export interface EvalEvent {
  readonly step: number;
  readonly loss: number;
  readonly accuracy: number;
}

/** One image of the prediction grid. */
export interface GridImage {
  readonly pixels: Uint8Array;
  readonly label: number;
  readonly training: number;
  readonly deploy: number;
}

/** What re-parameterization gives. */
export interface ReparamResult {
  readonly blocks: number;
  /** Largest `max|train - deploy| / max|train|` over the blocks, and its block. */
  readonly worstBlock: {
    readonly name: string;
    readonly relative: number;
    readonly absolute: number;
  };
  readonly outputRelative: number;
  readonly accuracy: { readonly training: number; readonly deploy: number };
  readonly testCount: number;
  readonly differing: number;
  readonly latency: { readonly training: number; readonly deploy: number };
  readonly params: { readonly training: number; readonly deploy: number };
  readonly grid: readonly GridImage[];
}

/** The trained and deploy models of the last run, for Look inside and downloads. */
export interface TrainedModels {
  readonly block: TrainBlock;
  readonly width: number;
  readonly training: ModelFiles;
  readonly deploy: ModelFiles;
}
