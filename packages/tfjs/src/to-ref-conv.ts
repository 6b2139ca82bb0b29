import * as tf from '@tensorflow/tfjs';
import { activationNames, type ActivationName } from './layers/_internal/activation.js';
import { ConvBN } from './layers/conv-bn.js';
import { RefConv2D } from './layers/ref-conv2d.js';
import { rewriteModel } from './_internal/rewrite-model.js';

/** Options of {@link toRefConv}. */
export interface ToRefConvOptions {
  /** Odd refocusing kernel size (default 3). */
  mapKernelSize?: number;
}

/** Result of {@link toRefConv}: the new model and which convs were (not) converted, by name. */
export interface ToRefConvResult {
  model: tf.LayersModel;
  converted: string[];
  skipped: Array<{ name: string; reason: string }>;
}

interface ConvConfig {
  kernelSize: number[];
  strides: number[];
  dilationRate: number | number[];
  padding: string;
  activation: string;
  useBias: boolean;
  depthMultiplier?: number;
  filters?: number;
}

/** Why a trained conv cannot become a RefConv2D with the same output, or null if it can. */
function refusal(layer: tf.layers.Layer, c: ConvConfig): string | null {
  const [kh, kw] = c.kernelSize;
  if (kh !== kw || kh % 2 === 0 || kh === 1) return `kernel ${kh}x${kw} is not square, odd and > 1`;
  if (c.strides[0] !== c.strides[1]) return `strides [${c.strides.join(', ')}] differ`;
  const dil = Array.isArray(c.dilationRate) ? c.dilationRate : [c.dilationRate, c.dilationRate];
  if (dil.some((d) => d !== 1)) return 'dilated';
  if (c.padding !== 'same') return `padding '${c.padding}' is not 'same'`;
  if (!activationNames.some((a) => a === c.activation))
    return `activation '${c.activation}' is not supported`;
  if (c.depthMultiplier !== undefined && c.depthMultiplier !== 1)
    return `depth multiplier ${c.depthMultiplier} is not 1`;
  const shape = layer.inboundNodes[0]?.inputTensors[0]?.shape;
  const s = c.strides[0];
  for (const size of [shape?.[1], shape?.[2]]) {
    // tfjs 'same' pads (out-1)*s + k - size in total, the extra pixel at the end: symmetric K/2 only sometimes.
    if (s === 1) continue;
    if (size === null || size === undefined) return `stride ${s} on an unknown input size`;
    const total = Math.max((Math.ceil(size / s) - 1) * s + kh - size, 0);
    if (total !== 2 * (kh >> 1))
      return `tfjs 'same' pads ${total} pixels here, not ${kh >> 1} on each side`;
  }
  return null;
}

/** A RefConv2D with a batch-norm computing what a trained {@link ConvBN} computes, or why not. */
function fromConvBN(layer: ConvBN, m: number): RefConv2D | string {
  if (layer.kernelSize === 1) return 'kernel 1x1';
  const [kernel, gamma, beta, mean, variance] = layer.getWeights();
  const [k, , ci, co] = kernel.shape;
  if (layer.depthwise && co !== 1) return `depth multiplier ${co} is not 1`;
  const refocus = tf.zeros(layer.depthwise ? [m, m, ci, ci] : [m, m, ci * co, 1]);
  return new RefConv2D({
    name: layer.name,
    filters: layer.filters,
    depthwise: layer.depthwise,
    kernelSize: k,
    strides: layer.strides,
    activation: layer.activation,
    momentum: layer.momentum,
    epsilon: layer.epsilon,
    mapKernelSize: m,
    useBatchNorm: true,
    // Trainable first (refocus, gamma, beta), then the frozen base and running statistics.
    weights: [refocus, gamma, beta, kernel, mean, variance],
  });
}

/**
 * Replaces the KxK convs of a trained model (`Conv2D`, `DepthwiseConv2D` with multiplier 1, and
 * this package's {@link ConvBN}, which becomes a RefConv2D with the same batch-norm)
 * by {@link RefConv2D} layers whose frozen base kernels are the trained weights, with the
 * refocusing kernels at zero, so the new model computes exactly what the old one does and only
 * W_r (and biases) train (RefConv is applied to pretrained models). Convs whose tfjs padding is
 * not the symmetric K/2 of RefConv2D (`'valid'`, or `'same'` with stride > 1 on even sizes),
 * 1x1, dilated or non-square ones are kept and listed in `skipped`.
 */
export function toRefConv(model: tf.LayersModel, options: ToRefConvOptions = {}): ToRefConvResult {
  const m = options.mapKernelSize ?? 3;
  const converted: string[] = [];
  const skipped: Array<{ name: string; reason: string }> = [];
  const out = rewriteModel(model, (layer) => {
    const cls = layer.getClassName();
    if (layer instanceof ConvBN) {
      const r = fromConvBN(layer, m);
      if (typeof r === 'string') skipped.push({ name: layer.name, reason: r });
      else converted.push(layer.name);
      return typeof r === 'string' ? null : [r];
    }
    if (cls !== 'Conv2D' && cls !== 'DepthwiseConv2D') return null;
    const c = layer.getConfig() as unknown as ConvConfig;
    const why = refusal(layer, c);
    if (why !== null) {
      skipped.push({ name: layer.name, reason: why });
      return null;
    }
    const depthwise = cls === 'DepthwiseConv2D';
    const [kernel, bias] = layer.getWeights();
    const [k, , ci, co] = kernel.shape;
    const refocus = tf.zeros(depthwise ? [m, m, ci, ci] : [m, m, ci * co, 1]);
    converted.push(layer.name);
    return [
      new RefConv2D({
        name: layer.name,
        filters: depthwise ? undefined : c.filters,
        depthwise,
        kernelSize: k,
        strides: c.strides[0],
        activation: c.activation as ActivationName,
        useBias: c.useBias,
        mapKernelSize: m,
        // tfjs orders weights trainable first: refocus, bias, then the frozen base.
        weights: c.useBias ? [refocus, bias, kernel] : [refocus, kernel],
      }),
    ];
  });
  return { model: out, converted, skipped };
}
