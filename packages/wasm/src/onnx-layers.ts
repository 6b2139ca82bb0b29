import type { Conv } from '@reparam/core';
import { UnsupportedModelError } from './errors.js';
import type { Layer } from './network.js';

/** An ONNX attribute, as decoded by `@reparam/onnx`'s `parseModel` (only the fields read here). */
export interface OnnxAttributeLike {
  readonly name?: string;
  readonly i?: number;
  readonly f?: number;
  readonly ints: readonly number[];
}
/** An ONNX node (subset of `NodeProto`). */
export interface OnnxNodeLike {
  readonly opType?: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute: readonly OnnxAttributeLike[];
}
/** An ONNX tensor (subset of `TensorProto`); float32 only. */
export interface OnnxTensorLike {
  readonly name?: string;
  readonly dims: readonly number[];
  readonly dataType?: number;
  readonly rawData?: Uint8Array;
  readonly floatData: readonly number[];
}
/** An ONNX model (subset of `ModelProto`), e.g. the result of `@reparam/onnx`'s `parseModel`. */
export interface OnnxModelLike {
  readonly graph?: {
    readonly node: readonly OnnxNodeLike[];
    readonly initializer: readonly OnnxTensorLike[];
    readonly input: readonly { readonly name?: string }[];
  };
}

const FLOAT = 1;

function floats(t: OnnxTensorLike): Float32Array {
  const n = t.dims.reduce((a, b) => a * b, 1);
  if ((t.dataType ?? FLOAT) !== FLOAT) {
    throw new UnsupportedModelError(
      `layersFromOnnx: initializer '${t.name ?? ''}' has data type ${t.dataType}, only float32 (1) is supported`,
    );
  }
  if (t.rawData !== undefined && t.rawData.length > 0) {
    if (t.rawData.length !== n * 4) {
      throw new UnsupportedModelError(
        `layersFromOnnx: initializer '${t.name ?? ''}' has ${t.rawData.length} raw bytes, dims [${t.dims.join(', ')}] need ${n * 4}`,
      );
    }
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    return Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
  }
  return Float32Array.from(t.floatData);
}

/**
 * The layers of a plain ONNX deploy network, for {@link WasmNetwork.compile}: a single chain of
 * Conv (explicit pads, any strides / dilations / group), Relu, MaxPool, AveragePool,
 * GlobalAveragePool, Flatten (axis 1, before Gemm), Gemm (alpha = beta = 1, transA = 0) and
 * Identity / Dropout (skipped). Anything else (Add, auto_pad, ceil_mode...) is refused with an
 * {@link UnsupportedModelError} naming the node.
 */
export function layersFromOnnx(model: OnnxModelLike): Layer[] {
  const graph = model.graph;
  if (graph === undefined)
    throw new UnsupportedModelError('layersFromOnnx: the model has no graph');
  const inits = new Map(graph.initializer.map((t) => [t.name ?? '', t]));
  const inputs = graph.input.map((i) => i.name ?? '').filter((n) => !inits.has(n));
  if (inputs.length !== 1) {
    throw new UnsupportedModelError(
      `layersFromOnnx: expected one graph input, found ${inputs.length} (${inputs.join(', ')})`,
    );
  }
  let current = inputs[0];
  const layers: Layer[] = [];
  for (const [index, node] of graph.node.entries()) {
    const op = node.opType ?? '';
    const where = `layersFromOnnx: node ${index} (${op})`;
    if (node.input[0] !== current) {
      throw new UnsupportedModelError(
        `${where} reads '${node.input[0]}', not the previous output '${current}': only a single chain is supported`,
      );
    }
    const attr = (name: string) => node.attribute.find((a) => a.name === name);
    const int = (name: string, fallback: number) => attr(name)?.i ?? fallback;
    const ints = (name: string, fallback: readonly number[]) => attr(name)?.ints ?? fallback;
    const init = (i: number) => {
      const t = inits.get(node.input[i]);
      if (t === undefined)
        throw new UnsupportedModelError(
          `${where}: input '${node.input[i]}' must be an initializer`,
        );
      return t;
    };
    if (attr('auto_pad') !== undefined)
      throw new UnsupportedModelError(
        `${where}: auto_pad is not supported; export with explicit pads`,
      );
    if (op === 'Conv') {
      const w = init(1);
      const [o, ig, kh, kw] = w.dims;
      const bias =
        node.input.length > 2 && node.input[2] !== '' ? floats(init(2)) : new Float32Array(o);
      const [st, sl, sb, sr] = ints('pads', [0, 0, 0, 0]);
      const stride = ints('strides', [1, 1]);
      const dilation = ints('dilations', [1, 1]);
      const conv: Conv = {
        shape: [o, ig, kh, kw],
        weight: floats(w),
        bias,
        geometry: {
          stride: [stride[0], stride[1]],
          padding: [st, sl, sb, sr],
          dilation: [dilation[0], dilation[1]],
          groups: int('group', 1),
        },
      };
      layers.push({ type: 'conv', conv });
    } else if (op === 'Relu') {
      layers.push({ type: 'relu' });
    } else if (op === 'MaxPool' || op === 'AveragePool') {
      if (int('ceil_mode', 0) !== 0 || ints('dilations', [1, 1]).some((d) => d !== 1)) {
        throw new UnsupportedModelError(`${where}: ceil_mode and dilations are not supported`);
      }
      const [kh, kw] = ints('kernel_shape', []);
      const [pt, pl, pb, pr] = ints('pads', [0, 0, 0, 0]);
      const stride = ints('strides', [1, 1]);
      layers.push({
        type: op === 'MaxPool' ? 'maxPool' : 'avgPool',
        kernel: [kh, kw],
        stride: [stride[0], stride[1]],
        padding: [pt, pl, pb, pr],
        countIncludePad: int('count_include_pad', 0) !== 0,
      });
    } else if (op === 'GlobalAveragePool') {
      layers.push({ type: 'globalAvgPool' });
    } else if (op === 'Gemm') {
      if (int('transA', 0) !== 0 || (attr('alpha')?.f ?? 1) !== 1 || (attr('beta')?.f ?? 1) !== 1) {
        throw new UnsupportedModelError(
          `${where}: only transA = 0, alpha = beta = 1 are supported`,
        );
      }
      const b = init(1);
      const values = floats(b);
      const [rows, cols] = b.dims;
      // y = x B^T when transB = 1 (B is [out, in]); else B is [in, out].
      const weight =
        int('transB', 0) === 1
          ? values
          : Float32Array.from(
              { length: rows * cols },
              (_, k) => values[(k % rows) * cols + Math.floor(k / rows)],
            );
      const out = int('transB', 0) === 1 ? rows : cols;
      const bias =
        node.input.length > 2 && node.input[2] !== '' ? floats(init(2)) : new Float32Array(out);
      layers.push({ type: 'gemm', weight, bias });
    } else if (op === 'Flatten') {
      if (int('axis', 1) !== 1 || graph.node[index + 1]?.opType !== 'Gemm') {
        throw new UnsupportedModelError(
          `${where}: only Flatten(axis = 1) right before Gemm is supported`,
        );
      }
    } else if (op !== 'Identity' && op !== 'Dropout') {
      throw new UnsupportedModelError(
        `${where}: operator ${op} is not supported by the wasm runtime`,
      );
    }
    current = node.output[0];
  }
  return layers;
}
