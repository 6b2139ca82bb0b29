import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chunkRange, claimChunk, CLAIM, CLOSED } from './worker-source.js';

/** A control block with job `job` open for claims of `chunks` chunks. */
function control(job: number, chunks: number, next = 0): Int32Array {
  const ctl = new Int32Array(new SharedArrayBuffer(64 * 4));
  ctl[6] = chunks;
  ctl[CLAIM] = (job << 8) | next;
  return ctl;
}

describe('the chunks of a split kernel call', () => {
  it('cover [lo, hi) once, in order, each non-empty when there are no more chunks than items', () => {
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 64 }),
        (lo, n, chunks) => {
          const hi = lo + n;
          const k = Math.min(chunks, n);
          let at = lo;
          for (let c = 0; c < k; c++) {
            const [a, b] = chunkRange(lo, hi, c, k);
            expect(a).toBe(at);
            expect(b).toBeGreaterThan(a);
            at = b;
          }
          expect(at).toBe(hi);
        },
      ),
    );
  });

  it('are claimed once each, then no more', () => {
    const ctl = control(7, 3);
    expect([0, 1, 2, 3].map(() => claimChunk(ctl, 7))).toEqual([0, 1, 2, -1]);
  });

  it('cannot be claimed for another job (a worker that woke after its job was replaced)', () => {
    expect(claimChunk(control(8, 3), 7)).toBe(-1);
  });

  it('cannot be claimed while the caller writes a job (the claim word is closed)', () => {
    expect(claimChunk(control(7, 64, CLOSED), 7)).toBe(-1);
  });
});
