import { ShapeError, validateConv, type Conv } from '@reparam/core';
import type { Activation, GraphNode } from './ir.js';
import type { OnnxNodeReader } from './onnx-node.js';
import { Refusal } from './onnx-node.js';

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A translated node, before its name and output are attached. */
export type Translated = Without<GraphNode, 'name' | 'output'>;
type Translator = (r: OnnxNodeReader) => Translated;

const f32 = (values: ArrayLike<number>) => Float32Array.from(values);

function activation(kind: (r: OnnxNodeReader) => Activation): Translator {
  return (r) => ({ op: 'activation', activation: kind(r), inputs: [r.input(0)] });
}

/** Clip bounds: attributes before opset 11, optional constant inputs from 11 on. */
function clip(r: OnnxNodeReader): Activation {
  if (r.opset < 11) {
    return { kind: 'clip', min: r.float('min', -Infinity), max: r.float('max', Infinity) };
  }
  const bound = (i: number, fallback: number) => {
    const c = r.optionalConstant(i, i === 1 ? 'the minimum' : 'the maximum');
    if (c !== undefined && c.values.length !== 1) throw new Refusal(`Clip bounds must be scalars`);
    return c === undefined ? fallback : c.values[0];
  };
  return { kind: 'clip', min: bound(1, -Infinity), max: bound(2, Infinity) };
}

function conv(r: OnnxNodeReader): Translated {
  const w = r.constant(1, 'the weight');
  if (w.dims.length !== 4)
    throw new Refusal(`only 2-D convs are supported (weight [${w.dims.join(', ')}])`);
  const [o, ig, kh, kw] = w.dims;
  const kernel = r.pair('kernel_shape', 0);
  if (r.attr('kernel_shape') !== undefined && (kernel[0] !== kh || kernel[1] !== kw)) {
    throw new Refusal(
      `kernel_shape [${kernel.join(', ')}] disagrees with the weight [${w.dims.join(', ')}]`,
    );
  }
  const bias = r.optionalConstant(2, 'the bias');
  const result: Conv = {
    shape: [o, ig, kh, kw],
    weight: f32(w.values),
    bias: bias === undefined ? new Float32Array(o) : f32(bias.values),
    geometry: {
      stride: r.pair('strides', 1),
      padding: r.pads2d(),
      dilation: r.pair('dilations', 1),
      groups: r.int('group', 1),
    },
  };
  try {
    validateConv(result, 'graphFromOnnx');
  } catch (e) {
    if (e instanceof ShapeError) throw new Refusal(e.message);
    throw e;
  }
  return { op: 'conv', conv: result, inputs: [r.input(0)] };
}

/**
 * Rank of the input a constant of `dims` broadcasts over per channel (axis 1): [C, 1, 1] needs
 * rank 4, [C] rank 2; a scalar any rank. Refuses other broadcasts.
 */
function channelRank(dims: readonly number[]): number | undefined {
  const d = [...dims];
  while (d.length > 0 && d[0] === 1) d.shift();
  if (d.every((v) => v === 1)) return undefined;
  if (d.slice(1).every((v) => v === 1)) return d.length + 1;
  throw new Refusal(`a constant of dims [${dims.join(', ')}] is not per channel or a scalar`);
}

/** Add / Sub / Mul / Div of an activation and a constant: a per-channel affine map. */
function affineByConstant(r: OnnxNodeReader, op: string): Translated {
  const k = r.isConstant(1) ? 1 : 0;
  const c = r.constant(k, 'the other operand');
  const rank = channelRank(c.dims);
  const one = Float32Array.of(1);
  const zero = Float32Array.of(0);
  const x = r.input(1 - k);
  const node = (scale: Float32Array, shift: Float32Array): Translated => ({
    op: 'channelAffine',
    scale,
    shift,
    rank,
    inputs: [x],
  });
  if (op === 'Add') return node(one, f32(c.values));
  if (op === 'Mul') return node(f32(c.values), zero);
  if (op === 'Sub') {
    return k === 1
      ? node(one, f32(c.values.map((v) => -v)))
      : node(Float32Array.of(-1), f32(c.values));
  }
  if (k === 0) throw new Refusal('a constant divided by an activation is not supported');
  return node(f32(c.values.map((v) => 1 / v)), zero);
}

