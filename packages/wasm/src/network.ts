import { ShapeError, type Conv, type Floats } from '@reparam/core';
import type { PreparedConv, WasmConvRuntime } from './conv-runtime.js';
import { pool2d, poolOutput, type PoolWindow } from './_internal/pooling.js';

type Pair = readonly [number, number];

/** One layer of a plain deploy network (NCHW float32 activations). */
export type Layer =
  | { readonly type: 'conv'; readonly conv: Conv; readonly relu?: boolean }
  | { readonly type: 'relu' }
  | {
      readonly type: 'maxPool' | 'avgPool';
      readonly kernel: number | Pair;
      readonly stride?: number | Pair;
      /** One number or [top, left, bottom, right]. */
      readonly padding?: number | readonly [number, number, number, number];
      /** avgPool only: padded positions count in the average (ONNX default: false). */
      readonly countIncludePad?: boolean;
    }
  | { readonly type: 'globalAvgPool' }
  /** Flatten then y = W x + b, `weight` [out, in] row-major (ONNX Gemm with transB = 1). */
  | {
      readonly type: 'gemm';
      readonly weight: Floats;
      readonly bias?: Floats;
      readonly relu?: boolean;
    };

type Step =
  | { kind: 'conv'; prepared: PreparedConv; flatten: boolean }
  | { kind: 'relu' }
  | { kind: 'pool'; mode: 'max' | 'avg'; window: PoolWindow; countIncludePad: boolean }
  | { kind: 'gap' };

type Shape = [number, number, number, number];

const pair = (v: number | Pair): Pair => (typeof v === 'number' ? [v, v] : v);

function gemmAsConv(layer: Extract<Layer, { type: 'gemm' }>, index: number): Conv {
  const out = layer.bias?.length ?? 0;
  if (out === 0 || layer.weight.length % out !== 0) {
    throw new ShapeError(
      `WasmNetwork: layer ${index} (gemm) needs a bias of [out] and a weight of [out, in]; got ` +
        `${layer.weight.length} weights and ${out} biases`,
    );
  }
  const inputs = layer.weight.length / out;
  const geometry = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 } as const;
  return { shape: [out, inputs, 1, 1], weight: layer.weight, bias: layer.bias!, geometry };
}

/**
 * A plain conv network compiled for a {@link WasmConvRuntime}: convs (any geometry, ReLU fused,
 * a following `relu` layer is fused too), max / average pooling, global average pooling and a
 * final Gemm (flatten implied). Weights are packed once; `run` takes NCHW float32 input of any
 * batch and spatial size the layers accept.
 */
export class WasmNetwork {
  private constructor(
    private readonly runtime: WasmConvRuntime,
    private readonly steps: readonly Step[],
  ) {}

  /** Validates and packs `layers` into `runtime`'s memory. */
  static compile(runtime: WasmConvRuntime, layers: readonly Layer[]): WasmNetwork {
    const steps: Step[] = [];
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i];
      if (layer.type === 'relu') {
        steps.push({ kind: 'relu' });
      } else if (layer.type === 'conv' || layer.type === 'gemm') {
        const conv = layer.type === 'conv' ? layer.conv : gemmAsConv(layer, i);
        // A ReLU layer right after a conv is fused into it.
        const fuse = layers[i + 1]?.type === 'relu';
        const relu = (layer.relu ?? false) || fuse;
        if (fuse) i++;
        const prepared = runtime.prepare(conv, { relu });
        steps.push({ kind: 'conv', prepared, flatten: layer.type === 'gemm' });
      } else if (layer.type === 'globalAvgPool') {
        steps.push({ kind: 'gap' });
      } else {
        const padding = layer.padding ?? 0;
        const window: PoolWindow = {
          kernel: pair(layer.kernel),
          stride: pair(layer.stride ?? layer.kernel),
          padding: typeof padding === 'number' ? [padding, padding, padding, padding] : padding,
        };
        const [kh, kw] = window.kernel;
        if (![kh, kw, ...window.stride].every((v) => Number.isInteger(v) && v > 0)) {
          throw new ShapeError(
            `WasmNetwork: layer ${i} (${layer.type}) kernel [${kh}, ${kw}] and stride [${window.stride.join(', ')}] must be positive integers`,
          );
        }
        const mode = layer.type === 'maxPool' ? 'max' : 'avg';
        steps.push({ kind: 'pool', mode, window, countIncludePad: layer.countIncludePad ?? false });
      }
    }
    return new WasmNetwork(runtime, steps);
  }

  /** Runs the network on an NCHW float32 input of `shape`; returns the output and its shape. */
  run(input: ArrayLike<number>, shape: readonly number[]): { data: Float32Array; shape: Shape } {
    const heap = this.runtime.heap;
    if (shape.length !== 4 || !shape.every((v) => Number.isInteger(v) && v > 0)) {
      throw new ShapeError(
        `WasmNetwork.run: input shape [${shape.join(', ')}] must be 4 positive integers (NCHW)`,
      );
    }
    let cur: Shape = [shape[0], shape[1], shape[2], shape[3]];
    const size = (s: Shape) => s[0] * s[1] * s[2] * s[3];
    if (input.length !== size(cur)) {
      throw new ShapeError(
        `WasmNetwork.run: input has ${input.length} values, shape [${shape.join(', ')}] needs ${size(cur)}`,
      );
    }
    const mark = heap.mark();
    try {
      let x = heap.alloc(size(cur));
      heap.write(x, input);
      for (const step of this.steps) {
        if (step.kind === 'relu') {
          const v = heap.f32(x, size(cur));
          for (let i = 0; i < v.length; i++) if (v[i] < 0) v[i] = 0;
          continue;
        }
        if (step.kind === 'conv') {
          if (step.flatten) cur = [cur[0], cur[1] * cur[2] * cur[3], 1, 1];
          const d = step.prepared.dims(cur);
          const next: Shape = [d.n, d.o, d.ho, d.wo];
          const y = heap.alloc(size(next));
          step.prepared.runPointers(x, y, d);
          [x, cur] = [y, next];
          continue;
        }
        const [n, c, h, w] = cur;
        const [ho, wo] = step.kind === 'gap' ? [1, 1] : poolOutput(step.window, h, w);
        if (ho < 1 || wo < 1) {
          throw new ShapeError(`WasmNetwork.run: pooling leaves ${ho}x${wo} from ${h}x${w}`);
        }
        const next: Shape = [n, c, ho, wo];
        const y = heap.alloc(size(next));
        const window: PoolWindow =
          step.kind === 'gap'
            ? { kernel: [h, w], stride: [h, w], padding: [0, 0, 0, 0] }
            : step.window;
        const mode = step.kind === 'gap' ? 'avg' : step.mode;
        const include = step.kind === 'pool' && step.countIncludePad;
        pool2d(mode, window, include, heap.f32(x, size(cur)), n * c, h, w, heap.f32(y, size(next)));
        [x, cur] = [y, next];
      }
      return { data: heap.f32(x, size(cur)).slice(), shape: cur };
    } finally {
      heap.release(mark);
    }
  }
}
