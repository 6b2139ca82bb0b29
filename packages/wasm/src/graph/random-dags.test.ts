import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { randomTensor } from '@reparam/core';
import { WasmConvRuntime } from '../conv-runtime.js';
import { WasmGraph } from './wasm-graph.js';
import { randomNetwork } from '../test-helpers/dag-arbitrary.js';
import { evaluateGraph64 } from '../test-helpers/graph-reference.js';
import { relativeError } from '../test-helpers/oracle.js';

const runtimes = [WasmConvRuntime.create({ threads: 1 }), WasmConvRuntime.create({ threads: 2 })];
afterAll(async () => {
  for (const rt of runtimes) (await rt).dispose();
});

describe('WasmGraph on random DAGs (residuals, concats, SE blocks, pools, pads, heads)', () => {
  for (const [index, threads] of [1, 2].entries()) {
    it(`equals the float64 evaluation of the same graph (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
      const rt = await runtimes[index];
      fc.assert(
        fc.property(randomNetwork(), ({ graph, inputShape, seed }) => {
          const x = randomTensor([...inputShape], seed);
          const want = evaluateGraph64(graph, { x });
          const got = WasmGraph.compile(rt, graph).run({
            data: Float32Array.from(x.data),
            shape: inputShape,
          });
          for (const name of graph.outputs) {
            expect(got[name].shape).toEqual(want[name].shape);
            expect(relativeError(got[name].data, want[name].data)).toBeLessThan(1e-4);
          }
        }),
        { numRuns: threads === 1 ? 150 : 60 },
      );
    });
  }
});
