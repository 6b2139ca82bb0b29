import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { convertModel } from './convert.js';
import { serializeModel } from './model-io.js';
import { Rng } from './test-helpers/blocks.js';

/**
 * Issue 13's 1.6 KB model: a 3x3 conv dilated and padded by 3000, then a 3x3 conv. Collapsing
 * the two would build a 4 x 4 x 6003 x 6003 kernel (6.8 GB while it was built, before the cost
 * rule threw it away).
 */
function dilatedPair() {
  const b = new ModelBuilder(17, 'dilated');
  const rng = new Rng(3);
  const x = b.input('x', [1, 4, 8, 8]);
  const w1 = b.floats([4, 4, 3, 3], rng.uniform(144));
  const w2 = b.floats([4, 4, 3, 3], rng.uniform(144));
  const wide = b.op('Conv', [x, w1], { dilations: [3000, 3000], pads: [3000, 3000, 3000, 3000] });
  b.output(b.op('Conv', [wide, w2]), [1, 4, 6, 6]);
  return b.build();
}

describe('cost before memory', () => {
  it('refuses the 6003x6003 kernel on shapes, before building it, and keeps both convs', async () => {
    const model = dilatedPair();
    expect(serializeModel(model).length).toBeLessThan(2000);
    const { model: out, report } = await convertModel(model);
    expect(out.graph!.node.map((n) => n.opType)).toEqual(['Conv', 'Conv']);
    const reason = report.regions.flatMap((r) => r.segments).find((s) => !s.collapsed)?.reason;
    // core's shape pass names the kernel and says nothing was allocated.
    expect(reason).toMatch(/\[4, 4, 6003, 6003\] conv would cost .* nothing was allocated/);
  });
});
