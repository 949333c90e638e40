/**
 * Every symbolic-argument decoder module, registered once. A new module (signals, mmap prot,
 * socket families) adds its register function to the list in defaultDecoders.
 */
import { registerFdDecoders } from './fd';
import { registerOpenDecoders } from './open';
import { DecoderRegistry } from './registry';

export { ANY_SYSCALL, DecoderRegistry } from './registry';
export type { ArgDecoder, DecoderContext, DecoderFactory } from './registry';

/** A registry with all built-in decoders. */
export function defaultDecoders(): DecoderRegistry {
  const registry = new DecoderRegistry();
  registerFdDecoders(registry);
  registerOpenDecoders(registry);
  return registry;
}
