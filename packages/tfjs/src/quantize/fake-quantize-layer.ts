import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '@reparam/core';
import { INT8_MAX } from './int8.js';

/** Arguments of {@link FakeQuantize}. */
export interface FakeQuantizeArgs {
  /** The int8 step: values become `clamp(round(x / scale), -127, 127) * scale`. */
  scale: number;
  name?: string;
}

/**
 * Simulated symmetric int8 quantization of a tensor (per-tensor scale): what an int8 inference
 * engine computes with, in float32. Serializable; no weights.
 */
export class FakeQuantize extends tf.layers.Layer {
  static readonly className = 'FakeQuantize';
  readonly scale: number;

  constructor(args: FakeQuantizeArgs) {
    super({ name: args.name });
    if (!(args.scale > 0) || !Number.isFinite(args.scale))
      throw new ShapeError(`FakeQuantize: scale ${args.scale} must be a positive finite number`);
    this.scale = args.scale;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const q = tf.clipByValue(tf.round(tf.div(x, this.scale)), -INT8_MAX, INT8_MAX);
      return tf.mul(q, this.scale);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}
tf.serialization.registerClass(FakeQuantize);
