// Command-line flags of the benchmarks.

/** Value of `--name N` in argv (a positive integer), or `fallback`. */
export function numberFlag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const v = Number(process.argv[at + 1]);
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(`bench: ${name} takes a positive integer, got ${process.argv[at + 1]}`);
  }
  return v;
}
