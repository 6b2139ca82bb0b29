import { seededRandom } from '@reparam/core';
import { convertModel } from '../convert.js';
import { OnnxFormatError, UsageError, VerificationError } from '../errors.js';
import { parseModel } from '../model-io.js';

/** A mutated copy of `bytes`: flipped bytes, a truncation, an insertion, or random bytes. */
export function mutate(bytes: Uint8Array, seed: number): Uint8Array {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const kind = int(5);
  if (kind === 0) return Uint8Array.from({ length: int(2048) }, () => int(256));
  if (kind === 1) return bytes.slice(0, int(bytes.length));
  const out = Uint8Array.from(bytes);
  if (kind === 2) {
    const at = int(out.length);
    const extra = Uint8Array.from({ length: 1 + int(16) }, () => int(256));
    const grown = new Uint8Array(out.length + extra.length);
    grown.set(out.subarray(0, at));
    grown.set(extra, at);
    grown.set(out.subarray(at), at + extra.length);
    return grown;
  }
  const flips = 1 + int(kind === 3 ? 4 : 32);
  for (let k = 0; k < flips; k++) out[int(out.length)] = int(256);
  return out;
}

/** How a fuzz case ended: converted, or refused with a named error. Anything else is thrown. */
export type FuzzOutcome = 'converted' | 'OnnxFormatError' | 'UsageError' | 'VerificationError';

/** Parses and converts (verification on) mutated bytes; rethrows any error that is not a named one. */
export async function fuzzOne(bytes: Uint8Array): Promise<FuzzOutcome> {
  try {
    await convertModel(parseModel(bytes), { samples: 1 });
    return 'converted';
  } catch (e) {
    if (e instanceof OnnxFormatError || e instanceof UsageError || e instanceof VerificationError)
      return e.name;
    throw e;
  }
}
