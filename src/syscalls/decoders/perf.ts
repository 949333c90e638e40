/**
 * perf_event_open: its flags (the kernel's unsigned long, all 64 bits shown). The attr struct
 * is not decoded yet: it prints as its address.
 */
import { flags64Arg } from './fields';
import type { DecoderRegistry } from './registry';
import { xlat } from './xlat';

const PERF_FLAGS = ['PERF_FLAG_FD_NO_GROUP', 'PERF_FLAG_FD_OUTPUT', 'PERF_FLAG_PID_CGROUP', 'PERF_FLAG_FD_CLOEXEC'];

/** Registers the decoders of this module. */
export function registerPerfDecoders(registry: DecoderRegistry): void {
  registry.register('perf_event_open', 'flags', (ctx) => flags64Arg(ctx.argIndex, xlat(ctx.tables, 'PERF', PERF_FLAGS), 'PERF_FLAG_???'));
}
