import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { randomTensor } from '@reparam/core';
import { randomNetwork } from '../test-helpers/dag-arbitrary.js';
import { evaluateGraph64 } from '../test-helpers/graph-reference.js';
import { relativeError } from '../test-helpers/oracle.js';
import { tfjsGraph, TfjsUnsupportedError } from './tfjs-graph.js';

describe('tfjsGraph (the tfjs peer of the benchmarks)', () => {
  it('computes the float64 evaluation of random DAGs on tfjs cpu, or refuses by name', async () => {
    await tf.setBackend('cpu');
    let ran = 0;
    fc.assert(
      fc.property(randomNetwork(), ({ graph, inputShape, seed }) => {
        const x = randomTensor([...inputShape], seed);
        let run;
        try {
          run = tfjsGraph(tf, graph);
        } catch (e) {
          expect(e).toBeInstanceOf(TfjsUnsupportedError);
          return;
        }
        const got = run({ x: { data: Float32Array.from(x.data), shape: inputShape } });
        const want = evaluateGraph64(graph, { x });
        for (const name of graph.outputs) {
          expect(got[name].shape).toEqual(want[name].shape);
          expect(relativeError(got[name].data, want[name].data)).toBeLessThan(1e-4);
        }
        ran++;
      }),
      { numRuns: 60 },
    );
    expect(ran).toBeGreaterThan(20);
  });
});
