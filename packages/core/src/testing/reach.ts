import { collapse, type CollapseOptions } from '../collapse.js';
import type { Expr } from '../expr.js';
import { COLLAPSE_STEPS, type CollapseStep, withStepListener } from '../_internal/trace.js';

/** Every node kind of {@link Expr}; a `Record` over the union, so a new kind must be added here. */
const KIND_NAMES: Record<Expr['kind'], true> = {
  conv: true,
  batchNorm: true,
  identity: true,
  avgPool: true,
  pad: true,
  scale: true,
  sum: true,
  sequence: true,
  concat: true,
};
export const EXPR_KINDS = Object.keys(KIND_NAMES) as Expr['kind'][];
export { COLLAPSE_STEPS, type CollapseStep };

/** How often each node kind and each collapse step occurred over a set of expressions. */
export interface Reach {
  kinds: Record<Expr['kind'], number>;
  steps: Record<CollapseStep, number>;
}

const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/** An empty tally, to fill with {@link tallyReach}. */
export const emptyReach = (): Reach => ({ kinds: zeros(EXPR_KINDS), steps: zeros(COLLAPSE_STEPS) });

/** Adds one expression's nodes, and the steps its collapse takes, to `reach`. */
export function tallyReach(reach: Reach, expr: Expr, options: CollapseOptions = {}): void {
  countKinds(expr, reach.kinds);
  withStepListener(
    (step) => void (reach.steps[step] += 1),
    () => collapse(expr, options),
  );
}

function countKinds(e: Expr, kinds: Record<Expr['kind'], number>): void {
  kinds[e.kind] += 1;
  const children =
    e.kind === 'sum'
      ? e.terms
      : e.kind === 'sequence'
        ? e.stages
        : e.kind === 'concat'
          ? e.parts
          : [];
  for (const child of children) countKinds(child, kinds);
}

/** The reach as a Markdown table, least-reached first. */
export function reachTable(reach: Reach): string {
  const rows = [
    ...EXPR_KINDS.map((k) => [`node \`${k}\``, reach.kinds[k]] as const),
    ...COLLAPSE_STEPS.map((s) => [`step ${s}`, reach.steps[s]] as const),
  ].sort((a, b) => a[1] - b[1]);
  return ['| what | count |', '|---|---|', ...rows.map(([name, n]) => `| ${name} | ${n} |`)].join(
    '\n',
  );
}