function binary(op: 'Add' | 'Sub' | 'Mul' | 'Div'): Translator {
  return (r) => {
    if (r.node.input.length !== 2) throw new Refusal(`${op} needs two inputs`);
    if (r.isConstant(0) || r.isConstant(1)) return affineByConstant(r, op);
    if (op === 'Add') return { op: 'add', inputs: [r.input(0), r.input(1)] };
    if (op === 'Mul') return { op: 'mul', inputs: [r.input(0), r.input(1)] };
    throw new Refusal(`${op} of two computed tensors is not supported`);
  };
}

function pool(r: OnnxNodeReader, max: boolean): Translated {
  if (r.int('ceil_mode', 0) !== 0) throw new Refusal('ceil_mode 1 is not supported');
  if (r.pair('dilations', 1).some((d) => d !== 1)) throw new Refusal('dilations are not supported');
  if (r.int('storage_order', 0) !== 0) throw new Refusal('storage_order 1 is not supported');
  if (r.node.output.length > 1 && r.node.output[1] !== '') {
    throw new Refusal('the Indices output is not supported');
  }
  const window = {
    kernel: r.pair('kernel_shape', 0),
    stride: r.pair('strides', 1),
    padding: r.pads2d(),
  };
  if (window.kernel.some((k) => k < 1)) throw new Refusal('kernel_shape must be 2 positive ints');
  if (max) return { op: 'maxPool', window, inputs: [r.input(0)] };
  const countIncludePad = r.int('count_include_pad', 0) !== 0;
  return { op: 'avgPool', window, countIncludePad, inputs: [r.input(0)] };
}

/** Gemm: y = alpha A B' + beta C with A [n, k] computed, B and C constant. */
function gemm(r: OnnxNodeReader): Translated {
  if (r.int('transA', 0) !== 0) throw new Refusal('transA 1 is not supported');
  const b = r.constant(1, 'B');
  if (b.dims.length !== 2) throw new Refusal(`B must be 2-D, got [${b.dims.join(', ')}]`);
  const transB = r.int('transB', 0) === 1;
  const [rows, cols] = b.dims;
  const [out, k] = transB ? [rows, cols] : [cols, rows];
  const alpha = r.float('alpha', 1);
  const weight = new Float32Array(out * k);
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < k; i++) {
      weight[o * k + i] = alpha * b.values[transB ? o * k + i : i * out + o];
    }
  }
  const c = r.optionalConstant(2, 'C');
  const beta = r.float('beta', 1);
  if (c !== undefined && c.values.length !== 1 && c.values.length !== out) {
    throw new Refusal(`C has ${c.values.length} values; only a scalar or [${out}] is supported`);
  }
  const bias = new Float32Array(out);
  if (c !== undefined)
    for (let o = 0; o < out; o++) bias[o] = beta * c.values[c.values.length === 1 ? 0 : o];
  return { op: 'dense', weight, bias, inputs: [r.input(0)] };
}

function matMul(r: OnnxNodeReader): Translated {
  const b = r.constant(1, 'the second operand');
  if (b.dims.length !== 2)
    throw new Refusal(`the second operand must be 2-D, got [${b.dims.join(', ')}]`);
  const [k, out] = b.dims;
  const weight = new Float32Array(out * k);
  for (let o = 0; o < out; o++)
    for (let i = 0; i < k; i++) weight[o * k + i] = b.values[i * out + o];
  return { op: 'dense', weight, bias: new Float32Array(out), inputs: [r.input(0)] };
}

function batchNorm(r: OnnxNodeReader): Translated {
  if (r.int('training_mode', 0) !== 0) throw new Refusal('training_mode 1 is not supported');
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map(
    (i) => r.constant(i, 'a statistic').values,
  );
  const epsilon = r.float('epsilon', 1e-5);
  const scale = gamma.map((g, c) => g / Math.sqrt(variance[c] + epsilon));
  const shift = beta.map((b, c) => b - mean[c] * scale[c]);
  return { op: 'channelAffine', scale: f32(scale), shift: f32(shift), inputs: [r.input(0)] };
}

