import type * as tfNamespace from '@tensorflow/tfjs';
import type { Activation, DeployGraph, GraphNode } from '../graph/ir.js';
import type { GraphTensor } from '../graph/wasm-graph.js';

type Tf = typeof tfNamespace;
type T = tfNamespace.Tensor;
type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];
/** A value in tfjs: 4-D activations are NHWC (tfjs's layout), the rest as in the graph. */
interface Value {
  readonly t: T;
  readonly nhwc: boolean;
}

/** Thrown when tfjs has no op for a node (grouped convs, some paddings). */
export class TfjsUnsupportedError extends Error {
  override readonly name = 'TfjsUnsupportedError';
}

const FUSED: Partial<Record<Activation['kind'], tfNamespace.fused.Activation>> = {
  relu: 'relu',
  sigmoid: 'sigmoid',
  leakyRelu: 'leakyrelu',
};

function fusedActivation(
  a: Activation | undefined,
): { activation?: tfNamespace.fused.Activation; leakyreluAlpha?: number } | undefined {
  if (a === undefined) return {};
  if (a.kind === 'clip' && a.min === 0 && a.max === 6) return { activation: 'relu6' };
  const name = FUSED[a.kind];
  if (name === undefined) return undefined;
  return a.kind === 'leakyRelu'
    ? { activation: name, leakyreluAlpha: a.alpha }
    : { activation: name };
}

function activate(tf: Tf, x: T, a: Activation | undefined): T {
  if (a === undefined) return x;
  switch (a.kind) {
    case 'relu':
      return tf.relu(x);
    case 'clip':
      return tf.clipByValue(x, a.min, a.max);
    case 'leakyRelu':
      return tf.leakyRelu(x, a.alpha);
    case 'hardSwish':
      return tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6));
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'hardSigmoid':
      return tf.clipByValue(tf.add(tf.mul(x, a.alpha), a.beta), 0, 1);
  }
}

/** The node's tfjs computation (weights prepared once by {@link tfjsGraph}). */
type Op = (ins: Value[]) => Value;

