/**
 * strace's quoting of strings and byte buffers: printable ASCII as is, C escapes where they
 * exist, every other byte (each byte of a UTF-8 sequence too) as the shortest octal escape
 * (three digits when a digit follows), or `\xNN` for buffers strace always shows in hex
 * (getrandom's). A cut value gets `...` after the closing quote.
 */

/** Characters strace prints with a C escape. */
const C_ESCAPES: Readonly<Record<number, string>> = {
  0x09: '\\t',
  0x0a: '\\n',
  0x0b: '\\v',
  0x0c: '\\f',
  0x0d: '\\r',
  0x22: '\\"',
  0x5c: '\\\\',
};

/** How quoteBytes renders. */
export interface QuoteOptions {
  /** Append `...` after the closing quote: the value was longer than what is shown. */
  truncated?: boolean;
  /** Every byte as `\xNN` (strace's QUOTE_FORCE_HEX). */
  hex?: boolean;
  /** Stop at the first NUL (a C string in a fixed-size field, such as sun_path). */
  stopAtNul?: boolean;
}

/** `"..."` for raw bytes, as strace prints them. */
export function quoteBytes(bytes: Uint8Array, options: QuoteOptions = {}): string {
  let out = '"';
  let end = bytes.length;
  if (options.stopAtNul) {
    const nul = bytes.indexOf(0);
    if (nul >= 0) end = nul;
  }
  for (let i = 0; i < end; i++) {
    const byte = bytes[i];
    if (options.hex) {
      out += `\\x${byte.toString(16).padStart(2, '0')}`;
      continue;
    }
    const escape = C_ESCAPES[byte];
    if (escape !== undefined) out += escape;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else {
      const next = i + 1 < end ? bytes[i + 1] : undefined;
      const digits = byte.toString(8);
      out += `\\${next !== undefined && next >= 0x30 && next <= 0x37 ? digits.padStart(3, '0') : digits}`;
    }
  }
  return `${out}"${options.truncated ? '...' : ''}`;
}

/** `"..."` for a string (its UTF-8 bytes). */
export function quoteText(text: string, truncated = false): string {
  return quoteBytes(Buffer.from(text, 'utf8'), { truncated });
}

/** A delivered buffer quoted up to `max` bytes, `...` when the call transferred more. */
export function quoteShown(b: { data: Uint8Array; truncated: boolean }, max: number, hex = false): string {
  const cut = b.data.length > max;
  return quoteBytes(cut ? b.data.subarray(0, max) : b.data, { truncated: b.truncated || cut, hex });
}