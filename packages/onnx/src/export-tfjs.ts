import type * as tf from '@tensorflow/tfjs';
import { ModelBuilder, float } from './builder.js';
import { UsageError } from './errors.js';
import { depthwiseToOihw, hwioToOihw, NCHW_TO_NHWC, NHWC_TO_NCHW } from './layout.js';
import type { ModelProto } from './proto.js';

/** Options of {@link exportTfjsModel}. */
export interface ExportOptions {
  /** Opset of the exported model (13 to 21; default 17). */
  opset?: number;
}

/** A tensor of the exported graph and whether it is NCHW (4-D activations) or as in tfjs. */
interface Value {
  name: string;
  nchw: boolean;
}

type Config = Record<string, unknown>;
interface InboundNode {
  inboundLayers: tf.layers.Layer[];
}

const inbound = (layer: tf.layers.Layer): tf.layers.Layer[] => {
  const nodes = (layer as unknown as { inboundNodes: InboundNode[] }).inboundNodes;
  if (nodes.length !== 1)
    throw new UsageError(
      `exportTfjsModel: layer '${layer.name}' is called ${nodes.length} times; shared layers are not supported`,
    );
  return nodes[0].inboundLayers;
};

/**
 * Exports a tfjs deploy model (for example the result of `@reparam/tfjs`'s `reparameterize`)
 * to ONNX. Inputs and 4-D outputs stay NHWC as in tfjs; inside, activations are NCHW and kernels
 * OIHW (converted in `layout.ts`). Supported layers: InputLayer, Conv2D, DepthwiseConv2D,
 * ZeroPadding2D, Dense, BatchNormalization, ReLU, Activation, Add, Concatenate, MaxPooling2D,
 * AveragePooling2D, GlobalAveragePooling2D, Flatten, Dropout. Anything else throws
 * {@link UsageError} naming the layer. 'same' padding becomes explicit pads where the layer's
 * input size is fixed (`auto_pad` SAME_UPPER where it is not).
 */
export function exportTfjsModel(model: tf.LayersModel, options: ExportOptions = {}): ModelProto {
  const b = new ModelBuilder(options.opset ?? 17, model.name);
  const values = new Map<string, Value>();
  // A Sequential model does not list its InputLayer among `layers`: take it from the inbound nodes.
  const listed = new Set(model.layers);
  const hidden = model.layers
    .flatMap((l) => inbound(l))
    .filter((l) => !listed.has(l) && l.getClassName() === 'InputLayer');
  for (const layer of [...new Set(hidden), ...model.layers]) {
    const cls = layer.getClassName();
    const config = layer.getConfig() as Config;
    if (cls === 'InputLayer') {
      const shape = (config.batchInputShape as (number | null)[]).map(
        (d, k) => d ?? (k === 0 ? 'N' : `d${k}`),
      );
      const name = b.input(layer.name, shape);
      values.set(
        layer.name,
        shape.length === 4
          ? { name: b.op('Transpose', [name], { perm: [...NHWC_TO_NCHW] }), nchw: true }
          : { name, nchw: false },
      );
      continue;
    }
    if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') {
      throw new UsageError(
        `exportTfjsModel: layer '${layer.name}' uses dataFormat ${JSON.stringify(config.dataFormat)}; only channelsLast is supported`,
      );
    }
    const inputs = inbound(layer).map((l) => {
      const v = values.get(l.name);
      if (v === undefined)
        throw new UsageError(
          `exportTfjsModel: layer '${layer.name}' reads '${l.name}', which is not a layer of the model`,
        );
      return v;
    });
    values.set(layer.name, exportLayer(b, layer, cls, config, inputs));
  }
  for (const t of model.outputs) {
    const layer = model.layers.find((l) => l.output === t);
    if (layer === undefined)
      throw new UsageError(
        `exportTfjsModel: output '${t.name}' is not the output of a top-level layer`,
      );
    const v = values.get(layer.name)!;
    b.op(v.nchw ? 'Transpose' : 'Identity', [v.name], v.nchw ? { perm: [...NCHW_TO_NHWC] } : {});
    b.nodes[b.nodes.length - 1].output[0] = layer.name;
    b.output(
      layer.name,
      t.shape.map((d, k) => d ?? (k === 0 ? 'N' : `d${k}`)),
    );
  }
  return b.build({ 'reparam.source': '@reparam/tfjs deploy model' });
}

