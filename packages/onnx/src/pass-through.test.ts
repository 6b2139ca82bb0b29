import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { convertModel } from './convert.js';
import { serializeModel } from './model-io.js';
import { convNode, Rng } from './test-helpers/blocks.js';

describe('a model with nothing to collapse is written back unchanged except for dead nodes', () => {
  it('no rewrite, no constant folding, no verification run; only the dead node and its initializer go', async () => {
    const b = new ModelBuilder(11);
    const rng = new Rng(1);
    const x = b.input('x', [1, 2, 6, 6]);
    // a computed constant (folded to an initializer when something is collapsed) stays a node here
    const scale = b.op('Mul', [b.floats([1], [2]), b.floats([1], [3])]);
    const y = b.op('MaxPool', [b.op('Relu', [convNode(b, rng, x, 2, 2, [3, 3])])], {
      kernel_shape: [2, 2],
      strides: [2, 2],
    });
    b.output(b.op('Mul', [y, scale]), [1, 2, 2, 2]);
    const model = b.build();
    const live = serializeModel(model);
    b.op('Sigmoid', [b.op('Add', [x, b.floats([1], [1])])]); // dead: read by nothing
    const withDead = b.build();
    const { model: out, report } = await convertModel(withDead);
    expect(report.collapsed).toBe(0);
    expect(report.verification).toBeUndefined();
    expect(report.nodesBefore - report.nodesAfter).toBe(2);
    expect(serializeModel(out)).toEqual(live);
  });
});
