/** The stages of a conversion, in order, as {@link ConvertOptions.onStage} reports them. */
export type ConvertStage = 'check' | 'probe' | 'regions' | 'collapse' | 'rewrite' | 'verify';

/** Called once per stage with its wall time in milliseconds (a profile). */
export type StageListener = (stage: ConvertStage, milliseconds: number) => void;

const now = (): number =>
  (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();

/**
 * A lap timer: each call reports the time since the previous one (or since the timer was made)
 * as `stage`; free without a listener.
 */
export function stageLaps(onStage?: StageListener): (stage: ConvertStage) => void {
  if (onStage === undefined) return () => undefined;
  let last = now();
  return (stage) => {
    const t = now();
    onStage(stage, t - last);
    last = t;
  };
}
