import { describe, expect, it } from 'vitest';
import { defaultOpset, type ModelProto } from '../src/index.js';
import { checkerComplaints } from './checker.js';
import { runSuiteModel, type Outcome } from './run-suite-model.js';
import { loadSuiteModel, suiteIds } from './select.js';
import { upgradeSuiteModel } from './upgrade-suite-model.js';

/**
 * Why the converter may refuse a model that onnxruntime runs: a short list of named reasons, each
 * an error class and a message pattern. Any other refusal fails the test.
 */
export const ALLOWED_REFUSALS: readonly { key: string; error: string; pattern: RegExp }[] = [
  { key: 'loop', error: 'OnnxFormatError', pattern: /models with loops\b.* are refused/ },
];

/** Why a converted model may not be written at a newer opset: what no later version can state. */
export const ALLOWED_UPGRADE_REFUSALS: readonly { key: string; pattern: RegExp }[] = [
  { key: 'tf_half_pixel_for_nn', pattern: /'tf_half_pixel_for_nn' was removed in Resize-13/ },
];

/**
 * The newer opsets every converted model below them is written at: ONNX 1.12's last (judged by
 * its checker), and our newest (run on the test's inputs against the expected outputs; every
 * step up to 17 is crossed on the way, and only Resize's roi and Reshape's allowzero depend on
 * the target, the same at both).
 */
const UPGRADE_OPSETS = [
  { opset: 17, run: false },
  { opset: 21, run: true },
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

    it('converted models written at opset 17 pass the checker; at 21, they give the expected outputs', async () => {
      const at17 = new Map<string, ModelProto>();
      const tally = new Map<string, number>();
      const bad: string[] = [];
      for (const [id, o] of outcomes) {
        if (o.kind !== 'converted') continue;
        const test = loadSuiteModel(id);
        for (const { opset, run } of UPGRADE_OPSETS.filter(
          (u) => u.opset > defaultOpset(o.model),
        )) {
          const u = await upgradeSuiteModel(test, o.model, opset, { run });
          const allowed =
            u.kind === 'refused'
              ? ALLOWED_UPGRADE_REFUSALS.find((r) => r.pattern.test(u.message))?.key
              : undefined;
          const key = `opset ${opset}: ${u.kind === 'upgraded' ? (u.rewritten > 0 ? 'upgraded, nodes rewritten' : 'upgraded, same nodes') : u.kind}${allowed === undefined ? '' : ` (${allowed})`}`;
          tally.set(key, (tally.get(key) ?? 0) + 1);
          if (u.kind === 'upgraded' && opset === 17) at17.set(id, u.model);
          if (u.kind !== 'upgraded' && allowed === undefined)
            bad.push(`${id} at opset ${opset}: ${JSON.stringify(u)}`);
        }
      }
      console.log(
        [...tally]
          .sort()
          .map(([k, n]) => `${String(n).padStart(5)}  ${k}`)
          .join('\n'),
      );
      expect(bad).toEqual([]);
      expect(at17.size).toBeGreaterThan(0);
      // ONNX 1.12's checker knows opsets up to 17 only; at 21 onnxruntime's own checks (it loads
      // each model with the operator schemas of its ONNX) and the expected outputs judge
      expect(Object.fromEntries(checkerComplaints(at17))).toEqual({});
    });
  });
}

function refusalKey(o: Extract<Outcome, { kind: 'refused' }>): string | undefined {
  return ALLOWED_REFUSALS.find((r) => r.error === o.error && r.pattern.test(o.message))?.key;
}
