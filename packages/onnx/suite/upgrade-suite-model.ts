import { randomOutputs, serializeModel, upgradeOpset, type ModelProto } from '../src/index.js';
import { mismatch } from './run-suite-model.js';
import type { SuiteModel } from './select.js';

/** What happened to a converted test model written at a newer opset. */
export type UpgradeOutcome =
  | { readonly kind: 'upgraded'; readonly model: ModelProto; readonly rewritten: number }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'wrong'; readonly why: string }
  | { readonly kind: 'crash'; readonly message: string };

/**
 * Writes a converted test model at `opset` with {@link upgradeOpset} (no run behind it: only what
 * the model declares) and, with `run`, runs it on the test's inputs and compares with ONNX's
 * expected outputs.
 */
export async function upgradeSuiteModel(
  test: SuiteModel,
  converted: ModelProto,
  opset: number,
  { run = true, timeoutMs = 60_000 }: { run?: boolean; timeoutMs?: number } = {},
): Promise<UpgradeOutcome> {
  let model: ModelProto;
  let rewritten: number;
  try {
    const upgrade = upgradeOpset(converted, opset);
    model = upgrade.model;
    rewritten = upgrade.rewritten.length;
  } catch (e) {
    const error = e instanceof Error ? e.name : typeof e;
    const message = e instanceof Error ? e.message : String(e);
    return error === 'OpsetUpgradeError'
      ? { kind: 'refused', message }
      : { kind: 'crash', message: `${error}: ${message}` };
  }
  if (!run) return { kind: 'upgraded', model, rewritten };
  const random = new Set(randomOutputs(test.model));
  const why = await mismatch(serializeModel(model), test, random, timeoutMs).catch(
    (e: unknown) => `the upgraded model does not run (${(e as Error).message})`,
  );
  return why === undefined ? { kind: 'upgraded', model, rewritten } : { kind: 'wrong', why };
}
