import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { float32View, initializerValue } from './initializer-values.js';
import type { TensorProto } from './proto.js';
import { DataType } from './tensor.js';

const VALUES = [1.5, -2.25, 3e-8, 65504];

/** `VALUES` as the little-endian float32 bytes of a Node Buffer, `offset` bytes into a larger pool. */
function rawAt(offset: number): Buffer {
  const pool = Buffer.alloc(64, 0xff);
  const bytes = Buffer.from(new Float32Array(VALUES).buffer);
  bytes.copy(pool, offset);
  return pool.subarray(offset, offset + bytes.length);
}

const tensor = (rawData: Uint8Array): TensorProto =>
  ({ name: 'w', dims: [2, 2], dataType: DataType.FLOAT, rawData }) as TensorProto;

describe('float32View', () => {
  it('is a view of 4-byte aligned raw bytes (no copy)', () => {
    const raw = rawAt(8);
    const view = float32View(tensor(raw))!;
    expect([...view]).toEqual([...new Float32Array(VALUES)]);
    expect(view.buffer).toBe(raw.buffer);
  });

  it('copies unaligned raw bytes of a Node Buffer (whose slice() would be a view of the pool)', () => {
    const view = float32View(tensor(rawAt(5)))!;
    expect(view.length).toBe(4);
    expect([...view]).toEqual([...new Float32Array(VALUES)]);
  });

  it('is undefined for other types or a byte count that does not match the dims', () => {
    expect(float32View({ ...tensor(rawAt(8)), dataType: DataType.DOUBLE })).toBeUndefined();
    expect(float32View(tensor(rawAt(8).subarray(0, 12)))).toBeUndefined();
  });
});

describe('initializerValue', () => {
  it('decodes once and labels the stored type', () => {
    const t = tensor(rawAt(8));
    const v = initializerValue(t)!;
    expect(v.type).toBe('float32');
    expect([...v.data]).toEqual([...new Float32Array(VALUES)]);
    expect(initializerValue(t)).toBe(v);
    expect(initializerValue(undefined)).toBeUndefined();
  });
});
