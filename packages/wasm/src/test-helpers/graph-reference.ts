import { conv2dReference, tensor } from '@reparam/core';
import type { Activation, DeployGraph, GraphNode } from '../graph/ir.js';

/** A float64 tensor of any rank. */
export interface Tensor64 {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Activations in float64, written from their definitions (ONNX operator docs). */
export function activate64(v: number, a: Activation | undefined): number {
  if (a === undefined) return v;
  switch (a.kind) {
    case 'relu':
      return Math.max(0, v);
    case 'clip':
      return Math.min(a.max, Math.max(a.min, v));
    case 'leakyRelu':
      return v >= 0 ? v : a.alpha * v;
    case 'hardSwish':
      return (v * Math.min(6, Math.max(0, v + 3))) / 6;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'hardSigmoid':
      return Math.min(1, Math.max(0, a.alpha * v + a.beta));
  }
}

const map = (t: Tensor64, f: (v: number, i: number) => number): Tensor64 => ({
  shape: t.shape,
  data: t.data.map(f),
});

/** Element (n, c) of a [n|1, c, 1, 1] tensor broadcast over planes, or element i of an equal one. */
function broadcastAt(s: Tensor64, full: readonly number[], i: number): number {
  if (size(s.shape) === size(full)) return s.data[i];
  const plane = full[2] * full[3];
  const c = Math.floor(i / plane) % full[1];
  const n = Math.floor(i / (plane * full[1]));
  return s.data[(s.shape[0] === 1 ? 0 : n) * full[1] + c];
}

function pool(x: Tensor64, node: GraphNode & { op: 'maxPool' | 'avgPool' }): Tensor64 {
  const [n, c, h, w] = x.shape;
  const { kernel, stride, padding } = node.window;
  const ho = Math.floor((h + padding[0] + padding[2] - kernel[0]) / stride[0]) + 1;
  const wo = Math.floor((w + padding[1] + padding[3] - kernel[1]) / stride[1]) + 1;
  const out = new Float64Array(n * c * ho * wo);
  let k = 0;
  for (let p = 0; p < n * c; p++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const taps: number[] = [];
        for (let i = 0; i < kernel[0]; i++) {
          for (let j = 0; j < kernel[1]; j++) {
            const yy = oy * stride[0] - padding[0] + i;
            const xx = ox * stride[1] - padding[1] + j;
            if (yy >= 0 && yy < h && xx >= 0 && xx < w) taps.push(x.data[(p * h + yy) * w + xx]);
          }
        }
        const sum = taps.reduce((a, b) => a + b, 0);
        const include = node.op === 'avgPool' && node.countIncludePad;
        out[k++] =
          node.op === 'maxPool'
            ? Math.max(...taps)
            : sum / (include ? kernel[0] * kernel[1] : taps.length);
      }
    }
  }
  return { shape: [n, c, ho, wo], data: out };
}

