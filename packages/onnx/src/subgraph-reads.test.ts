import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { difference } from './compare.js';
import { convertModel } from './convert.js';
import { runModel } from './ort-run.js';
import { randomFeeds } from './probe.js';
import { encodeModel, type ModelProto } from './proto.js';
import { DataType, rawTensor } from './tensor.js';
import { ifReading } from './test-helpers/subgraphs.js';

/** Conv -> BN -> Relu, and an If (nested `depth` deep) whose branches read the Conv's output. */
function modelWithIf(depth: number): ModelProto {
  const b = new ModelBuilder(17);
  const x = b.input('x', [1, 2, 4, 4]);
  const c = b.op('Conv', [x, b.floats([2, 2, 1, 1], [1, 0.5, -0.5, 2])]);
  const bn = (v: number[]) => b.floats([2], v, 'bn');
  const t = b.op('BatchNormalization', [c, bn([1, 2]), bn([0.1, 0.2]), bn([0.3, -1]), bn([2, 1])]);
  b.output(b.op('Relu', [t]), [1, 2, 4, 4]);
  b.initializers.push(rawTensor('cond', [], DataType.BOOL, Uint8Array.of(1)));
  b.nodes.push(ifReading(c, 'cond', 'z', depth));
  b.output('z', [1, 2, 4, 4]);
  return b.build();
}

describe('tensors read inside If branches are uses', () => {
  for (const depth of [1, 3]) {
    it(`a conv output read by an If (depth ${depth}) survives the merge; the model loads and agrees without verification`, async () => {
      const m = modelWithIf(depth);
      const { model } = await convertModel(m, { verify: false });
      const feeds = randomFeeds(new Map([['x', [1, 2, 4, 4]]]), 3);
      const names = m.graph!.output.map((o) => o.name!);
      const [want, got] = await Promise.all(
        [m, model].map((k) => runModel(encodeModel(k), feeds, names)),
      );
      for (const n of names)
        expect(difference(n, want.get(n)!, got.get(n)!).relative).toBeLessThan(1e-6);
    });
  }
});
