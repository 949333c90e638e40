/**
 * strace's renderings of single values: quoted strings, hex pointers and signal names (errno names
 * and messages: src/syscalls/strerror.ts).
 * Kept apart from printer.ts so the event layout and the value syntax can be read separately.
 */
import { constants } from 'node:os';
import { quoteText } from '../../src/syscalls/decoders/quote';

/**
 * Quotes a string argument like strace: printable ASCII as is, C escapes where they exist, every
 * other byte (including each byte of a UTF-8 sequence, as strace does) as an octal escape.
 * `truncated` appends strace's `...` after the closing quote. The service renders buffers with
 * the same code (src/syscalls/decoders/quote.ts).
 */
export function quoteString(value: string, truncated = false): string {
  return quoteText(value, truncated);
}

/** A uint64 carried as a decimal string, in hex (`0x7ffd1234`); non-numbers pass through. */
export function hex(decimal: string): string {
  return /^-?\d+$/.test(decimal) ? `0x${BigInt.asUintN(64, BigInt(decimal)).toString(16)}` : decimal;
}

/** Number → name; the first name Node lists wins (SIGABRT over SIGIOT, SIGIO over SIGPOLL). */
const SIGNAL_NAMES: ReadonlyMap<number, string> = (() => {
  const byNumber = new Map<number, string>();
  for (const [name, n] of Object.entries(constants.signals)) if (!byNumber.has(n)) byNumber.set(n, name);
  return byNumber;
})();

/** First and last real-time signal in the kernel's numbering, which strace uses for SIGRT_n. */
const KERNEL_SIGRTMIN = 32;
const KERNEL_SIGRTMAX = 64;

/** `9` → `SIGKILL`; real-time signals as strace prints them; anything else `SIG<n>`. */
export function signalName(signal: number): string {
  const name = SIGNAL_NAMES.get(signal);
  if (name !== undefined) return name;
  if (signal === KERNEL_SIGRTMIN) return 'SIGRTMIN';
  if (signal > KERNEL_SIGRTMIN && signal <= KERNEL_SIGRTMAX) return `SIGRT_${signal - KERNEL_SIGRTMIN}`;
  return `SIG${signal}`;
}
