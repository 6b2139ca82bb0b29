/** Models trained on the Train page in this session, for the Look inside page. */
import type { TrainedModels } from './train-types.js';

const byBlock = new Map<string, TrainedModels>();
const listeners: (() => void)[] = [];

/** Keeps the latest trained models of their block kind. */
export function rememberModels(m: TrainedModels): void {
  byBlock.set(m.block, m);
  for (const l of listeners) l();
}

/** The trained models of this session, by block kind. */
export function sessionModels(): ReadonlyMap<string, TrainedModels> {
  return byBlock;
}

/** Calls `listener` when a model is added. */
export function onModels(listener: () => void): void {
  listeners.push(listener);
}
