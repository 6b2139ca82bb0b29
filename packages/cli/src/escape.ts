// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides
 * written as `\xNN` / `\u{NNNN}`, so that a name inside a model can neither move the cursor,
 * colour the terminal, start a fake line, nor reorder what is shown.
 */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
