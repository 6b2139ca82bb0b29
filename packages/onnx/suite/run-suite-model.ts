import {
  convertModel,
  randomOutputs,
  runModel,
  withFallback,
  serializeModel,
  type DenseTensor,
  type ModelProto,
} from '../src/index.js';
import { notClose } from './all-close.js';
import type { SuiteModel } from './select.js';

/** What happened to one test model. */
export type Outcome =
  /** onnxruntime cannot run the original (or the test cannot be fed to it): outside the target. */
  | { readonly kind: 'not runnable'; readonly why: string }
  /** onnxruntime runs the original but disagrees with ONNX's expected outputs: outside the target. */
  | { readonly kind: 'onnxruntime differs'; readonly why: string }
  | { readonly kind: 'converted'; readonly collapsed: number; readonly model: ModelProto }
  | { readonly kind: 'refused'; readonly error: string; readonly message: string }
  /** The converted model's outputs are not the expected ones while the original's are. */
  | { readonly kind: 'wrong'; readonly why: string }
  /** An error that is not one of the package's named errors. */
  | { readonly kind: 'crash'; readonly message: string };

/** Errors the converter is allowed to refuse with (anything else is a crash). */
const NAMED = new Set([
  'OnnxFormatError',
  'UsageError',
  'OpsetUpgradeError',
  'ModelTooLargeError',
  'VerificationError',
  'IoError',
]);

/** Runs `bytes` on the test's inputs and says why its outputs are not the expected ones, if they are not. */
export async function mismatch(
  bytes: Uint8Array,
  test: SuiteModel,
  random: ReadonlySet<string>,
  timeoutMs: number,
): Promise<string | undefined> {
  const names = Object.keys(test.expected);
  // the original counts as runnable when either engine runs it (the converter falls back too)
  const { value: got } = await withFallback({}, (engine) =>
    runModel(bytes, test.inputs, names, { timeoutMs, engine }),
  );
  for (const name of names) {
    const want = test.expected[name];
    const have: DenseTensor = got.get(name)!;
    // a random output can only match in type and dims
    const why = random.has(name)
      ? notClose({ ...want, data: new Uint8Array(0) }, { ...have, data: new Uint8Array(0) })
      : notClose(want, have);
    if (why !== undefined) return `output '${name}': ${why}`;
  }
  return undefined;
}

/**
 * Converts one test model with the test's own inputs (probe and verification), then checks the
 * converted model's outputs against ONNX's expected ones. The original is run first: a model
 * onnxruntime cannot run, or runs to other values than expected, is outside the target.
 */
export async function runSuiteModel(test: SuiteModel, timeoutMs = 60_000): Promise<Outcome> {
  if (test.unusable !== undefined) return { kind: 'not runnable', why: test.unusable };
  const original = serializeModel(test.model);
  const random = new Set(randomOutputs(test.model));
  try {
    const why = await mismatch(original, test, random, timeoutMs);
    if (why !== undefined) return { kind: 'onnxruntime differs', why };
  } catch (e) {
    return { kind: 'not runnable', why: (e as Error).message };
  }
  let result;
  try {
    result = await convertModel(test.model, { inputs: test.inputs, timeoutMs });
  } catch (e) {
    const error = e instanceof Error ? e.name : typeof e;
    const message = e instanceof Error ? e.message : String(e);
    return NAMED.has(error)
      ? { kind: 'refused', error, message }
      : { kind: 'crash', message: `${error}: ${message}` };
  }
  const why = await mismatch(serializeModel(result.model), test, random, timeoutMs).catch(
    (e: unknown) => `the converted model does not run (${(e as Error).message})`,
  );
  if (why !== undefined) return { kind: 'wrong', why };
  return { kind: 'converted', collapsed: result.report.collapsed, model: result.model };
}
