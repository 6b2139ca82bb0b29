import { seededRandom } from '@reparam/core';
import { convertModel } from '../convert.js';
import { OnnxFormatError, UsageError, VerificationError } from '../errors.js';
import { parseModel } from '../model-io.js';
import { decodeModel, encodeModel } from '../proto.js';

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
export async function fuzzOne(bytes: Uint8Array, timeoutMs?: number): Promise<FuzzOutcome> {
  try {
    await convertModel(parseModel(bytes), { samples: 1, timeoutMs });
    return 'converted';
  } catch (e) {
    if (e instanceof OnnxFormatError || e instanceof VerificationError) return e.name;
    if (e instanceof UsageError) return 'UsageError'; // subclasses too
    throw e;
  }
}

const OPS = [
  'Conv',
  'BatchNormalization',
  'Add',
  'Sum',
  'Sub',
  'Mul',
  'Div',
  'Concat',
  'AveragePool',
  'Pad',
  'Identity',
  'Slice',
  'ScatterND',
  'Relu',
];

/**
 * A structurally mutated copy of a decoded model: a changed dim, attribute value, int64 constant,
 * node input, op type or input shape, or a dropped node. Exercises the graph pass rather than the
 * protobuf decoder.
 */
export function mutateModel(bytes: Uint8Array, seed: number): Uint8Array {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const model = decodeModel(bytes);
  const g = model.graph!;
  const node = g.node[int(g.node.length)];
  const small = () => int(12) - 3;
  for (let k = 0, n = 1 + int(3); k < n; k++) {
    switch (int(7)) {
      case 0: {
        const t = g.initializer[int(g.initializer.length)];
        if (t?.dims.length) t.dims[int(t.dims.length)] = small();
        break;
      }
      case 1: {
        const a = node.attribute[int(node.attribute.length)];
        if (a?.ints.length) a.ints[int(a.ints.length)] = small();
        else if (a?.i !== undefined) a.i = small();
        break;
      }
      case 2: {
        const t = g.initializer.filter((x) => x.dataType === 7 && x.rawData !== undefined)[0];
        if (t?.rawData?.length)
          new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength).setBigInt64(
            8 * int(t.rawData.length / 8),
            BigInt(small()),
            true,
          );
        break;
      }
      case 3: {
        const other = g.node[int(g.node.length)];
        if (node.input.length && other.output.length)
          node.input[int(node.input.length)] = other.output[0];
        break;
      }
      case 4:
        node.opType = OPS[int(OPS.length)];
        break;
      case 5:
        g.node.splice(int(g.node.length), 1);
        break;
      default: {
        const dims = g.input[0]?.type?.tensorType?.shape?.dim;
        if (dims?.length) dims[int(dims.length)] = { dimValue: int(40) };
      }
    }
  }
  return encodeModel(model);
}
