import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fakeQuantize, int8Scales } from './int8.js';

describe('int8 weight quantization', () => {
  it('per-tensor and per-channel scales and values, computed by hand', () => {
    // Two output channels (last axis): channel 0 holds 0.5, 0.26; channel 1 holds -1.27, 0.01.
    const w = [0.5, -1.27, 0.26, 0.01];
    const tensor = int8Scales(w, 2, 'per-tensor');
    expect(Array.from(tensor)).toEqual([0.01]); // 1.27 / 127
    // 0.5 / 0.01 = 50, -127, 26, 1: every value is a whole step.
    Array.from(fakeQuantize(w, tensor)).forEach((v, i) => expect(v).toBeCloseTo(w[i], 6));
    const channel = int8Scales(w, 2, 'per-channel');
    expect(channel[0]).toBeCloseTo(0.5 / 127, 12);
    expect(channel[1]).toBeCloseTo(0.01, 12);
    // 0.26 / (0.5 / 127) = 66.04 -> 66 steps.
    expect(fakeQuantize(w, channel)[2]).toBeCloseTo((66 * 0.5) / 127, 6);
  });

  it('an all-zero weight gets scale 1 and stays zero; values beyond the range clamp to +-127 steps', () => {
    expect(Array.from(int8Scales([0, 0], 1, 'per-tensor'))).toEqual([1]);
    expect(Array.from(fakeQuantize([300, -300], [2]))).toEqual([254, -254]);
  });

  it('law: each value moves by at most half its step, and per-channel steps are never larger (zero channels aside)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(
          fc
            .double({ min: -10, max: 10, noNaN: true })
            .filter((v) => v === 0 || Math.abs(v) > 1e-30),
          { minLength: 1, maxLength: 40 },
        ),
        (channels, raw) => {
          const w = raw.slice(0, Math.floor(raw.length / channels) * channels);
          if (w.length === 0) return;
          const perTensor = int8Scales(w, channels, 'per-tensor');
          const perChannel = int8Scales(w, channels, 'per-channel');
          const qt = fakeQuantize(w, perTensor);
          const qc = fakeQuantize(w, perChannel);
          w.forEach((v, i) => {
            const sc = perChannel[i % channels];
            expect(Math.abs(qt[i] - v)).toBeLessThanOrEqual(perTensor[0] / 2 + 1e-6 * Math.abs(v));
            expect(Math.abs(qc[i] - v)).toBeLessThanOrEqual(sc / 2 + 1e-6 * Math.abs(v));
            // An all-zero channel keeps scale 1 (its zeros stay exact); any other is finer.
            if (w.some((u, j) => j % channels === i % channels && u !== 0))
              expect(sc).toBeLessThanOrEqual(perTensor[0] * (1 + 1e-12));
          });
        },
      ),
      { seed: 8, numRuns: 100 },
    );
  });
});
