/**
 * Extensible structs (openat2's open_how, clone3's clone_args, mount_setattr's mount_attr): the
 * caller passes a size that may exceed the struct this kernel knows, and strace shows what lies
 * beyond it (print_nonzero_bytes): nothing when those bytes are all zero, `???` when they cannot
 * be read, else `/* bytes 24..31 *\/ "\x.."` (in hex, cut at -s). It reads at most a page.
 *
 * The kernel side reads such an argument twice (src/syscalls/reads.ts): the struct itself, and
 * the whole size up to a page; the longer readable read is the blob kept, so a blob shorter than
 * the size asked means the bytes beyond the struct were unreadable.
 */
import { quoteShown } from './quote';

/** What strace reads of an extensible struct at most: a page. */
export const EXTENSIBLE_MAX = 4096;

/**
 * The tail after a struct's last field, with its leading ", " (or "" for none): `blob` is what
 * was read from the struct's start, `known` the struct's size, `size` the size the caller passed.
 */
export function extensibleTail(blob: { data: Uint8Array }, known: number, size: bigint, stringMax: number): string {
  if (size <= BigInt(known)) return '';
  const total = size > BigInt(EXTENSIBLE_MAX) ? EXTENSIBLE_MAX : Number(size);
  if (blob.data.length < total) return ', ???';
  const rest = blob.data.subarray(known, total);
  if (rest.every((b) => b === 0)) return '';
  return `, /* bytes ${known}..${total - 1} */ ${quoteShown({ data: rest, truncated: false }, stringMax, true)}`;
}
