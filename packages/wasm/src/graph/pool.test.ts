import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { randomTensor } from '@reparam/core';
import { WasmConvRuntime } from '../conv-runtime.js';
import type { DeployGraph } from './ir.js';
import { WasmGraph } from './wasm-graph.js';
import { evaluateGraph64 } from '../test-helpers/graph-reference.js';

const runtime = WasmConvRuntime.create({ threads: 1 });
afterAll(async () => (await runtime).dispose());

describe('maxPool 3x3 (the vector path over wide rows)', () => {
  it('equals the float64 max at stride 1 and 2, padding 0 or 1, on planes up to 48 wide', async () => {
    const rt = await runtime;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 3, max: 9 }),
        fc.integer({ min: 3, max: 48 }),
        fc.nat(1000),
        (stride, pad, h, w, seed) => {
          const shape = [1, 3, h, w] as const;
          const graph: DeployGraph = {
            inputs: [{ name: 'x', shape }],
            outputs: ['y'],
            nodes: [
              {
                op: 'maxPool',
                window: { kernel: [3, 3], stride: [stride, stride], padding: [pad, pad, pad, pad] },
                name: 'y',
                inputs: ['x'],
                output: 'y',
              },
            ],
          };
          const x = randomTensor([...shape], seed);
          const want = evaluateGraph64(graph, { x }).y;
          const got = WasmGraph.compile(rt, graph).run({
            data: Float32Array.from(x.data),
            shape,
          }).y;
          expect(got.shape).toEqual(want.shape);
          // a max picks one input: exact
          expect(Array.from(got.data)).toEqual(Array.from(want.data, Math.fround));
        },
      ),
      { numRuns: 150 },
    );
  });
});