/** Axes of Squeeze / Unsqueeze: an attribute before opset 13, an optional input from 13 on. */
function axes(r: OnnxNodeReader): number[] | undefined {
  if (r.opset < 13) return r.attr('axes') === undefined ? undefined : [...r.ints('axes', [])];
  const c = r.optionalConstant(1, 'axes');
  return c === undefined ? undefined : Array.from(c.values);
}

function pad(r: OnnxNodeReader): Translated {
  const mode = r.string('mode', 'constant');
  if (mode !== 'constant') throw new Refusal(`mode '${mode}' is not supported (only constant)`);
  const p = r.opset < 11 ? r.ints('pads', []) : Array.from(r.constant(1, 'pads').values);
  const value =
    r.opset < 11 ? r.float('value', 0) : (r.optionalConstant(2, 'the value')?.values[0] ?? 0);
  if (r.input(3) !== '') throw new Refusal('the axes input is not supported');
  if (p.length !== 8 || p[0] !== 0 || p[1] !== 0 || p[4] !== 0 || p[5] !== 0) {
    throw new Refusal(`pads [${p.join(', ')}] must pad the two spatial dims of a 4-D tensor only`);
  }
  return { op: 'pad', padding: [p[2], p[3], p[6], p[7]], value, inputs: [r.input(0)] };
}

const reshape = (r: OnnxNodeReader, fields: object = {}): Translated => ({
  op: 'reshape',
  ...fields,
  inputs: [r.input(0)],
});

/** Translators of the supported ONNX operators (default domain). */
export const ONNX_OPS: Readonly<Record<string, Translator>> = {
  Conv: conv,
  Relu: activation(() => ({ kind: 'relu' })),
  Clip: activation(clip),
  LeakyRelu: activation((r) => ({ kind: 'leakyRelu', alpha: r.float('alpha', 0.01) })),
  HardSwish: activation(() => ({ kind: 'hardSwish' })),
  Sigmoid: activation(() => ({ kind: 'sigmoid' })),
  HardSigmoid: activation((r) => ({
    kind: 'hardSigmoid',
    alpha: r.float('alpha', 0.2),
    beta: r.float('beta', 0.5),
  })),
  Add: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Div: binary('Div'),
  Sum: (r) => {
    if (r.node.input.some((_, i) => r.isConstant(i))) throw new Refusal('constant Sum inputs');
    return { op: 'add', inputs: [...r.node.input] };
  },
  Concat: (r) => ({ op: 'concat', axis: r.int('axis', 1), inputs: [...r.node.input] }),
  MaxPool: (r) => pool(r, true),
  AveragePool: (r) => pool(r, false),
  GlobalAveragePool: (r) => ({ op: 'globalAvgPool', inputs: [r.input(0)] }),
  GlobalMaxPool: (r) => ({ op: 'globalMaxPool', inputs: [r.input(0)] }),
  Pad: pad,
  BatchNormalization: batchNorm,
  Gemm: gemm,
  MatMul: matMul,
  Softmax: (r) => ({
    op: 'softmax',
    axis: r.int('axis', r.opset < 13 ? 1 : -1),
    coerce2d: r.opset < 13,
    inputs: [r.input(0)],
  }),
  Transpose: (r) => ({ op: 'transpose', perm: [...r.ints('perm', [])], inputs: [r.input(0)] }),
  Flatten: (r) => reshape(r, { flattenAxis: r.int('axis', 1) }),
  Reshape: (r) => {
    if (r.int('allowzero', 0) !== 0) throw new Refusal('allowzero 1 is not supported');
    return reshape(r, { shape: Array.from(r.constant(1, 'the shape').values) });
  },
  Squeeze: (r) => reshape(r, { squeezeAxes: axes(r) ?? 'all' }),
  Unsqueeze: (r) => {
    const a = axes(r);
    if (a === undefined) throw new Refusal('Unsqueeze needs axes');
    return reshape(r, { unsqueezeAxes: a });
  },
  Identity: (r) => reshape(r),
  Dropout: (r) => {
    if (r.node.output.length > 1 && r.node.output[1] !== '') {
      throw new Refusal('the mask output is not supported');
    }
    return reshape(r);
  },
};
