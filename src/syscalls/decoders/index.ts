/**
 * Every symbolic-argument decoder module, registered once. A new module adds its register
 * function to the list in defaultDecoders.
 */
import { registerBpfDecoders } from './bpf';
import { registerCapDecoders } from './caps';
import { registerEventDecoders } from './events';
import { registerFanotifyDecoders } from './fanotify';
import { registerFdDecoders } from './fd';
import { registerFileDecoders } from './files';
import { registerIdDecoders } from './ids';
import { registerIoDecoders } from './io';
import { registerIoUringDecoders } from './io_uring';
import { registerIoctlDecoders } from './ioctl';
import { registerIpcDecoders } from './ipc';
import { registerKeyDecoders } from './keys';
import { registerLandlockDecoders } from './landlock';
import { registerMempolicyDecoders } from './mempolicy';
import { registerMiscDecoders } from './misc';
import { registerAioDecoders } from './aio';
import { registerModuleDecoders } from './module';
import { registerMsghdrDecoders } from './msghdr';
import { registerMemoryDecoders } from './mman';
import { registerMountDecoders } from './mount';
import { registerNetDecoders, sockaddrFormatter } from './net';
import { registerOpenDecoders } from './open';
import { registerPerfDecoders } from './perf';
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
  registerAioDecoders(registry);
  registerFanotifyDecoders(registry);
  registerBpfDecoders(registry);
  registerKeyDecoders(registry);
  registerMempolicyDecoders(registry);
  registerIoUringDecoders(registry);
  registerPerfDecoders(registry);
  registerModuleDecoders(registry);
  registerIpcDecoders(registry);
  registerLandlockDecoders(registry);
  registerMsghdrDecoders(registry, sockaddrFormatter, SOCKET_LEVELS);
  return registry;
}