function compileNode(tf: Tf, node: GraphNode): Op {
  switch (node.op) {
    case 'conv': {
      const [o, ig, kh, kw] = node.conv.shape;
      const { stride, padding, dilation, groups } = node.conv.geometry;
      const c = ig * groups;
      const depthwise = groups > 1 && ig === 1 && groups === c;
      if (groups > 1 && !depthwise)
        throw new TfjsUnsupportedError(
          `tfjs has no grouped conv (node '${node.name}', groups ${groups})`,
        );
      // OIHW -> HWIO (dense) or HWCM (depthwise, M = o / c).
      const m = o / c;
      const filter = new Float32Array(node.conv.weight.length);
      for (let oc = 0; oc < o; oc++) {
        for (let i = 0; i < ig; i++) {
          for (let y = 0; y < kh; y++) {
            for (let x = 0; x < kw; x++) {
              const src = ((oc * ig + i) * kh + y) * kw + x;
              const dst = depthwise
                ? ((y * kw + x) * c + Math.floor(oc / m)) * m + (oc % m)
                : ((y * kw + x) * ig + i) * o + oc;
              filter[dst] = node.conv.weight[src];
            }
          }
        }
      }
      const w = tf.tensor4d(filter, depthwise ? [kh, kw, c, m] : [kh, kw, ig, o]);
      const bias = tf.tensor1d(Float32Array.from(node.conv.bias));
      const pad: ExplicitPadding = [
        [0, 0],
        [padding[0], padding[2]],
        [padding[1], padding[3]],
        [0, 0],
      ];
      const residual = node.inputs.length > 1;
      const fused = residual ? {} : fusedActivation(node.activation);
      const strides: [number, number] = [stride[0], stride[1]];
      const dilations: [number, number] = [dilation[0], dilation[1]];
      const act = fused ?? {};
      // tfjs's depthwise conv takes one padding for all sides; others go through tf.pad.
      const [t, l, b, r] = padding;
      const uniform = t === b && l === r && t === l;
      const run = (x: tfNamespace.Tensor4D): T =>
        depthwise
          ? tf.fused.depthwiseConv2d({
              x: uniform ? x : tf.pad(x, pad),
              filter: w,
              strides,
              pad: uniform ? t : 'valid',
              dilations,
              bias,
              ...act,
            })
          : tf.fused.conv2d({ x, filter: w, strides, pad, dilations, bias, ...act });
      return (ins) => {
        let y = run(ins[0].t as tfNamespace.Tensor4D);
        if (residual) y = tf.add(y, ins[1].t);
        if (residual || fused === undefined) y = activate(tf, y, node.activation);
        return { t: y, nhwc: true };
      };
    }
    case 'add':
      return (ins) => ({
        t: activate(
          tf,
          ins.map((v) => v.t).reduce((a, b) => tf.add(a, b)),
          node.activation,
        ),
        nhwc: ins[0].nhwc,
      });
    case 'mul':
      return (ins) => ({ t: tf.mul(ins[0].t, ins[1].t), nhwc: ins[0].nhwc });
    case 'activation':
      return (ins) => ({ t: activate(tf, ins[0].t, node.activation), nhwc: ins[0].nhwc });
    case 'channelAffine': {
      const scale = tf.tensor1d(Float32Array.from(node.scale));
      const shift = tf.tensor1d(Float32Array.from(node.shift));
      return (ins) => {
        if (!ins[0].nhwc && ins[0].t.rank !== 2)
          throw new TfjsUnsupportedError(`channelAffine on rank ${ins[0].t.rank}`);
        return { t: tf.add(tf.mul(ins[0].t, scale), shift), nhwc: ins[0].nhwc };
      };
    }
    case 'concat':
      return (ins) => ({
        t: tf.concat(
          ins.map((v) => v.t),
          ins[0].nhwc ? 3 : 1,
        ),
        nhwc: ins[0].nhwc,
      });
    case 'maxPool':
    case 'avgPool': {
      const { kernel, stride, padding: p } = node.window;
      const k: [number, number] = [kernel[0], kernel[1]];
      const s: [number, number] = [stride[0], stride[1]];
      const explicit: ExplicitPadding = [
        [0, 0],
        [p[0], p[2]],
        [p[1], p[3]],
        [0, 0],
      ];
      const none = p.every((v) => v === 0);
      if (node.op === 'maxPool')
        return (ins) => ({
          t: tf.maxPool(ins[0].t as tfNamespace.Tensor4D, k, s, explicit),
          nhwc: true,
        });
      if (!none && !node.countIncludePad)
        throw new TfjsUnsupportedError(
          `tfjs averages padded windows only over the padding too (node '${node.name}')`,
        );
      return (ins) => {
        const x = ins[0].t as tfNamespace.Tensor4D;
        return { t: tf.avgPool(none ? x : tf.pad(x, explicit), k, s, 'valid'), nhwc: true };
      };
    }
    case 'globalAvgPool':
      return (ins) => ({ t: tf.mean(ins[0].t, [1, 2], true), nhwc: true });
    case 'globalMaxPool':
      return (ins) => ({ t: tf.max(ins[0].t, [1, 2], true), nhwc: true });
    case 'pad': {
      const [t, l, b, r] = node.padding;
      if (node.padding.some((v) => v < 0))
        throw new TfjsUnsupportedError(`negative padding (node '${node.name}')`);
      return (ins) => ({
        t: tf.pad(
          ins[0].t,
          [
            [0, 0],
            [t, b],
            [l, r],
            [0, 0],
          ],
          node.value,
        ),
        nhwc: true,
      });
    }
    case 'reshape':
      return (ins) => {
        // Reshapes follow NCHW order: leave tfjs's layout first.
        const x = ins[0].nhwc ? tf.transpose(ins[0].t, [0, 3, 1, 2]) : ins[0].t;
        const s = x.shape;
        let dims: number[];
        if (node.flattenAxis !== undefined) {
          const a = node.flattenAxis < 0 ? node.flattenAxis + s.length : node.flattenAxis;
          dims = [s.slice(0, a).reduce((p, q) => p * q, 1), s.slice(a).reduce((p, q) => p * q, 1)];
        } else if (node.shape !== undefined) dims = node.shape.map((d, i) => (d === 0 ? s[i] : d));
        else if (node.squeezeAxes !== undefined || node.unsqueezeAxes !== undefined) {
          throw new TfjsUnsupportedError(`Squeeze / Unsqueeze (node '${node.name}')`);
        } else dims = s;
        const y = tf.reshape(x, dims);
        return dims.length === 4
          ? { t: tf.transpose(y, [0, 2, 3, 1]), nhwc: true }
          : { t: y, nhwc: false };
      };
    case 'dense': {
      const out = node.bias.length;
      const k = node.weight.length / out;
      const w = tf.transpose(tf.tensor2d(Float32Array.from(node.weight), [out, k]));
      const bias = tf.tensor1d(Float32Array.from(node.bias));
      const fused = fusedActivation(node.activation);
      return (ins) => {
        const y = tf.fused.matMul({
          a: ins[0].t,
          b: w,
          bias,
          ...(fused ?? {}),
        });
        return { t: fused === undefined ? activate(tf, y, node.activation) : y, nhwc: false };
      };
    }
    case 'softmax':
      return (ins) => {
        if (ins[0].nhwc || (node.axis !== -1 && node.axis !== ins[0].t.rank - 1))
          throw new TfjsUnsupportedError(`softmax along axis ${node.axis}`);
        return { t: tf.softmax(ins[0].t), nhwc: false };
      };
    case 'transpose':
      return (ins) => {
        const x = ins[0].nhwc ? tf.transpose(ins[0].t, [0, 3, 1, 2]) : ins[0].t;
        return {
          t: tf.transpose(x, node.perm.length === 0 ? undefined : [...node.perm]),
          nhwc: false,
        };
      };
  }
}

/**
 * Runs a {@link DeployGraph} with tfjs ops on the current backend (fused conv + bias +
 * activation where tfjs has it, NHWC activations): the tfjs peer of the benchmarks. Throws
 * {@link TfjsUnsupportedError} for nodes tfjs cannot express.
 */
export function tfjsGraph(
  tf: Tf,
  graph: DeployGraph,
): (inputs: Readonly<Record<string, GraphTensor>>) => Record<string, GraphTensor> {
  const ops = graph.nodes.map((node) => compileNode(tf, node));
  return (inputs) => {
    const outputs = tf.tidy(() => {
      const values = new Map<string, Value>();
      for (const i of graph.inputs) {
        const x = inputs[i.name];
        const t = tf.tensor(x.data, [...x.shape]);
        values.set(
          i.name,
          x.shape.length === 4
            ? { t: tf.transpose(t, [0, 2, 3, 1]), nhwc: true }
            : { t, nhwc: false },
        );
      }
      graph.nodes.forEach((node, k) =>
        values.set(node.output, ops[k](node.inputs.map((v) => values.get(v)!))),
      );
      return graph.outputs.map((o) => {
        const v = values.get(o)!;
        return v.nhwc ? tf.transpose(v.t, [0, 3, 1, 2]) : v.t;
      });
    });
    const result: Record<string, GraphTensor> = {};
    graph.outputs.forEach((o, k) => {
      result[o] = { data: outputs[k].dataSync() as Float32Array, shape: outputs[k].shape };
      outputs[k].dispose();
    });
    return result;
  };
}
