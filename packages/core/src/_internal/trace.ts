/**
 * The steps `collapse` takes, named after the rules of docs/math.md. Counting them is how the
 * tests measure that the random expressions reach every rule (see `testing/reach.ts`).
 */
export const COLLAPSE_STEPS = [
  'I fold batch-norm into a conv',
  'I batch-norm as a conv',
  'II add branches',
  'III compose stages',
  'III compose across pad-with-bias',
  'IV concatenate outputs',
  'V average pool as a conv',
  'VI embed a smaller kernel',
  'VI identity as a conv',
  'retap onto a finer dilation grid',
  'scale channels',
  'pad as a conv',
  'crop as zero taps',
] as const;

export type CollapseStep = (typeof COLLAPSE_STEPS)[number];

let listener: ((step: CollapseStep) => void) | undefined;

/** Records one step; free when nobody listens. */
export function traceStep(step: CollapseStep): void {
  listener?.(step);
}

/** Runs `fn` with `onStep` called for every collapse step it takes. Not re-entrant. */
export function withStepListener<T>(onStep: (step: CollapseStep) => void, fn: () => T): T {
  const previous = listener;
  listener = onStep;
  try {
    return fn();
  } finally {
    listener = previous;
  }
}
