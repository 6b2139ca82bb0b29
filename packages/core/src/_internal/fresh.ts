/**
 * Weight arrays that `collapse` allocated itself and nobody else holds: a sum may add the other
 * branches into one of them instead of allocating. Never holds arrays a caller passed in or gets back.
 */
const fresh = new WeakSet<Float64Array>();

export const markFresh = <T extends Float64Array>(a: T): T => (fresh.add(a), a);
export const isFresh = (a: Float64Array): boolean => fresh.has(a);
export const release = (a: Float64Array): boolean => fresh.delete(a);
