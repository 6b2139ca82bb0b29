import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { difference } from './compare.js';
import { convertModel } from './convert.js';
import { runModel } from './ort-run.js';
import { randomFeeds } from './probe.js';
import { encodeModel } from './proto.js';

describe('an activation broadcast over channels is not a per-channel scale', () => {
  for (const constantFirst of [true, false]) {
    it(`Mul(${constantFirst ? 'const[1,C,1,1], x[1,1,H,W]' : 'x[1,1,H,W], const[1,C,1,1]'}) is kept; the written model runs and agrees`, async () => {
      const b = new ModelBuilder(17);
      const x = b.input('x', [1, 2, 4, 4]);
      const one = b.op('Conv', [x, b.floats([1, 2, 1, 1], [0.5, -1])]); // [1,1,4,4]
      const k = b.floats([1, 3, 1, 1], [1, 2, 3], 'k');
      b.output(b.op('Mul', constantFirst ? [k, one] : [one, k]), [1, 3, 4, 4]);
      const m = b.build();
      const { model, report } = await convertModel(m, { verify: false });
      expect(report.excluded.map((e) => e.reason).join()).toMatch(/is broadcast to 1x3x4x4/);
      const feeds = randomFeeds(new Map([['x', [1, 2, 4, 4]]]), 2);
      const name = m.graph!.output[0].name!;
      const [want, got] = await Promise.all(
        [m, model].map((g) => runModel(encodeModel(g), feeds, [name])),
      );
      expect(difference(name, want.get(name)!, got.get(name)!).relative).toBeLessThan(1e-6);
    });
  }
});
