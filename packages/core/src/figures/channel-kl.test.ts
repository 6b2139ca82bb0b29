import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { channelKlMatrix } from './channel-kl.js';

describe('channelKlMatrix', () => {
  it('is KL(softmax(W[i]) || softmax(W[j])) over each channel (hand-computed)', () => {
    // channel 0: taps [0, 0] -> p = [1/2, 1/2]; channel 1: taps [ln 3, 0] -> q = [3/4, 1/4].
    const m = channelKlMatrix({
      shape: [2, 1, 1, 2],
      weight: Float64Array.from([0, 0, Math.log(3), 0]),
    });
    expect(m.channels).toBe(2);
    const pq = 0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25); // = ln(4/3) / 2
    const qp = 0.75 * Math.log(0.75 / 0.5) + 0.25 * Math.log(0.25 / 0.5);
    expect(m.values[0]).toBe(0);
    expect(m.values[1]).toBeCloseTo(pq, 14);
    expect(m.values[2]).toBeCloseTo(qp, 14);
    expect(m.values[3]).toBe(0);
    expect(pq).toBeCloseTo(Math.log(4 / 3) / 2, 14);
  });

  it('is zero between channels that differ by a constant (softmax is shift-invariant)', () => {
    const w = [0.2, -0.5, 0.9, 0.1];
    const m = channelKlMatrix({
      shape: [2, 1, 2, 2],
      weight: Float64Array.from([...w, ...w.map((v) => v + 7)]),
    });
    expect(m.values[1]).toBeCloseTo(0, 12);
    expect(m.values[2]).toBeCloseTo(0, 12);
  });

  it('takes the first 64 channels by default, and stays finite for large taps', () => {
    const weight = Float32Array.from({ length: 70 * 9 }, (_, i) => ((i * 37) % 11) * 200 - 1000);
    const m = channelKlMatrix({ shape: [70, 1, 3, 3], weight });
    expect(m.channels).toBe(64);
    expect(m.values.length).toBe(64 * 64);
    expect(m.values.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(channelKlMatrix({ shape: [70, 1, 3, 3], weight }, { channels: 8 }).channels).toBe(8);
  });

  it('refuses a weight of the wrong length and a bad channel count', () => {
    expect(() => channelKlMatrix({ shape: [2, 1, 3, 3], weight: new Float32Array(9) })).toThrow(
      ShapeError,
    );
    expect(() =>
      channelKlMatrix({ shape: [2, 1, 3, 3], weight: new Float32Array(18) }, { channels: 0 }),
    ).toThrow(/channels 0/);
  });
});
