import { isChannelwise } from './compose-shape.js';
import { type FillConv, padsInput, windowsOf } from './fill-conv.js';
import { type CollapseStep, traceStep } from './trace.js';

/** Records a sum or concat, and the embedding and re-tapping its parts needed. */
export function traceMerge(
  step: CollapseStep,
  parts: readonly FillConv[],
  merged: FillConv,
): FillConv {
  traceStep(step);
  const target = windowsOf(merged);
  for (const part of parts) {
    const windows = windowsOf(part);
    if (windows.some((w, axis) => w.taps > 1 && w.dilation !== target[axis].dilation)) {
      traceStep('retap onto a finer dilation grid');
    }
    if (windows.some((w, axis) => w.taps !== target[axis].taps))
      traceStep('VI embed a smaller kernel');
  }
  return merged;
}

/** Records which form of composition (III) a sequence stage takes. */
export function traceComposition(stage: FillConv): void {
  if (isChannelwise(stage)) traceStep('I fold batch-norm into a conv');
  else if (stage.fill !== undefined && padsInput(stage))
    traceStep('III compose across pad-with-bias');
  else traceStep('III compose stages');
}