function weights(layer: tf.layers.Layer): { data: Float32Array; shape: number[] }[] {
  return layer.getWeights().map((w) => ({ data: w.dataSync() as Float32Array, shape: w.shape }));
}

function activation(b: ModelBuilder, x: Value, act: unknown, layer: string): Value {
  const a = typeof act === 'string' ? act : 'linear';
  const op = (type: string, attrs = {}) => ({ name: b.op(type, [x.name], attrs), nchw: x.nchw });
  switch (a) {
    case 'linear':
      return x;
    case 'relu':
      return op('Relu');
    case 'relu6':
      return { name: b.op('Clip', [x.name, b.floats([], [0]), b.floats([], [6])]), nchw: x.nchw };
    case 'sigmoid':
      return op('Sigmoid');
    case 'tanh':
      return op('Tanh');
    case 'elu':
      return op('Elu');
    case 'swish':
      return { name: b.op('Mul', [x.name, b.op('Sigmoid', [x.name])]), nchw: x.nchw };
    case 'softmax':
      return op('Softmax', { axis: x.nchw ? 1 : -1 });
    default:
      throw new UsageError(
        `exportTfjsModel: activation '${a}' of layer '${layer}' has no ONNX mapping`,
      );
  }
}

const pair = (v: unknown): number[] =>
  Array.isArray(v) ? (v as number[]) : [v as number, v as number];

/**
 * tfjs 'same' padding as explicit ONNX pads [t, l, b, r] when the layer's input height and width
 * are fixed (runtimes that resolve pads at load need them), else `auto_pad` SAME_UPPER (the same
 * rule: the odd pixel goes to the bottom / right).
 */
function samePads(
  layer: tf.layers.Layer,
  kernel: number[],
  strides: number[],
  dilation: number[],
): number[] | 'SAME_UPPER' {
  const [source] = inbound(layer);
  const shape = (source?.outputShape ?? []) as (number | null)[];
  const hw = [shape[1], shape[2]];
  if (shape.length !== 4 || hw.some((v) => v === null)) return 'SAME_UPPER';
  const total = hw.map((n, i) =>
    Math.max(
      (Math.ceil(n! / strides[i]) - 1) * strides[i] + (kernel[i] - 1) * dilation[i] + 1 - n!,
      0,
    ),
  );
  const begin = total.map((t) => Math.floor(t / 2));
  return [begin[0], begin[1], total[0] - begin[0], total[1] - begin[1]];
}

