import type { Problem } from './ui.js';

/** The largest file the Convert page reads: a tab has a few GiB, and the conversion holds several copies. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

const MEMORY =
  /allocation failed|out of memory|Maximum call stack|Invalid array length|memory access out of bounds/i;

/** What to tell the user about a failure, by the error's class and message. */
export function explain(error: unknown, what: string): Problem {
  const name = error instanceof Error ? error.name : 'Error';
  const detail = error instanceof Error ? error.message : String(error);
  if (MEMORY.test(`${name} ${detail}`))
    return {
      title: `${what}: the model is too large for this tab's memory`,
      detail,
      todo: 'Convert it on the command line instead (`pnpm reparam convert IN.onnx -o OUT.onnx`), or try a smaller model or input size. The page keeps working.',
    };
  switch (name) {
    case 'OnnxFormatError':
      if (!/^(decodeModel|parseModel|checkModel|resolveExternalData)/.test(detail))
        return {
          title: `${what}: the converter refuses this model`,
          detail,
          todo: 'The reason above names what is refused and how to change the export; the page keeps working: open another model or pick a sample.',
        };
      return {
        title: `${what}: this is not an ONNX model the converter can read`,
        detail,
        todo: 'Open a .onnx file exported in training form (e.g. torch.onnx.export with opset 13-21, batch-norms kept), or pick one of the samples.',
      };
    case 'VerificationError':
      return {
        title: `${what}: the converted model does not compute the same outputs`,
        detail,
        todo: 'Nothing is offered for download. The region named above is the first one that differs; please report the model.',
      };
    case 'UsageError':
      return {
        title: `${what}: the model needs information the page does not have`,
        detail,
        todo: 'Models with dynamic height or width need an input shape: use `pnpm reparam convert IN.onnx --shape input=1,3,224,224`.',
      };
    case 'WorkerCrash':
      return {
        title: `${what}: the worker stopped unexpectedly`,
        detail,
        todo: 'If the model is large, the tab may have run out of memory; try a smaller one. The page keeps working: start again.',
      };
    case 'NotEquivalentError':
      return {
        title: `${what}: the conversion was refused`,
        detail,
        todo: 'A conversion that cannot be proven exact is refused, never approximated; the reason names the rule and the values.',
      };
    default:
      return {
        title: `${what} failed (${name})`,
        detail,
        todo: 'Try again, or pick a sample; the page keeps working.',
      };
  }
}
