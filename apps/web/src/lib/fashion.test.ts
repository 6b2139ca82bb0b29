import { describe, expect, it } from 'vitest';
import { PIXELS, scanImages } from './fashion.js';

/** A stream of `text` cut into chunks of `size` characters (numbers split across chunks). */
function stream(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) c.close();
      else {
        c.enqueue(bytes.slice(at, at + size));
        at += size;
      }
    },
  });
}

const img = (v: number) => Array.from({ length: PIXELS }, (_, i) => (i === 0 ? v : i % 256));

describe('scanImages', () => {
  it('reads images of 784 values across chunk borders and skips malformed entries', async () => {
    const json = JSON.stringify({ data: [img(7), [], img(200), [1, 2, 3], img(255)] });
    const got: number[][] = [];
    const seen = await scanImages(stream(json, 7), (p) => {
      got.push([p[0], p[1], p[783]]);
      return true;
    });
    expect(seen).toBe(3);
    expect(got).toEqual([
      [7, 1, 783 % 256],
      [200, 1, 783 % 256],
      [255, 1, 783 % 256],
    ]);
  });

  it('stops and cancels the stream when told to', async () => {
    const json = JSON.stringify({ data: [img(1), img(2), img(3)] });
    let calls = 0;
    const seen = await scanImages(stream(json, 1000), () => ++calls < 2);
    expect(seen).toBe(2);
    expect(calls).toBe(2);
  });
});
