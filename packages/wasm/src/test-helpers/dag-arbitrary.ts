import fc from 'fast-check';
import { makeConv, seededRandom, type Conv } from '@reparam/core';
import type { Activation, DeployGraph, GraphNode } from '../graph/ir.js';

/** One step of a random network program; `from` picks an existing value (mod their count). */
type Op =
  | {
      kind: 'conv';
      from: number;
      out: number;
      k: number;
      stride: number;
      depthwise: boolean;
      act: number;
    }
  | { kind: 'residual'; from: number; k: number; bn: boolean; act: number }
  | { kind: 'concat'; from: number; out: number }
  | { kind: 'se'; from: number; hard: boolean }
  | { kind: 'pool'; from: number; max: boolean; k: number; stride: number; pad: number }
  | { kind: 'affine'; from: number }
  | { kind: 'act'; from: number; act: number }
  | { kind: 'pad'; from: number; pads: [number, number, number, number]; value: number };

const ACTIVATIONS: (Activation | undefined)[] = [
  undefined,
  { kind: 'relu' },
  { kind: 'clip', min: 0, max: 6 },
  { kind: 'hardSwish' },
  { kind: 'leakyRelu', alpha: 0.1 },
  { kind: 'sigmoid' },
  { kind: 'hardSigmoid', alpha: 0.2, beta: 0.5 },
];

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('conv' as const),
    from: fc.nat(),
    out: fc.integer({ min: 1, max: 12 }),
    k: fc.constantFrom(1, 3, 5),
    stride: fc.integer({ min: 1, max: 2 }),
    depthwise: fc.boolean(),
    act: fc.nat(ACTIVATIONS.length - 1),
  }),
  fc.record({
    kind: fc.constant('residual' as const),
    from: fc.nat(),
    k: fc.constantFrom(1, 3),
    bn: fc.boolean(),
    act: fc.nat(ACTIVATIONS.length - 1),
  }),
  fc.record({
    kind: fc.constant('concat' as const),
    from: fc.nat(),
    out: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({ kind: fc.constant('se' as const), from: fc.nat(), hard: fc.boolean() }),
  fc.record({
    kind: fc.constant('pool' as const),
    from: fc.nat(),
    max: fc.boolean(),
    k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    pad: fc.integer({ min: 0, max: 1 }),
  }),
  fc.record({ kind: fc.constant('affine' as const), from: fc.nat() }),
  fc.record({
    kind: fc.constant('act' as const),
    from: fc.nat(),
    act: fc.nat(ACTIVATIONS.length - 1),
  }),
  fc.record({
    kind: fc.constant('pad' as const),
    from: fc.nat(),
    pads: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
    value: fc.constantFrom(0, 0.5),
  }),
);

/** A random small network: its graph and an input size. */
export interface RandomNetwork {
  readonly graph: DeployGraph;
  readonly inputShape: readonly [number, number, number, number];
  readonly seed: number;
}

type Shape = [number, number, number, number];
type NodeBody = GraphNode extends infer T
  ? T extends unknown
    ? Omit<T, 'name' | 'inputs' | 'output'>
    : never
  : never;

/** Builds the graph a program describes, keeping every value at least 1x1. */
function build(program: Op[], inputShape: Shape, head: boolean, seed: number): DeployGraph {
  const random = seededRandom(seed);
  const values: { name: string; shape: Shape }[] = [{ name: 'x', shape: inputShape }];
  const nodes: GraphNode[] = [];
  let count = 0;
  const fresh = () => `v${count++}`;
  const add = (node: GraphNode, shape: Shape) => {
    nodes.push(node);
    values.push({ name: node.output, shape });
    return values[values.length - 1];
  };
  const weights = (n: number, fanIn: number) =>
    Float32Array.from({ length: n }, () => (random() * 2 - 1) * Math.sqrt(3 / fanIn));
  const conv = (cin: number, cout: number, k: number, stride: number, groups: number): Conv =>
    makeConv({
      shape: [cout, cin / groups, k, k],
      weight: weights((cout * cin * k * k) / groups, (cin / groups) * k * k),
      bias: weights(cout, 4),
      stride,
      padding: k >> 1,
      groups,
    });
  const convNode = (input: { name: string; shape: Shape }, c: Conv, activation?: Activation) => {
    const [n, , h, w] = input.shape;
    const [s] = c.geometry.stride;
    const p = c.geometry.padding[0];
    const k = c.shape[2];
    const shape: Shape = [
      n,
      c.shape[0],
      Math.floor((h + 2 * p - k) / s) + 1,
      Math.floor((w + 2 * p - k) / s) + 1,
    ];
    const name = fresh();
    return add(
      { op: 'conv', conv: c, activation, name, inputs: [input.name], output: name },
      shape,
    );
  };
  for (const o of program) {
    const v = values[o.from % values.length];
    const [n, c, h, w] = v.shape;
    const name = fresh();
    const unary = (node: NodeBody, shape: Shape) =>
      add({ ...node, name, inputs: [v.name], output: name }, shape);
    if (o.kind === 'conv') {
      const depthwise = o.depthwise && c > 1;
      convNode(
        v,
        conv(c, depthwise ? c : o.out, o.k, o.stride, depthwise ? c : 1),
        ACTIVATIONS[o.act],
      );
    } else if (o.kind === 'residual') {
      const body = convNode(v, conv(c, c, o.k, 1, 1));
      let r = body;
      if (o.bn) {
        const bn = fresh();
        r = add(
          {
            op: 'channelAffine',
            scale: weights(c, 1),
            shift: weights(c, 1),
            name: bn,
            inputs: [body.name],
            output: bn,
          },
          v.shape,
        );
      }
      const sum = fresh();
      add({ op: 'add', name: sum, inputs: [r.name, v.name], output: sum }, v.shape);
      const act = ACTIVATIONS[o.act];
      if (act !== undefined)
        add({ op: 'activation', activation: act, name, inputs: [sum], output: name }, v.shape);
    } else if (o.kind === 'concat') {
      const branch = convNode(v, conv(c, o.out, 3, 1, 1), { kind: 'relu' });
      add({ op: 'concat', axis: 1, name, inputs: [v.name, branch.name], output: name }, [
        n,
        c + o.out,
        h,
        w,
      ]);
    } else if (o.kind === 'se') {
      const pooled = fresh();
      add({ op: 'globalAvgPool', name: pooled, inputs: [v.name], output: pooled }, [n, c, 1, 1]);
      const mid = Math.max(1, c >> 1);
      const squeeze = convNode(values[values.length - 1], conv(c, mid, 1, 1, 1), { kind: 'relu' });
      const gate: Activation = o.hard
        ? { kind: 'hardSigmoid', alpha: 1 / 6, beta: 0.5 }
        : { kind: 'sigmoid' };
      const excite = convNode(squeeze, conv(mid, c, 1, 1, 1), gate);
      add({ op: 'mul', name, inputs: [v.name, excite.name], output: name }, v.shape);
    } else if (o.kind === 'pool') {
      const k = Math.min(o.k, h, w);
      const pad = Math.min(o.pad, k - 1);
      const window = {
        kernel: [k, k] as const,
        stride: [o.stride, o.stride] as const,
        padding: [pad, pad, pad, pad] as const,
      };
      const out: Shape = [
        n,
        c,
        Math.floor((h + 2 * pad - k) / o.stride) + 1,
        Math.floor((w + 2 * pad - k) / o.stride) + 1,
      ];
      unary(
        o.max
          ? { op: 'maxPool', window }
          : { op: 'avgPool', window, countIncludePad: pad > 0 && random() < 0.5 },
        out,
      );
    } else if (o.kind === 'affine') {
      unary({ op: 'channelAffine', scale: weights(c, 1), shift: weights(c, 1) }, v.shape);
    } else if (o.kind === 'act') {
      unary({ op: 'activation', activation: ACTIVATIONS[o.act] ?? { kind: 'relu' } }, v.shape);
    } else {
      const [t, l, b, r] = o.pads;
      unary({ op: 'pad', padding: o.pads, value: o.value }, [n, c, h + t + b, w + l + r]);
    }
  }
  const outputs = [values[values.length - 1].name];
  if (head) {
    const last = values[values.length - 1];
    const c = last.shape[1];
    const names = [fresh(), fresh(), fresh(), fresh()];
    nodes.push({ op: 'globalAvgPool', name: names[0], inputs: [last.name], output: names[0] });
    nodes.push({
      op: 'reshape',
      flattenAxis: 1,
      name: names[1],
      inputs: [names[0]],
      output: names[1],
    });
    nodes.push({
      op: 'dense',
      weight: weights(5 * c, c),
      bias: weights(5, 4),
      name: names[2],
      inputs: [names[1]],
      output: names[2],
    });
    nodes.push({
      op: 'softmax',
      axis: -1,
      coerce2d: false,
      name: names[3],
      inputs: [names[2]],
      output: names[3],
    });
    outputs.push(names[3]);
  }
  // A second output from the middle keeps an early value alive to the end.
  if (values.length > 2) outputs.push(values[1 + (seed % (values.length - 2))].name);
  return { inputs: [{ name: 'x', shape: [...inputShape] }], outputs: [...new Set(outputs)], nodes };
}

/** Random DAGs of 1-6 steps (convs, residuals, concats, SE blocks, pools, pads...), optional head. */
export function randomNetwork(): fc.Arbitrary<RandomNetwork> {
  return fc
    .record({
      program: fc.array(op, { minLength: 1, maxLength: 6 }),
      n: fc.integer({ min: 1, max: 2 }),
      c: fc.integer({ min: 1, max: 10 }),
      h: fc.integer({ min: 1, max: 12 }),
      w: fc.integer({ min: 1, max: 12 }),
      head: fc.boolean(),
      seed: fc.integer({ min: 1, max: 1_000_000 }),
    })
    .map(({ program, n, c, h, w, head, seed }) => {
      const inputShape: Shape = [n, c, h, w];
      return { graph: build(program, inputShape, head, seed), inputShape, seed };
    });
}
