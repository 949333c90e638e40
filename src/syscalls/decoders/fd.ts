/**
 * Directory file descriptors of the *at() family: AT_FDCWD instead of -100.
 */
import { ANY_SYSCALL, type ArgDecoder, type DecoderRegistry } from './registry';
import { currentBindingStyle, styled } from './xlat';

/** AT_FDCWD from include/uapi/linux/fcntl.h; the same on every architecture. */
export const AT_FDCWD = -100;

/**
 * Argument names the kernel uses for directory fds that accept AT_FDCWD (dirfd is the man-page
 * spelling, used by no x86_64 SYSCALL_DEFINE on Linux 6.18 but cheap to cover).
 */
export const DIRFD_ARG_NAMES: readonly string[] = ['dfd', 'dirfd', 'olddfd', 'newdfd', 'from_dfd', 'to_dfd'];

/** Renders a dirfd register: the kernel reads it as a 32-bit int, so the upper half is ignored. */
export function dirfdDecoder(argIndex: number): ArgDecoder {
  const style = currentBindingStyle();
  const fdcwd = styled(BigInt(AT_FDCWD), 'AT_FDCWD', style, true);
  return (args) => (Number(BigInt.asIntN(32, args[argIndex] ?? 0n)) === AT_FDCWD ? fdcwd : '');
}

/** Registers the dirfd decoder for every DIRFD_ARG_NAMES argument of any syscall. */
export function registerFdDecoders(registry: DecoderRegistry): void {
  for (const name of DIRFD_ARG_NAMES) registry.register(ANY_SYSCALL, name, (ctx) => dirfdDecoder(ctx.argIndex));
  // execveat's SYSCALL_DEFINE names its dirfd plain `fd`.
  registry.register('execveat', 'fd', (ctx) => dirfdDecoder(ctx.argIndex));
}
