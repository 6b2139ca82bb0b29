/** Greatest common divisor of non-negative integers; gcd() of nothing is 0. */
export function gcd(...values: number[]): number {
  let g = 0;
  for (let v of values) {
    v = Math.abs(v);
    while (v !== 0) [g, v] = [v, g % v];
  }
  return g;
}
