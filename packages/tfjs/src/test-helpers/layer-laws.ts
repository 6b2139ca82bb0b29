/** Test-only: the laws every re-parameterizable layer obeys, registered as vitest cases. */
import { expect, it } from 'vitest';
import fc from 'fast-check';
import { useBackend } from './backends.js';
import {
  deviationFromCore,
  deviationFromDeploy,
  randomizeWeights,
  saveLoadDeviation,
  type LayerCase,
} from './layers.js';

/** Options of a random layer case. */
export interface CaseParams {
  c: number;
  grow: boolean;
  stride: number;
  depthwise: boolean;
  k: number;
  h: number;
  w: number;
}

export const caseParams: fc.Arbitrary<CaseParams> = fc.record({
  c: fc.integer({ min: 1, max: 4 }),
  grow: fc.boolean(),
  stride: fc.integer({ min: 1, max: 2 }),
  depthwise: fc.boolean(),
  k: fc.constantFrom(1, 3, 5),
  h: fc.integer({ min: 3, max: 7 }),
  w: fc.integer({ min: 3, max: 7 }),
});

/**
 * Registers: (1) on cpu and on wasm, the training form in inference mode equals core's float64
 * `evaluate` of `toExpr()` and the re-parameterized deploy layers (each <= 1e-5 of max |y|),
 * with random shapes and random non-identity weights; (2) a
 * save -> load round trip keeps the class and the outputs.
 */
export function layerLaws(name: string, make: (p: CaseParams) => LayerCase, numRuns = 12): void {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${name}: inference output equals core's float64 evaluate of toExpr() and the deploy conv on ${backend}`, async () => {
      await useBackend(backend);
      fc.assert(
        fc.property(caseParams, fc.integer({ min: 1, max: 1e6 }), (p, seed) => {
          const { layer, shape } = make(p);
          layer.build([null, shape[1], shape[2], shape[3]]);
          randomizeWeights(layer, seed);
          expect(deviationFromCore(layer, shape, seed + 1)).toBeLessThan(1e-5);
          expect(deviationFromDeploy(layer, shape, seed + 2)).toBeLessThan(1e-5);
        }),
        { numRuns },
      );
    });
  }

  it(`${name}: save -> load round trip keeps the class and the outputs`, async () => {
    await useBackend('cpu');
    const c = make({ c: 3, grow: false, stride: 1, depthwise: false, k: 3, h: 5, w: 5 });
    const { deviation, className } = await saveLoadDeviation(c, 17);
    expect(className).toBe(name);
    expect(deviation).toBeLessThan(1e-6);
  });
}
