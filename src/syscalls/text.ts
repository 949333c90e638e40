/**
 * Bytes from user memory as text. Linux paths, names and arguments are bytes, while the API's
 * strings must be UTF-8: the text is the bytes decoded (each invalid sequence as U+FFFD), and
 * when the bytes are not valid UTF-8 a copy of them goes along (SyscallArg.str_bytes and
 * friends), so nothing the kernel read is lost.
 */
import { isUtf8 } from 'node:buffer';

/** Decoded text, and the exact bytes when the text alone would lose them. */
export interface DecodedText {
  text: string;
  /** A copy of the bytes, only when they are not valid UTF-8. */
  bytes?: Uint8Array;
}

/** Decodes `bytes` (which may alias a ring buffer: the kept copy is the caller's). */
export function decodeText(bytes: Uint8Array): DecodedText {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // U+FFFD in the text is the cheap sign; valid UTF-8 may hold U+FFFD itself, so check then.
  if (!text.includes('\ufffd') || isUtf8(bytes)) return { text };
  return { text, bytes: Uint8Array.prototype.slice.call(bytes) };
}

/** The bytes a decoded value stands for: the kept bytes, else the text's UTF-8. */
export function textBytes(text: string, bytes: Uint8Array | undefined | null): Uint8Array {
  return bytes != null && bytes.length > 0 ? bytes : Buffer.from(text, 'utf8');
}
