/** max |a - b| / max |b|: the error of `a` relative to the largest value of the reference `b`. */
export function relative(a, b) {
  let diff = 0,
    scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}
