/**
 * Data buffers of read/write-like calls, when the trace asked for their first bytes
 * (TraceSpec.buffer_bytes): quoted like strace, `"hello\n"`, with `...` when the call
 * transferred more than was delivered. An output buffer (read) only when the call succeeded.
 */
import { bytesOf } from './files';
import { quoteShown } from './quote';
import type { ArgDecoder, DecoderRegistry } from './registry';

/** Syscalls with a data buffer, and whether the call fills it (an output). */
export const DATA_BUFFERS: ReadonlyArray<readonly [string, string, boolean]> = [
  ['read', 'buf', true],
  ['pread64', 'buf', true],
  ['recvfrom', 'ubuf', true],
  ['write', 'buf', false],
  ['pwrite64', 'buf', false],
  ['sendto', 'buff', false],
];

/** The quoted first bytes of a data buffer, at most the trace's string length (strace -s). */
export function bufferDecoder(argIndex: number, output: boolean, hex = false): ArgDecoder {
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || (output && call.ret < 0n)) return '';
    return quoteShown(b, call.options.stringMax, hex);
  };
}


/** Registers the data buffer decoders. */
export function registerIoDecoders(registry: DecoderRegistry): void {
  for (const [syscall, arg, output] of DATA_BUFFERS) registry.register(syscall, arg, (ctx) => bufferDecoder(ctx.argIndex, output));
}
