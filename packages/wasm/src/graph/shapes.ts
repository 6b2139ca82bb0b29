import { ShapeError } from '@reparam/core';
import { convDims } from '../_internal/geometry.js';
import type { DeployGraph, GraphNode, NodeOf, PoolWindow } from './ir.js';

/** Dims of every value of a graph, by name. */
export type Shapes = Map<string, readonly number[]>;

const same = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Output height and width of a pooling window on h x w. */
export function poolOutput(p: PoolWindow, h: number, w: number): [number, number] {
  const [pt, pl, pb, pr] = p.padding;
  return [
    Math.floor((h + pt + pb - p.kernel[0]) / p.stride[0]) + 1,
    Math.floor((w + pl + pr - p.kernel[1]) / p.stride[1]) + 1,
  ];
}

/** True when `s` broadcasts over the planes of `full`: [n or 1, c, 1, 1] against [n, c, h, w]. */
export function broadcastsOverPlanes(s: readonly number[], full: readonly number[]): boolean {
  return (
    s.length === 4 &&
    full.length === 4 &&
    (s[0] === full[0] || s[0] === 1) &&
    s[1] === full[1] &&
    s[2] === 1 &&
    s[3] === 1
  );
}

function normalizeAxis(axis: number, rank: number, where: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank)
    throw new ShapeError(`${where}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

function rank4(s: readonly number[], where: string): readonly [number, number, number, number] {
  if (s.length !== 4)
    throw new ShapeError(`${where}: needs a 4-D NCHW input, got [${s.join(', ')}]`);
  return [s[0], s[1], s[2], s[3]];
}

/** Output dims of Add / Mul: every input equals the largest or broadcasts over its planes. */
function elementwise(inputs: readonly (readonly number[])[], where: string): readonly number[] {
  const full = inputs.reduce((a, b) => (size(b) > size(a) ? b : a));
  for (const s of inputs) {
    if (!same(s, full) && !broadcastsOverPlanes(s, full)) {
      throw new ShapeError(
        `${where}: inputs [${s.join(', ')}] and [${full.join(', ')}] are neither equal nor broadcast over planes ([n, c, 1, 1])`,
      );
    }
  }
  return full;
}

function reshape(node: NodeOf<'reshape'>, s: readonly number[], where: string): readonly number[] {
  if (node.flattenAxis !== undefined) {
    const a = node.flattenAxis < 0 ? node.flattenAxis + s.length : node.flattenAxis;
    if (a < 0 || a > s.length)
      throw new ShapeError(`${where}: Flatten axis ${node.flattenAxis} out of range`);
    return [size(s.slice(0, a)), size(s.slice(a))];
  }
  if (node.squeezeAxes !== undefined) {
    const axes =
      node.squeezeAxes === 'all'
        ? s.flatMap((d, i) => (d === 1 ? [i] : []))
        : node.squeezeAxes.map((a) => normalizeAxis(a, s.length, where));
    if (axes.some((a) => s[a] !== 1))
      throw new ShapeError(`${where}: cannot squeeze [${s.join(', ')}] at [${axes.join(', ')}]`);
    return s.filter((_, i) => !axes.includes(i));
  }
  if (node.unsqueezeAxes !== undefined) {
    const rank = s.length + node.unsqueezeAxes.length;
    const axes = node.unsqueezeAxes.map((a) => normalizeAxis(a, rank, where));
    const out: number[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : s[k++]);
    return out;
  }
  if (node.shape === undefined) return s;
  const dims = node.shape.map((d, i) => (d === 0 ? s[i] : d));
  const free = dims.indexOf(-1);
  const known = size(dims.filter((d) => d !== -1));
  if (free >= 0) dims[free] = size(s) / known;
  if (dims.some((d) => !Number.isInteger(d) || d < 1) || size(dims) !== size(s)) {
    throw new ShapeError(
      `${where}: cannot reshape [${s.join(', ')}] to [${node.shape.join(', ')}]`,
    );
  }
  return dims;
}

/** Output dims of one node from its input dims; throws ShapeError naming the node. */
export function nodeShape(node: GraphNode, ins: readonly (readonly number[])[]): readonly number[] {
  const where = `node '${node.name}' (${node.op})`;
  const x = ins[0];
  switch (node.op) {
    case 'conv': {
      const d = convDims(where, node.conv, x);
      const out = [d.n, d.o, d.ho, d.wo];
      if (ins[1] !== undefined && !same(ins[1], out))
        throw new ShapeError(
          `${where}: residual [${ins[1].join(', ')}] differs from the output [${out.join(', ')}]`,
        );
      return out;
    }
    case 'add':
    case 'mul':
      return elementwise(ins, where);
    case 'activation':
      return x;
    case 'channelAffine': {
      if (node.rank !== undefined && x.length !== node.rank)
        throw new ShapeError(
          `${where}: a per-channel constant of rank ${node.rank - 1} does not broadcast over [${x.join(', ')}] per channel`,
        );
      const c = x[1] ?? 1;
      for (const v of [node.scale, node.shift]) {
        if (v.length !== 1 && v.length !== c)
          throw new ShapeError(`${where}: ${v.length} per-channel values for ${c} channels`);
      }
      return x;
    }
    case 'concat': {
      if (normalizeAxis(node.axis, x.length, where) !== 1)
        throw new ShapeError(
          `${where}: only concatenation along axis 1 (channels) is supported, got ${node.axis}`,
        );
      for (const s of ins) {
        if (s.length !== x.length || s.some((d, i) => i !== 1 && d !== x[i]))
          throw new ShapeError(
            `${where}: cannot concatenate [${s.join(', ')}] with [${x.join(', ')}] along axis 1`,
          );
      }
      return [x[0], ins.reduce((a, s) => a + s[1], 0), ...x.slice(2)];
    }
    case 'maxPool':
    case 'avgPool': {
      const [n, c, h, w] = rank4(x, where);
      const [ho, wo] = poolOutput(node.window, h, w);
      if (ho < 1 || wo < 1)
        throw new ShapeError(`${where}: pooling leaves ${ho}x${wo} from ${h}x${w}`);
      return [n, c, ho, wo];
    }
    case 'globalAvgPool':
    case 'globalMaxPool': {
      const [n, c] = rank4(x, where);
      return [n, c, 1, 1];
    }
    case 'pad': {
      const [n, c, h, w] = rank4(x, where);
      const [t, l, b, r] = node.padding;
      if (h + t + b < 1 || w + l + r < 1)
        throw new ShapeError(
          `${where}: padding [${node.padding.join(', ')}] leaves nothing of ${h}x${w}`,
        );
      return [n, c, h + t + b, w + l + r];
    }
    case 'reshape':
      return reshape(node, x, where);
    case 'dense': {
      const out = node.bias.length;
      const k = node.weight.length / out;
      if (x.length < 2 || x[x.length - 1] !== k)
        throw new ShapeError(`${where}: input [${x.join(', ')}] must end in ${k} features`);
      return [...x.slice(0, -1), out];
    }
    case 'softmax':
      normalizeAxis(node.axis, x.length, where);
      return x;
    case 'transpose': {
      const perm = node.perm.length === 0 ? x.map((_, i) => x.length - 1 - i) : node.perm;
      if (perm.length !== x.length || [...perm].sort().some((p, i) => p !== i))
        throw new ShapeError(
          `${where}: perm [${perm.join(', ')}] does not permute [${x.join(', ')}]`,
        );
      return perm.map((p) => x[p]);
    }
  }
}

/**
 * Dims of every value of `graph` for the given input dims. Throws ShapeError naming the first
 * node that does not fit.
 */
export function inferShapes(
  graph: DeployGraph,
  inputs: ReadonlyMap<string, readonly number[]>,
): Shapes {
  const shapes: Shapes = new Map();
  for (const i of graph.inputs) {
    const s = inputs.get(i.name);
    if (s === undefined) throw new ShapeError(`inferShapes: no dims for input '${i.name}'`);
    if (
      s.length !== i.shape.length ||
      s.some((d, k) => !Number.isInteger(d) || d < 1 || (i.shape[k] ?? d) !== d)
    ) {
      throw new ShapeError(
        `inferShapes: input '${i.name}' has dims [${s.join(', ')}], the model expects [${i.shape.map((d) => d ?? '?').join(', ')}]`,
      );
    }
    shapes.set(i.name, s);
  }
  for (const node of graph.nodes) {
    const ins = node.inputs.map((name) => {
      const s = shapes.get(name);
      if (s === undefined)
        throw new ShapeError(
          `inferShapes: node '${node.name}' reads '${name}', which is not computed before it`,
        );
      return s;
    });
    shapes.set(node.output, nodeShape(node, ins));
  }
  return shapes;
}
