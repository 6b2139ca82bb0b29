import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BudgetError } from '@reparam/core';
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { convertModel } from './convert.js';
import { MemoryBudgetError } from './errors.js';
import { readModel } from './model-io.js';
import { encodeModel } from './proto.js';
import { int64Tensor } from './tensor.js';
import { repvggBlock, Rng } from './test-helpers/blocks.js';

const MiB = 2 ** 20;

describe('memory is checked against a budget before it is allocated', () => {
  it('12 external tensors of 64 MiB on one sparse file: refused before any is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reparam-budget-'));
    writeFileSync(join(dir, 'sparse.bin'), '');
    truncateSync(join(dir, 'sparse.bin'), 64 * MiB); // a hole: no disk, any length
    const b = new ModelBuilder(17);
    const x = b.input('x', [1, 1, 4096, 4096]);
    let y = x;
    for (let k = 0; k < 12; k++) y = b.op('Add', [y, b.floats([1], [0], 'c')]);
    b.output(y, [1, 1, 4096, 4096]);
    const m = b.build();
    m.graph!.initializer.forEach((t) =>
      Object.assign(t, {
        dims: [1, 1, 4096, 4096],
        rawData: undefined,
        dataLocation: 1,
        externalData: [{ key: 'location', value: 'sparse.bin' }],
      }),
    );
    writeFileSync(join(dir, 'm.onnx'), encodeModel(m));
    const err = (() => {
      try {
        readModel(join(dir, 'm.onnx'), { maxMemory: 256 * MiB + 4096 }); // + the .onnx file
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MemoryBudgetError);
    expect((err as Error).message).toMatch(
      /resolveExternalData: external data up to tensor 'c_\d+' needs 320\.0 MiB, more than the memory budget of 256\.0 MiB/,
    );
  });

  it('an 8192x8192 input: the conversion is refused before the probe, naming the bytes', async () => {
    const b = new ModelBuilder(17);
    const x = b.input('x', [1, 1, 8192, 8192]);
    b.output(b.op('Relu', [b.op('Conv', [x, b.floats([1, 1, 1, 1], [2])])]), [1, 1, 8192, 8192]);
    const err = await convertModel(b.build(), { maxMemory: 1024 * MiB }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MemoryBudgetError);
    expect((err as Error).message).toMatch(/of at least 256\.0 MiB of inputs\) needs 1\.00 GiB/);
  });

  it('a ConstantOfShape of 2^28 elements is refused naming the node', async () => {
    const b = new ModelBuilder(17);
    const x = b.input('x', [1, 1, 2, 2]);
    b.initializers.push(int64Tensor('big', [1], [2 ** 28]));
    b.nodes.push({
      name: 'fill',
      opType: 'ConstantOfShape',
      input: ['big'],
      output: ['filled'],
      attribute: [],
    });
    b.output(b.op('Relu', [x]), [1, 1, 2, 2]);
    b.output('filled', [2 ** 28]);
    const err = await convertModel(b.build(), { maxMemory: 512 * MiB }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MemoryBudgetError);
    expect((err as Error).message).toMatch(
      /ConstantOfShape node 'fill' \(\[268435456\]\) needs 1\.00 GiB, more than the memory budget of 512\.0 MiB/,
    );
  });

  it("one budget: core's merges get what the conversion's estimate leaves of maxMemory", async () => {
    // a 64-channel RepVGG block: each merge allocates ~0.3 MiB of float64 kernels in core
    const b = new ModelBuilder(17);
    const x = b.input('x', [1, 64, 4, 4]);
    b.output(b.op('Relu', [repvggBlock(b, new Rng(5), x, 64, 64)]), [1, 64, 4, 4]);
    const m = b.build();
    const estimate = await convertModel(m, { maxMemory: 1 }).catch((e: unknown) => e);
    expect(estimate).toBeInstanceOf(MemoryBudgetError);
    const held = (estimate as MemoryBudgetError).bytes; // what the pipeline is counted to hold
    const err = await convertModel(m, { maxMemory: held + 64 * 1024 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MemoryBudgetError);
    expect((err as Error).message).toMatch(
      /^convertModel: collapsing conv_\d+, .*add_\d+ would allocate \d+ bytes for the result, more than the 65536 bytes \(0\.1 MiB\) the memory budget leaves .*; nothing was allocated/,
    );
    const cause = (err as Error).cause as BudgetError;
    expect(cause).toBeInstanceOf(BudgetError);
    expect(cause.unit).toBe('bytes');
    expect(cause.limit).toBe(64 * 1024);
    expect(cause.needed).toBe(64 * 64 * 9 * 4); // the float32 3x3 result weight
    const { report } = await convertModel(m, { maxMemory: held + 64 * MiB });
    expect(report.collapsed).toBe(1);
  });
});
