import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planMemory, type PlanStep } from './plan.js';

/** A random schedule: step t reads 1-2 earlier values; some are views or may work in place. */
const schedule = fc
  .array(
    fc.record({
      a: fc.nat(),
      b: fc.option(fc.nat()),
      size: fc.integer({ min: 1, max: 9 }),
      kind: fc.nat(3),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((raw) => {
    const sizes = new Map<string, number>([['in', 4]]);
    const steps: PlanStep[] = raw.map((r, t) => {
      const values = ['in', ...raw.slice(0, t).map((_, k) => `v${k}`)];
      const a = values[r.a % values.length];
      const inputs = r.b === null ? [a] : [a, values[r.b % values.length]];
      const view = r.kind === 0;
      sizes.set(`v${t}`, view ? sizes.get(a)! : r.kind === 1 ? sizes.get(a)! : r.size);
      return {
        inputs,
        output: `v${t}`,
        view,
        inPlace: r.kind === 1 ? [0] : [],
        elementwise: r.kind === 1,
      };
    });
    return { steps, sizes, outputs: [`v${raw.length - 1}`] };
  });

describe('planMemory', () => {
  it('never lets two buffers live at the same time overlap, and reuses memory', () => {
    fc.assert(
      fc.property(schedule, ({ steps, sizes, outputs }) => {
        const bytes = (v: string) => sizes.get(v)! * 64;
        const plan = planMemory(['in'], steps, outputs, bytes);
        // Live range of each value: from its step to its last reader (outputs: the end).
        const born = new Map<string, number>([['in', -1]]);
        steps.forEach((s, t) => born.set(s.output, t));
        const dies = new Map<string, number>();
        for (const [v, t] of born) dies.set(v, t);
        steps.forEach((s, t) => s.inputs.forEach((v) => dies.set(v, t)));
        outputs.forEach((v) => dies.set(v, steps.length));
        const values = [...born.keys()];
        for (const u of values) {
          for (const v of values) {
            if (u >= v) continue;
            const memoryOverlaps =
              plan.offsets.get(u)! < plan.offsets.get(v)! + bytes(v) &&
              plan.offsets.get(v)! < plan.offsets.get(u)! + bytes(u);
            if (!memoryOverlaps) continue;
            // Overlap is allowed only for a view / in-place result and the value it replaces,
            // or values whose lives do not intersect.
            const shared = plan.offsets.get(u) === plan.offsets.get(v);
            const [first, second] = born.get(u)! < born.get(v)! ? [u, v] : [v, u];
            const disjoint = dies.get(first)! < born.get(second)!;
            const handOver =
              shared &&
              dies.get(first)! <= born.get(second)! + 0 &&
              steps[born.get(second)!]?.inputs.includes(first);
            const viewChain = shared && (steps[born.get(second)!]?.view ?? false); // same data
            expect(disjoint || handOver || viewChain, `${u} and ${v} overlap while both live`).toBe(
              true,
            );
          }
        }
        expect(plan.peakBytes).toBeLessThanOrEqual(plan.totalBytes);
      }),
      { numRuns: 300 },
    );
  });

  it('a chain of same-size steps needs two buffers, whatever its length', () => {
    const steps: PlanStep[] = Array.from({ length: 10 }, (_, t) => ({
      inputs: [t === 0 ? 'in' : `v${t - 1}`],
      output: `v${t}`,
    }));
    const plan = planMemory(['in'], steps, ['v9'], () => 1000);
    expect(plan.peakBytes).toBe(2 * 1024);
    expect(plan.totalBytes).toBe(11 * 1024);
  });
});
