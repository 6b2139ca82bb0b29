import { describe, expect, it } from 'vitest';
import type { ModelProto } from '../src/index.js';
import { checkerComplaints } from './checker.js';
import { runSuiteModel, type Outcome } from './run-suite-model.js';
import { loadSuiteModel, suiteIds } from './select.js';

/**
 * Why the converter may refuse a model that onnxruntime runs: a short list of named reasons, each
 * an error class and a message pattern. Any other refusal fails the test.
 */
export const ALLOWED_REFUSALS: readonly { key: string; error: string; pattern: RegExp }[] = [
  { key: 'loop', error: 'OnnxFormatError', pattern: /models with loops\b.* are refused/ },
];

/** Converts every `shards`-th relevant test model starting at `shard`, and checks each outcome. */
export function describeSuiteShard(shard: number, shards: number): void {
  const ids = suiteIds().filter((_, k) => k % shards === shard);
  describe(`ONNX backend test models, shard ${shard + 1} of ${shards} (${ids.length} models)`, () => {
    const outcomes = new Map<string, Outcome>();

    it('each model converts with the expected outputs or is refused for an allowed reason', async () => {
      for (const id of ids) outcomes.set(id, await runSuiteModel(loadSuiteModel(id)));
      const tally = new Map<string, number>();
      for (const o of outcomes.values()) {
        const key = o.kind === 'refused' ? `refused: ${refusalKey(o) ?? o.message}` : o.kind;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }
      console.log(
        [...tally]
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => `${String(n).padStart(5)}  ${k}`)
          .join('\n'),
      );
      const bad = [...outcomes].filter(
        ([, o]) =>
          o.kind === 'wrong' ||
          o.kind === 'crash' ||
          (o.kind === 'refused' && refusalKey(o) === undefined),
      );
      expect(bad.map(([id, o]) => `${id}: ${JSON.stringify(o)}`)).toEqual([]);
      const runnable = [...outcomes.values()].filter(
        (o) => o.kind !== 'not runnable' && o.kind !== 'onnxruntime differs',
      );
      const converted = runnable.filter((o) => o.kind === 'converted').length;
      expect(converted / runnable.length).toBeGreaterThanOrEqual(0.95);
    });

    it("every converted model passes ONNX's checker", () => {
      const models = new Map<string, ModelProto>();
      for (const [id, o] of outcomes) if (o.kind === 'converted') models.set(id, o.model);
      expect(models.size).toBeGreaterThan(0);
      expect(Object.fromEntries(checkerComplaints(models))).toEqual({});
    });
  });
}

function refusalKey(o: Extract<Outcome, { kind: 'refused' }>): string | undefined {
  return ALLOWED_REFUSALS.find((r) => r.error === o.error && r.pattern.test(o.message))?.key;
}
