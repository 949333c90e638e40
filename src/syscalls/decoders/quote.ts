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

/** strace's -x levels: none, -x (a string with a non-ASCII byte all in hex), -xx (every string in hex). */
export type HexStyle = 'none' | 'non-ascii' | 'all';

/** How quoteBytes renders. */
export interface QuoteOptions {
  /** Append `...` after the closing quote: the value was longer than what is shown. */
  truncated?: boolean;
  /** Every byte as `\xNN` (strace's QUOTE_FORCE_HEX). */
  hex?: boolean;
  /** strace -x / -xx. */
  style?: HexStyle;
  /** Stop at the first NUL (a C string in a fixed-size field, such as sun_path). */
  stopAtNul?: boolean;
}

/** -x: a byte that is neither printable ASCII nor one of \t \n \v \f \r puts the whole string in hex. */
function needsHex(bytes: Uint8Array, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = bytes[i];
    if (c > 0x7e || (c < 0x20 && (c < 9 || c > 13))) return true;
  }
  return false;
}

/** `"..."` for raw bytes, as strace prints them. */
export function quoteBytes(bytes: Uint8Array, options: QuoteOptions = {}): string {
  let out = '"';
  let end = bytes.length;
  if (options.stopAtNul) {
    const nul = bytes.indexOf(0);
    if (nul >= 0) end = nul;
  }
  const style = options.style ?? 'none';
  const hex = options.hex || style === 'all' || (style === 'non-ascii' && needsHex(bytes, end));
  for (let i = 0; i < end; i++) {
    const byte = bytes[i];
    if (hex) {
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
/**
 * Re-quotes every quoted string in a rendering (`"\177ELF"...`, `{sun_path="/run/x"}`) in strace
 * -x or -xx style. Renderings are made with quoteBytes, whose escapes are canonical, so the
 * bytes come back exactly.
 */
export function requote(text: string, style: HexStyle): string {
  if (style === 'none' || !text.includes('"')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('"', i);
    if (open < 0) break;
    out += text.slice(i, open);
    const bytes: number[] = [];
    let j = open + 1;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] !== '\\') {
        bytes.push(text.charCodeAt(j));
        continue;
      }
      const c = text[++j];
      const simple = UNESCAPE[c];
      if (simple !== undefined) bytes.push(simple);
      else if (c === 'x') {
        bytes.push(parseInt(text.slice(j + 1, j + 3), 16));
        j += 2;
      } else {
        let k = j;
        while (k < j + 3 && text[k] >= '0' && text[k] <= '7') k++;
        bytes.push(parseInt(text.slice(j, k), 8));
        j = k - 1;
      }
    }
    out += quoteBytes(Uint8Array.from(bytes), { style });
    i = j + 1;
  }
  return out + text.slice(i);
}

/** The C escapes of quoteBytes, back to their bytes. */
const UNESCAPE: Readonly<Record<string, number>> = { t: 0x09, n: 0x0a, v: 0x0b, f: 0x0c, r: 0x0d, '"': 0x22, '\\': 0x5c };
