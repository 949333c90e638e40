/**
 * Every symbolic-argument decoder module, registered once. A new module adds its register
 * function to the list in defaultDecoders.
 */
import { registerCapDecoders } from './caps';
import { registerEventDecoders } from './events';
import { registerFdDecoders } from './fd';
import { registerFileDecoders } from './files';
import { registerIdDecoders } from './ids';
import { registerIoDecoders } from './io';
import { registerIoctlDecoders } from './ioctl';
import { registerMiscDecoders } from './misc';
import { registerMsghdrDecoders } from './msghdr';
import { registerMemoryDecoders } from './mman';
import { registerMountDecoders } from './mount';
import { registerNetDecoders, sockaddrFormatter } from './net';
import { registerOpenDecoders } from './open';
import { registerPrctlDecoders } from './prctl';
import { registerProcessDecoders } from './process';
import { DecoderRegistry } from './registry';
import { registerSignalDecoders } from './signal';
import { registerSockoptDecoders, SOCKET_LEVELS } from './sockopt';
import { registerTimeDecoders } from './time';

export { ANY_SYSCALL, DecoderRegistry } from './registry';
export type { ArgDecoder, BindStyle, CallView, DecoderContext, DecoderFactory } from './registry';

/** A registry with all built-in decoders. */
export function defaultDecoders(): DecoderRegistry {
  const registry = new DecoderRegistry();
  registerFdDecoders(registry);
  registerOpenDecoders(registry);
  registerFileDecoders(registry);
  registerMountDecoders(registry);
  registerMemoryDecoders(registry);
  registerProcessDecoders(registry);
  registerSignalDecoders(registry);
  registerNetDecoders(registry);
  registerIoDecoders(registry);
  registerTimeDecoders(registry);
  registerIdDecoders(registry);
  registerPrctlDecoders(registry);
  registerCapDecoders(registry);
  registerEventDecoders(registry);
  registerIoctlDecoders(registry);
  registerSockoptDecoders(registry);
  registerMiscDecoders(registry);
  registerMsghdrDecoders(registry, sockaddrFormatter, SOCKET_LEVELS);
  return registry;
}
