import * as tf from '@tensorflow/tfjs';
import { refocus, ShapeError, type Expr } from '@reparam/core';
import type { BatchNormVars } from './_internal/batch-norm-vars.js';
import { ReparamLayer, type ReparamLayerArgs } from './reparam-layer.js';
import { convOp, kernelOihw } from './_internal/conv-op.js';
import { depthwiseToOihw, hwioToOihw, type Shape4 } from '../layout.js';

/** Arguments of {@link RefConv2D}. */
export interface RefConv2DArgs extends ReparamLayerArgs {
  /** Odd size of the refocusing kernel W_r (default 3). */
  mapKernelSize?: number;
  /** Adds a learnable bias (default false: RefConv replaces a conv followed by BN). */
  useBias?: boolean;
  /** Applies a batch-norm after the conv, folded into the deploy conv (default false). */
  useBatchNorm?: boolean;
}

/**
 * RefConv (Cai et al., 2023): a conv whose kernel is `W_t = W_b + W_b * W_r`, with the base
 * kernel W_b frozen (a pretrained conv's weights, see {@link RefConv2D.setBaseKernel}) and the
 * refocusing kernel W_r learned (zero at start, so training starts from the pretrained conv).
 * Dense convs refocus each 2-D kernel on its own (W_r `[m, m, i*o, 1]`, map `i*out + o`); depthwise convs
 * (multiplier 1) mix all channels' kernels (W_r `[m, m, c, c]`). Deploys as one conv with
 * kernel W_t computed by core's `refocus`.
 */
export class RefConv2D extends ReparamLayer {
  static readonly className = 'RefConv2D';
  readonly mapKernelSize: number;
  readonly useBias: boolean;
  readonly useBatchNorm: boolean;
  private bn: BatchNormVars | undefined;
  private base!: tf.LayerVariable;
  private refocusKernel!: tf.LayerVariable;
  private bias: tf.LayerVariable | undefined;

  constructor(args: RefConv2DArgs) {
    super(args, { kernelSize: 3, activation: 'linear' });
    this.mapKernelSize = args.mapKernelSize ?? 3;
    this.useBias = args.useBias ?? false;
    this.useBatchNorm = args.useBatchNorm ?? false;
    const m = this.mapKernelSize;
    if (!Number.isInteger(m) || m < 1 || m % 2 === 0)
      throw new ShapeError(`RefConv2D: mapKernelSize ${m} must be an odd positive integer`);
  }

  protected createWeights(): void {
    const k = this.kernelSize;
    const m = this.mapKernelSize;
    if (this.depthwise && this.outChannels !== this.inChannels) {
      throw new ShapeError(
        `RefConv2D: depthwise refocusing needs a channel multiplier of 1, got ${this.inChannels} -> ${this.outChannels}`,
      );
    }
    this.base = this.addKernel('base_kernel', k, k, undefined, false);
    const maps = this.depthwise ? this.inChannels : this.inChannels * this.outChannels;
    const shape = this.depthwise ? [m, m, maps, maps] : [m, m, maps, 1];
    this.refocusKernel = this.addWeight(
      'refocus_kernel',
      shape,
      'float32',
      tf.initializers.zeros(),
    );
    this.bias = this.useBias
      ? this.addWeight('bias', [this.outChannels], 'float32', tf.initializers.zeros())
      : undefined;
    this.bn = this.useBatchNorm ? this.addBatchNorm('bn', this.outChannels) : undefined;
  }

  /** Sets the frozen base kernel W_b: HWIO `[k, k, in, out]`, or `[k, k, c, 1]` when depthwise. */
  setBaseKernel(kernel: tf.Tensor): void {
    const want = this.base.shape.join(', ');
    if (kernel.shape.join(', ') !== want) {
      throw new ShapeError(
        `RefConv2D.setBaseKernel: kernel shape [${kernel.shape.join(', ')}] must be [${want}]`,
      );
    }
    this.base.write(kernel);
  }

