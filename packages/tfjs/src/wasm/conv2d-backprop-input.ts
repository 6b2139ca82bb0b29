import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convDims, convInfo, readFloats, type GradAttrs } from './conv-info.js';
import { inputGradientByGemm, inputGradientByPhases } from './transposed-conv.js';

/**
 * Input gradient of a 2-D convolution on the wasm backend's fast kernels: at stride 1 and
 * dilation 1, one XNNPACK conv of dy with the kernel flipped and in/out swapped
 * (`W'[y, x, o, i] = W[kh-1-y, kw-1-x, i, o]`, padding `kh-1-top`, `kw-1-left`,
 * `inputGradientByPhases`); otherwise one matrix product `dy W^T` and a JS col2im
 * (`inputGradientByGemm`). Paddings that would need a crop go to `fallback`, tfjs-backend-wasm's
 * own kernel.
 */
export function conv2dBackpropInputWasm(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const fn = 'Conv2DBackpropInput(wasm)';
    const b = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = args.attrs as unknown as GradAttrs & { inputShape: [number, number, number, number] };
    const info = convInfo(fn, a.inputShape, filter.shape, a, false);
    const dims = convDims(info);
    const weights = readFloats(fn, b, filter);
    const pads = { top: info.padInfo.top, left: info.padInfo.left };
    const unit = dims.sh === 1 && dims.sw === 1 && dims.dh === 1 && dims.dw === 1;
    const dx = unit
      ? inputGradientByPhases(b, dy, weights, dims, pads, false)
      : inputGradientByGemm(b, dy, weights, dims);
    return dx ?? fallback(args);
  };
}

/** Replaces tfjs-backend-wasm's `Conv2DBackpropInput` by {@link conv2dBackpropInputWasm} around it. */
export function conv2dBackpropInputWasmConfig(original: KernelConfig): KernelConfig {
  return { ...original, kernelFunc: conv2dBackpropInputWasm(original.kernelFunc) };
}