function node64(node: GraphNode, ins: Tensor64[]): Tensor64 {
  const x = ins[0];
  switch (node.op) {
    case 'conv': {
      const [n, c, h, w] = x.shape;
      const y = conv2dReference(tensor([n, c, h, w], x.data), node.conv);
      const r = ins[1];
      return map(y, (v, i) => activate64(v + (r === undefined ? 0 : r.data[i]), node.activation));
    }
    case 'add':
    case 'mul': {
      const full = ins.reduce((a, b) => (size(b.shape) > size(a.shape) ? b : a)).shape;
      const data = new Float64Array(size(full));
      for (let i = 0; i < data.length; i++) {
        let v = node.op === 'add' ? 0 : 1;
        for (const t of ins)
          v = node.op === 'add' ? v + broadcastAt(t, full, i) : v * broadcastAt(t, full, i);
        data[i] = node.op === 'add' ? activate64(v, node.activation) : v;
      }
      return { shape: full, data };
    }
    case 'activation':
      return map(x, (v) => activate64(v, node.activation));
    case 'channelAffine': {
      const c = x.shape[1] ?? 1;
      const inner = size(x.shape.slice(2));
      const at = (a: ArrayLike<number>, i: number) =>
        a[a.length === 1 ? 0 : Math.floor(i / inner) % c];
      return map(x, (v, i) => v * at(node.scale, i) + at(node.shift, i));
    }
    case 'concat': {
      const inner = size(x.shape.slice(2));
      const channels = ins.reduce((a, t) => a + t.shape[1], 0);
      const data: number[] = [];
      for (let n = 0; n < x.shape[0]; n++) {
        for (const t of ins)
          data.push(...t.data.subarray(n * t.shape[1] * inner, (n + 1) * t.shape[1] * inner));
      }
      return { shape: [x.shape[0], channels, ...x.shape.slice(2)], data: Float64Array.from(data) };
    }
    case 'maxPool':
    case 'avgPool':
      return pool(x, node);
    case 'globalAvgPool':
    case 'globalMaxPool': {
      const [n, c, h, w] = x.shape;
      const data = Float64Array.from({ length: n * c }, (_, q) => {
        const plane = Array.from(x.data.subarray(q * h * w, (q + 1) * h * w));
        return node.op === 'globalMaxPool'
          ? Math.max(...plane)
          : plane.reduce((a, b) => a + b, 0) / (h * w);
      });
      return { shape: [n, c, 1, 1], data };
    }
    case 'pad': {
      const [n, c, h, w] = x.shape;
      const [t, l, b, r] = node.padding;
      const ho = h + t + b;
      const wo = w + l + r;
      const data = new Float64Array(n * c * ho * wo).fill(node.value);
      for (let q = 0; q < n * c; q++) {
        for (let i = 0; i < ho; i++) {
          for (let j = 0; j < wo; j++) {
            const yy = i - t;
            const xx = j - l;
            if (yy >= 0 && yy < h && xx >= 0 && xx < w)
              data[(q * ho + i) * wo + j] = x.data[(q * h + yy) * w + xx];
          }
        }
      }
      return { shape: [n, c, ho, wo], data };
    }
    case 'reshape': {
      if (node.flattenAxis !== undefined) {
        const a = node.flattenAxis;
        return { shape: [size(x.shape.slice(0, a)), size(x.shape.slice(a))], data: x.data };
      }
      if (node.shape !== undefined) {
        const dims = node.shape.map((d, i) => (d === 0 ? x.shape[i] : d));
        const free = dims.indexOf(-1);
        if (free >= 0) dims[free] = size(x.shape) / size(dims.filter((d) => d !== -1));
        return { shape: dims, data: x.data };
      }
      return x;
    }
    case 'dense': {
      const out = node.bias.length;
      const k = node.weight.length / out;
      const rows = size(x.shape) / k;
      const data = new Float64Array(rows * out);
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < out; o++) {
          let s = node.bias[o];
          for (let i = 0; i < k; i++) s += node.weight[o * k + i] * x.data[r * k + i];
          data[r * out + o] = activate64(s, node.activation);
        }
      }
      return { shape: [...x.shape.slice(0, -1), out], data };
    }
    case 'softmax': {
      const len = x.shape[x.shape.length - 1];
      const data = new Float64Array(x.data.length);
      for (let r = 0; r < x.data.length / len; r++) {
        const row = x.data.subarray(r * len, (r + 1) * len);
        const m = Math.max(...row);
        const e = Array.from(row, (v) => Math.exp(v - m));
        const s = e.reduce((a, b) => a + b, 0);
        e.forEach((v, i) => (data[r * len + i] = v / s));
      }
      return { shape: x.shape, data };
    }
    case 'transpose':
      throw new Error('graph-reference: transpose is not generated');
  }
}

/**
 * Evaluates a graph in float64, node by node, straight from the definitions: the oracle of
 * the graph runtime's tests (convs by core's `conv2dReference`; softmax along the last axis).
 */
export function evaluateGraph64(
  graph: DeployGraph,
  inputs: Record<string, Tensor64>,
): Record<string, Tensor64> {
  const values = new Map<string, Tensor64>(Object.entries(inputs));
  for (const node of graph.nodes)
    values.set(
      node.output,
      node64(
        node,
        node.inputs.map((i) => values.get(i)!),
      ),
    );
  return Object.fromEntries(graph.outputs.map((o) => [o, values.get(o)!]));
}
