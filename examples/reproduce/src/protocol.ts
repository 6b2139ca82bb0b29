import { createHash } from 'node:crypto';
import type { ArchId } from './architectures.js';
import type { Augmentation } from './augment.js';

/**
 * The training and measuring protocol: one optimizer, one schedule and one augmentation for every
 * method, nothing tuned per method. A run's results are stored under the protocol's id, so a
 * changed protocol never resumes from runs of another.
 */
export interface Protocol {
  name: string;
  /** The networks trained (unless `--archs` picks others). */
  architectures: ArchId[];
  /** Training images per class (6,000: all of Fashion-MNIST's 60,000) and test images per class. */
  trainPerClass: number;
  testPerClass: number;
  /** Epochs of every training stage (RefConv's refocusing stage gets as many again). */
  epochs: number;
  batchSize: number;
  /** SGD with momentum; the learning rate warms up linearly, then follows a cosine to 0. */
  learningRate: number;
  momentum: number;
  warmupSteps: number;
  augmentation: Augmentation;
  /** ResNet-18 first-stage width (64 at full size). */
  resnetWidth: number;
  /** MobileNetV2 width multiplier (1 at full size). */
  mobilenetAlpha: number;
  /** MobileNetV2 expansion factor of the inverted residuals (6 at full size). */
  mobilenetExpansion: number;
  /** RepVGG ablation network: stage depths and widths. */
  repvggDepths: number[];
  repvggWidths: number[];
  /** Inference latency: alternating runs at batch 1, and at `throughputBatch`. */
  latencyRuns: number;
  throughputBatch: number;
  throughputRuns: number;
}

/**
 * The default protocol, sized for the 2-hour budget on 2 cores. One epoch (every training image
 * seen once) is the least training that still uses the whole training set; the widths are the
 * narrowest the builders allow (MobileNetV2's channels round up to multiples of 8), and
 * MobileNetV2's expansion is 3 instead of 6: its expanded layers carry most of its activations,
 * and per-element work (batch-norm, ReLU6, depthwise) dominates a step on tfjs-wasm, so this
 * halves its steps. `pnpm reproduce --calibrate` projects the run's time from measured steps;
 * examples/reproduce/README.md gives the measurements and the budget.
 */
export const defaultProtocol: Protocol = {
  name: 'default',
  architectures: ['resnet18', 'mobilenetV2', 'repvgg'],
  trainPerClass: 6000,
  testPerClass: 1000,
  epochs: 1,
  batchSize: 256,
  // Goyal et al. (2017): 0.1 for a batch of 256; warm-up over the first ~10% of an epoch.
  learningRate: 0.1,
  momentum: 0.9,
  warmupSteps: 23,
  augmentation: { pad: 2, flip: true },
  resnetWidth: 8,
  mobilenetAlpha: 0.25,
  mobilenetExpansion: 3,
  repvggDepths: [1, 4, 6, 16, 1],
  repvggWidths: [8, 8, 16, 32, 160],
  latencyRuns: 20,
  throughputBatch: 256,
  throughputRuns: 3,
};

/** `--quick`: one tiny configuration end to end (CI), not a result. */
export const quickProtocol: Protocol = {
  ...defaultProtocol,
  name: 'quick',
  // MobileNetV2's 52 layers cost most of a tiny run; the tfjs tests cover its builder.
  architectures: ['resnet18', 'repvgg'],
  trainPerClass: 20,
  testPerClass: 10,
  epochs: 1,
  batchSize: 50,
  warmupSteps: 1,
  resnetWidth: 4,
  mobilenetAlpha: 0.25,
  repvggDepths: [1, 1, 1],
  repvggWidths: [4, 8, 8],
  latencyRuns: 2,
  throughputBatch: 8,
  throughputRuns: 1,
};

/** A short stable id of a protocol (its JSON's hash), naming the folder of its runs. */
export function protocolId(p: Protocol): string {
  return `${p.name}-${createHash('sha256').update(JSON.stringify(p)).digest('hex').slice(0, 8)}`;
}

/** Learning rate at step `t` of `total` (0-based): linear warm-up, then cosine to 0. */
export function learningRateAt(p: Protocol, t: number, total: number): number {
  if (t < p.warmupSteps) return (p.learningRate * (t + 1)) / p.warmupSteps;
  const progress = (t - p.warmupSteps) / Math.max(1, total - p.warmupSteps);
  return 0.5 * p.learningRate * (1 + Math.cos(Math.PI * Math.min(1, progress)));
}