  /**
   * The transformed kernel W_t in tfjs layout, differentiable in W_r only (the base is frozen):
   * one depthwise (dense) or dense (depthwise) conv of the base viewed as an image, whose
   * gradient is the one filter gradient of that conv.
   */
  transformedKernel(): tf.Tensor4D {
    const b = this.base.read();
    const [k, , ci, co] = b.shape as Shape4;
    // Dense: each 2-D kernel is refocused on its own (a depthwise op), so the HWIO kernel is used
    // as a [1, k, k, in*out] image as it lies in memory, map i*out + o, with no transposes.
    // Depthwise (multiplier 1): a dense conv over the [1, k, k, c] image mixes the channels.
    const channels = this.depthwise ? ci : ci * co;
    const img = tf.reshape<tf.Rank.R4>(b, [1, k, k, channels]);
    const refocusConv = (wr: tf.Tensor4D): tf.Tensor4D =>
      this.depthwise ? tf.conv2d(img, wr, 1, 'same') : tf.depthwiseConv2d(img, wr, 1, 'same');
    const f = tf.customGrad((...args: unknown[]) => {
      const wr = args[0] as tf.Tensor4D;
      const save = args[1] as (t: tf.Tensor[]) => void;
      save([img]); // kept for the backward pass beyond the caller's tidy
      const value = tf.reshape<tf.Rank.R4>(tf.add(img, refocusConv(wr)), [k, k, ci, co]);
      return {
        value,
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
          tf.tidy(() => {
            const d = tf.reshape(Array.isArray(dy) ? dy[0] : dy, [1, k, k, channels]);
            const kernel = this.depthwise
              ? 'Conv2DBackpropFilter'
              : 'DepthwiseConv2dNativeBackpropFilter';
            const attrs = { strides: 1, pad: 'same', dilations: 1, dataFormat: 'NHWC' };
            return [
              tf
                .engine()
                .runKernel<tf.Tensor4D>(
                  kernel,
                  { x: saved[0], dy: d },
                  { ...attrs, filterShape: wr.shape },
                ),
            ];
          }),
      };
    });
    return f(this.refocusKernel.read());
  }

  protected forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const p = this.padding;
    const c = convOp(x, this.transformedKernel(), this.strides, [p, p, p, p], this.depthwise);
    const y = this.bias ? tf.add<tf.Tensor4D>(c, this.bias.read()) : c;
    return this.bn ? this.bn.apply(y, training, this.momentum, this.epsilon) : y;
  }

  protected expr(): Expr {
    const r = this.refocusKernel.read();
    const rShape = r.shape as Shape4;
    const weight = refocus({
      base: kernelOihw(this.base, this.depthwise),
      shape: this.convShape,
      groups: this.groups,
      refocus: this.depthwise
        ? hwioToOihw(r.dataSync(), rShape).weight
        : denseMapsToCore(r.dataSync(), this.inChannels, this.outChannels, this.mapKernelSize),
      mapKernelSize: this.mapKernelSize,
    });
    return this.convExpr(weight, this.bias, this.bn);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      mapKernelSize: this.mapKernelSize,
      useBias: this.useBias,
      useBatchNorm: this.useBatchNorm,
    };
  }
}
tf.serialization.registerClass(RefConv2D);

/**
 * Dense refocus kernel `[m, m, in*out, 1]` with map `i*out + o` (tfjs memory order of HWIO) ->
 * core's `[out*in, 1, m, m]` with map `o*in + i` (OIHW order).
 */
function denseMapsToCore(data: ArrayLike<number>, ci: number, co: number, m: number): Float64Array {
  const { weight } = depthwiseToOihw(data, [m, m, ci * co, 1]);
  const out = new Float64Array(weight.length);
  const size = m * m;
  for (let i = 0; i < ci; i++)
    for (let o = 0; o < co; o++)
      out.set(weight.subarray((i * co + o) * size, (i * co + o + 1) * size), (o * ci + i) * size);
  return out;
}
