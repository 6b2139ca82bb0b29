/** What a run measures on a model: parameters, multiply-adds, memory, latency. */
import * as tf from '@tensorflow/tfjs';
import { medianPredictMs } from '@reparam/tfjs';

/** Weight counts: trainable, and frozen (batch-norm running statistics, RefConv's base kernels). */
export interface ParamCount {
  total: number;
  trainable: number;
  frozen: number;
}

/** Counts a model's weights. */
export function countParams(model: tf.LayersModel): ParamCount {
  const count = (ws: tf.LayerVariable[]): number =>
    ws.reduce((a, w) => a + size(w.shape as number[]), 0);
  const trainable = count(model.trainableWeights);
  const frozen = count(model.nonTrainableWeights);
  return { total: trainable + frozen, trainable, frozen };
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Multiply-adds of one kernel that tfjs ran, from its input and output shapes: convolutions
 * (dense: out * kh * kw * in; depthwise: out * kh * kw) and matrix products (out * k). Other
 * kernels (batch-norm, activations, additions, pools) count 0.
 */
export function kernelMacs(k: {
  name: string;
  inputShapes: number[][];
  outputShapes: number[][];
}): number {
  const out = k.outputShapes[0];
  if (out === undefined) return 0;
  switch (k.name) {
    case 'Conv2D':
    case 'FusedConv2D': {
      const [kh, kw, ci] = k.inputShapes[1];
      return size(out) * kh * kw * ci;
    }
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2D': {
      const [kh, kw] = k.inputShapes[1];
      return size(out) * kh * kw;
    }
    case 'BatchMatMul':
    case '_FusedMatMul': {
      const a = k.inputShapes[0];
      // a is [..., m, k] or, transposed, [..., k, m]: its size over (batch * m) is k either way.
      const rows = out.length === 2 ? out[0] : size(out.slice(0, -1));
      return size(out) * (size(a) / rows);
    }
    default:
      return 0;
  }
}

/**
 * Multiply-adds per image of one forward pass in training mode (batch statistics), counted from
 * the kernels tfjs runs on a batch of `batch` images: per-image work plus, divided by the batch,
 * work done once per step (RefConv's and the weight normalizations' kernel transforms). The
 * running statistics move as in a training step.
 */
export async function forwardMacsPerImage(
  model: tf.LayersModel,
  batch: number,
  training: boolean,
): Promise<number> {
  const shape = model.inputs[0].shape.slice(1) as number[];
  const x = tf.zeros([batch, ...shape]);
  const info = await tf.profile(() => {
    tf.tidy(() => {
      model.apply(x, { training });
    });
  });
  x.dispose();
  const macs = info.kernels.reduce((a, k) => a + kernelMacs(k), 0);
  return macs / batch;
}

/**
 * Peak tfjs tensor bytes while `step` runs, and the bytes live before it (weights, optimizer
 * state): what tfjs's engine counts for every tensor it holds, on any backend.
 */
export async function peakBytes(step: () => void): Promise<{ peak: number; resident: number }> {
  const resident = tf.memory().numBytes;
  const info = await tf.profile(step);
  return { peak: info.peakBytes, resident };
}

/**
 * Median milliseconds of `predict` on a random batch for two models, measured alternately (so a
 * change of load on a shared machine hits both alike) after two warm-up rounds.
 */
export function latencyPair(
  a: tf.LayersModel,
  b: tf.LayersModel,
  batch: number,
  runs: number,
): [number, number] {
  const shape = a.inputs[0].shape.slice(1) as number[];
  const x = tf.randomUniform([batch, ...shape], 0, 1, 'float32', 1);
  const [ta, tb] = medianPredictMs([a, b], x, runs);
  x.dispose();
  return [ta, tb];
}
