import { attribute, float, floats, ModelBuilder } from '../builder.js';
import type { ModelProto } from '../proto.js';
import { bnNode, convNode, Rng } from './blocks.js';

/**
 * Opset 7, IR 3: Upsample-7 (scales attribute), Pad-2 with a value, Clip-6 bounds, Slice-1,
 * Dropout-7's ratio, Softmax-1 over a 4-D tensor (2-D coercion), BatchNormalization-7 with
 * spatial 1 on a graph input (nothing to collapse there), and a Conv + BN block to collapse.
 */
export function opset7Model(): ModelProto {
  const b = new ModelBuilder(7);
  const rng = new Rng(7);
  const x = b.input('x', [1, 3, 4, 4]);
  const up = b.op('Upsample', [x], { scales: floats([1, 1, 3, 2]), mode: 'nearest' });
  const padded = b.op('Pad', [up], { pads: [0, 0, 1, 1, 0, 0, 1, 1], value: float(0.5) });
  const clipped = b.op('Clip', [padded], { min: float(-0.2), max: float(0.3) });
  const sliced = b.op('Slice', [clipped], { starts: [1, 1], ends: [13, 9], axes: [2, 3] });
  const dropped = b.op('Dropout', [sliced], { ratio: float(0.2) });
  b.output(b.op('Softmax', [dropped], { axis: 1 }), [1, 3, 12, 8]);
  const normalized = bnNode(b, rng, x, 3);
  b.nodes[b.nodes.length - 1].attribute.push(attribute('spatial', 1));
  b.output(normalized, [1, 3, 4, 4]);
  b.output(
    bnNode(b, rng, convNode(b, rng, x, 3, 3, [3, 3], { pads: [1, 1, 1, 1] }), 3),
    [1, 3, 4, 4],
  );
  const model = b.build();
  const graph = model.graph!;
  const inits = graph.initializer.map((t) => ({
    name: t.name,
    type: { tensorType: { elemType: 1, shape: { dim: t.dims.map((d) => ({ dimValue: d })) } } },
  }));
  return { ...model, irVersion: 3, graph: { ...graph, input: [...graph.input, ...inits] } };
}
