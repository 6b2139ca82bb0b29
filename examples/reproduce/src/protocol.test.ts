import { describe, expect, it } from 'vitest';
import { defaultProtocol, learningRateAt, protocolId, quickProtocol } from './protocol.js';

describe('protocol', () => {
  it('learning rate: linear warm-up to the peak, then a cosine down to 0', () => {
    const p = { ...defaultProtocol, learningRate: 0.1, warmupSteps: 10 };
    expect(learningRateAt(p, 0, 110)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(p, 9, 110)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(p, 10, 110)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(p, 60, 110)).toBeCloseTo(0.05, 12);
    expect(learningRateAt(p, 110, 110)).toBeCloseTo(0, 12);
  });

  it('the id names the protocol and changes with any field', () => {
    expect(protocolId(defaultProtocol)).toMatch(/^default-[0-9a-f]{8}$/);
    expect(protocolId({ ...defaultProtocol, epochs: defaultProtocol.epochs + 1 })).not.toBe(
      protocolId(defaultProtocol),
    );
    expect(protocolId(quickProtocol)).toMatch(/^quick-/);
  });
});
