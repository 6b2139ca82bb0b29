import { conv2dReference, maxAbs, maxAbsDiff, type Conv, type Tensor } from '@reparam/core';
import { describe, expect, it } from 'vitest';
import { conformanceCases } from './cases.js';

/** A runtime under test: runs one float32 conv on an NCHW input and returns the NCHW output. */
export interface ConvRuntime {
  name: string;
  run(input: Tensor, conv: Conv): Promise<ArrayLike<number>> | ArrayLike<number>;
  /** Relative tolerance against max |y| of the float64 reference; default 1e-5. */
  tolerance?: number;
}

/**
 * Registers the shared conformance suite for a runtime: every case's output must match core's
 * float64 direct convolution within `tolerance x max|y|`.
 */
export function describeRuntime(runtime: ConvRuntime): void {
  const tolerance = runtime.tolerance ?? 1e-5;
  describe(`conformance: ${runtime.name}`, () => {
    for (const c of conformanceCases()) {
      it(`${c.name} matches the float64 reference`, async () => {
        const expected = conv2dReference(c.input, c.conv);
        const actual = await runtime.run(c.input, c.conv);
        expect(actual.length).toBe(expected.data.length);
        const error =
          maxAbsDiff(Array.from(actual), expected.data) / Math.max(maxAbs(expected.data), 1e-30);
        expect(error).toBeLessThanOrEqual(tolerance);
      });
    }
  });
}
