import fc from 'fast-check';
import type { ConvBnWeights } from '../recipes/conv-bn.js';
import { gcd } from '../_internal/math.js';
import { divisors, randomBatchNorm, seedArb, values } from './arbitraries.js';

/**
 * Seeded weights of one branch: `size` OIHW entries for `channels` outputs, a conv bias when
 * `bias` (default no) and a batch-norm unless `batchNorm` is false (blocks such as ECB have none).
 */
export function convBnWeights(
  size: number,
  channels: number,
  seed: number,
  options: { bias?: boolean; batchNorm?: boolean } = {},
): ConvBnWeights {
  return {
    weight: values(size, seed),
    bias: options.bias ? values(channels, seed + 5) : undefined,
    batchNorm: options.batchNorm === false ? undefined : randomBatchNorm(channels, seed + 9),
  };
}

/** The shape of a block: channels 1-8, stride 1-2, any groups dividing both channel counts. */
export interface BlockCase {
  cin: number;
  cout: number;
  stride: number;
  groups: number;
  seed: number;
}

export const blockCaseArb: fc.Arbitrary<BlockCase> = fc
  .record({
    cin: fc.integer({ min: 1, max: 8 }),
    cout: fc.integer({ min: 1, max: 8 }),
    stride: fc.constantFrom(1, 2),
    seed: seedArb,
  })
  .chain((r) =>
    fc.constantFrom(...divisors(gcd(r.cin, r.cout))).map((groups) => ({ ...r, groups })),
  );
