/**
 * Namespace requests (0xb7, linux/nsfs.h) as strace's nsfs decoder shows them: NS_GET_USERNS,
 * NS_GET_PARENT and NS_GET_NSTYPE take nothing; NS_GET_OWNER_UID returns a uid behind a pointer
 * (its number, _IO, does not say so: the size table gives the kernel side its 4 bytes).
 */
import type { ShapeContext } from './shape';

export function nsfsShapes(ctx: ShapeContext): void {
  ctx.set(['NS_GET_USERNS', 'NS_GET_PARENT', 'NS_GET_NSTYPE'], { kind: 'none' });
  ctx.set(['NS_GET_OWNER_UID'], { kind: 'int', output: true, unsigned: true });
}
