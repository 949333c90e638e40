/**
 * Classic BPF programs (struct sock_fprog), as strace 6.1's bpf_filter.c prints them by default:
 * `{len=10, filter=0x7f...}` (the instructions themselves only under strace -v, not decoded
 * here: their address). Used by setsockopt's SO_ATTACH_FILTER and SO_ATTACH_REUSEPORT_CBPF and
 * seccomp's SECCOMP_SET_MODE_FILTER.
 */
import { viewOf } from './registry';
import { pointer } from './xlat';

/** sizeof(struct sock_fprog) on x86_64: the u16 count, padding, the instructions' pointer. */
export const SOCK_FPROG_SIZE = 16;

/** A struct sock_fprog at `ptr` from the bytes read there; its address when fewer were read. */
export function sockFprogText(data: Uint8Array | undefined, ptr: bigint): string {
  if (ptr === 0n || !data || data.length < SOCK_FPROG_SIZE) return pointer(ptr);
  const v = viewOf(data);
  return `{len=${v.getUint16(0, true)}, filter=${pointer(v.getBigUint64(8, true))}}`;
}
