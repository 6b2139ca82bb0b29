import { parseArgs } from 'node:util';

/** Options of `pnpm reproduce`. */
export interface ReproduceArgs {
  quick: boolean;
  seeds: number;
  jobs: number;
  /** Folder of results.md, results/ (figures, per-run JSON). */
  out: string | undefined;
  methods: string[] | undefined;
  archs: string[] | undefined;
  reportOnly: boolean;
  calibrate: boolean;
  help: boolean;
}

/** The usage text. */
export const usage = `usage: pnpm reproduce [--quick] [--seeds N] [--jobs N] [--out DIR] [--methods a,b] [--archs a,b] [--report-only] [--calibrate]

  --quick          one tiny configuration end to end (a check, not a result), written to a temporary folder
  --seeds N        seeds 1..N of every run (default 3)
  --jobs N         worker processes, one core each (default 2)
  --out DIR        where results.md and results/ go (default: the repository's docs/; --quick: a temporary folder)
  --methods a,b    only these method ids;  --archs a,b  only these architectures
  --report-only    write the report from the stored runs, train nothing
  --calibrate      measure a few training steps of every run's model here and now, print the projected duration

Runs already stored under the protocol's folder are not run again: an interrupted run resumes,
and a method added later trains only its own runs.`;

/** Parses argv (without node and script); throws with the usage on a bad option. */
export function parseReproduceArgs(argv: readonly string[]): ReproduceArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((a) => a !== '--'),
      options: {
        quick: { type: 'boolean', default: false },
        seeds: { type: 'string' },
        jobs: { type: 'string' },
        out: { type: 'string' },
        methods: { type: 'string' },
        archs: { type: 'string' },
        'report-only': { type: 'boolean', default: false },
        calibrate: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${usage}`, { cause: e });
  }
  const int = (name: string, v: string | undefined, fallback: number): number => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--${name} must be a positive integer, got '${v}'\n${usage}`);
    return n;
  };
  const list = (v: string | undefined): string[] | undefined =>
    v === undefined ? undefined : v.split(',').filter((s) => s !== '');
  return {
    quick: values.quick,
    seeds: int('seeds', values.seeds, values.quick ? 1 : 3),
    jobs: int('jobs', values.jobs, 2),
    out: values.out,
    methods: list(values.methods),
    archs: list(values.archs),
    reportOnly: values['report-only'],
    calibrate: values.calibrate,
    help: values.help,
  };
}