function exportLayer(
  b: ModelBuilder,
  layer: tf.layers.Layer,
  cls: string,
  c: Config,
  inputs: Value[],
): Value {
  const [x] = inputs;
  const need4d = () => {
    if (!x.nchw)
      throw new UsageError(
        `exportTfjsModel: layer '${layer.name}' (${cls}) needs a 4-D NHWC input`,
      );
  };
  const spatial = (kernel: number[], dilation = [1, 1]) => {
    const strides = pair(c.strides ?? 1);
    const padding = c.padding === 'same' ? samePads(layer, kernel, strides, dilation) : 'VALID';
    return {
      kernel_shape: kernel,
      strides,
      ...(typeof padding === 'string' ? { auto_pad: padding } : { pads: padding }),
    };
  };
  switch (cls) {
    case 'Conv2D':
    case 'DepthwiseConv2D': {
      need4d();
      if (c.padding === 'causal')
        throw new UsageError(`exportTfjsModel: layer '${layer.name}' uses causal padding`);
      const [k, bias] = weights(layer);
      const w = cls === 'Conv2D' ? hwioToOihw(k.data, k.shape) : depthwiseToOihw(k.data, k.shape);
      const ins = [x.name, b.floats(w.dims, w.weight, `${layer.name}.weight`)];
      if (bias !== undefined) ins.push(b.floats(bias.shape, bias.data, `${layer.name}.bias`));
      const y = b.op('Conv', ins, {
        ...spatial(w.dims.slice(2), pair(c.dilationRate ?? 1)),
        dilations: pair(c.dilationRate ?? 1),
        group: cls === 'Conv2D' ? 1 : k.shape[2],
      });
      return activation(b, { name: y, nchw: true }, c.activation, layer.name);
    }
    case 'ZeroPadding2D': {
      need4d();
      const [[t, bo], [l, r]] = c.padding as number[][];
      return { name: b.op('Pad', [x.name, b.ints([8], [0, 0, t, l, 0, 0, bo, r])]), nchw: true };
    }
    case 'Dense': {
      if (x.nchw)
        throw new UsageError(
          `exportTfjsModel: Dense layer '${layer.name}' reads a 4-D tensor; add Flatten or GlobalAveragePooling2D`,
        );
      const [k, bias] = weights(layer);
      const ins = [x.name, b.floats(k.shape, k.data, `${layer.name}.kernel`)];
      if (bias !== undefined) ins.push(b.floats(bias.shape, bias.data, `${layer.name}.bias`));
      return activation(b, { name: b.op('Gemm', ins), nchw: false }, c.activation, layer.name);
    }
    case 'BatchNormalization': {
      need4d();
      const ws = weights(layer);
      const ch = ws[ws.length - 1].shape[0];
      const gamma = c.scale === false ? { data: new Float32Array(ch).fill(1) } : ws.shift()!;
      const beta = c.center === false ? { data: new Float32Array(ch) } : ws.shift()!;
      const [mean, variance] = ws;
      const f = (d: { data: Float32Array }, n: string) =>
        b.floats([ch], d.data, `${layer.name}.${n}`);
      return {
        name: b.op(
          'BatchNormalization',
          [x.name, f(gamma, 'gamma'), f(beta, 'beta'), f(mean, 'mean'), f(variance, 'variance')],
          { epsilon: float(c.epsilon as number) },
        ),
        nchw: true,
      };
    }
    case 'ReLU': {
      if (typeof c.maxValue === 'number')
        return {
          name: b.op('Clip', [x.name, b.floats([], [0]), b.floats([], [c.maxValue])]),
          nchw: x.nchw,
        };
      return activation(b, x, 'relu', layer.name);
    }
    case 'Activation':
      return activation(b, x, c.activation, layer.name);
    case 'Dropout':
      return x;
    case 'Add':
      return {
        name: b.op(
          'Sum',
          inputs.map((v) => v.name),
        ),
        nchw: x.nchw,
      };
    case 'Concatenate': {
      const axis = c.axis as number;
      if (x.nchw && axis !== -1 && axis !== 3)
        throw new UsageError(
          `exportTfjsModel: Concatenate '${layer.name}' on axis ${axis}; only channels are supported`,
        );
      return {
        name: b.op(
          'Concat',
          inputs.map((v) => v.name),
          { axis: x.nchw ? 1 : axis },
        ),
        nchw: x.nchw,
      };
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      need4d();
      const op = cls === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool';
      return {
        name: b.op(op, [x.name], {
          ...spatial(pair(c.poolSize)),
          strides: pair(c.strides ?? c.poolSize),
        }),
        nchw: true,
      };
    }
    case 'GlobalAveragePooling2D': {
      need4d();
      const pooled = b.op('GlobalAveragePool', [x.name]);
      return c.keepDims === true
        ? { name: pooled, nchw: true }
        : { name: b.op('Flatten', [pooled]), nchw: false };
    }
    case 'Flatten': {
      if (!x.nchw) return { name: b.op('Flatten', [x.name]), nchw: false };
      return {
        name: b.op('Flatten', [b.op('Transpose', [x.name], { perm: [...NCHW_TO_NHWC] })]),
        nchw: false,
      };
    }
    default:
      throw new UsageError(
        `exportTfjsModel: layer '${layer.name}' of class ${cls} has no ONNX mapping`,
      );
  }
}
