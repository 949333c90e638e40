/**
 * Every symbolic-argument decoder module, registered once. A new module adds its register
 * function to the list in defaultDecoders.
 */
import { registerFdDecoders } from './fd';
import { registerFileDecoders } from './files';
import { registerIoDecoders } from './io';
import { registerMemoryDecoders } from './mman';
import { registerNetDecoders } from './net';
import { registerOpenDecoders } from './open';
import { registerProcessDecoders } from './process';
import { DecoderRegistry } from './registry';
import { registerSignalDecoders } from './signal';

export { ANY_SYSCALL, DecoderRegistry } from './registry';
export type { ArgDecoder, BindStyle, CallView, DecoderContext, DecoderFactory } from './registry';

/** A registry with all built-in decoders. */
export function defaultDecoders(): DecoderRegistry {
  const registry = new DecoderRegistry();
  registerFdDecoders(registry);
  registerOpenDecoders(registry);
  registerFileDecoders(registry);
  registerMemoryDecoders(registry);
  registerProcessDecoders(registry);
  registerSignalDecoders(registry);
  registerNetDecoders(registry);
  registerIoDecoders(registry);
  return registry;
}
