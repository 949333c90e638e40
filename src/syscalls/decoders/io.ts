/**
 * Data buffers of read/write-like calls, when the trace asked for their first bytes
 * (TraceSpec.buffer_bytes): quoted like strace, `"hello\n"`, with `...` when the call
 * transferred more than was delivered. An output buffer (read) only when the call succeeded.
 */
import { bytesOf, entryBytesOf, viewOf } from './registry';
import { addressFamilies } from './net';
import { NetlinkDecoder } from './netlink';
import { quoteShown } from './quote';
import { argIndexOf, type ArgDecoder, type DecoderRegistry } from './registry';
import { constant, u32 } from './xlat';

/** Syscalls with a data buffer, and whether the call fills it (an output). */
export const DATA_BUFFERS: ReadonlyArray<readonly [string, string, boolean]> = [
  ['read', 'buf', true],
  ['pread64', 'buf', true],
  ['recvfrom', 'ubuf', true],
  ['write', 'buf', false],
  ['pwrite64', 'buf', false],
  ['sendto', 'buff', false],
  ['mq_timedsend', 'u_msg_ptr', false],
  ['mq_timedreceive', 'u_msg_ptr', true],
];

/** The quoted first bytes of a data buffer, at most the trace's string length (strace -s). */
export function bufferDecoder(argIndex: number, output: boolean, hex = false): ArgDecoder {
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || (output && call.ret < 0n)) return '';
    return quoteShown(b, call.options.stringMax, hex);
  };
}

/** A loff_t behind a pointer as the kernel side read it at entry (`[0]`), '' when not delivered. */
function entryOffset(args: readonly bigint[], argIndex: number, call: Parameters<ArgDecoder>[1]): string {
  const b = (args[argIndex] ?? 0n) !== 0n ? entryBytesOf(call.blobs, argIndex) : undefined;
  return b && b.data.length >= 8 ? `[${viewOf(b.data).getBigInt64(0, true)}]` : '';
}

/**
 * The file offsets splice and copy_file_range take (their value at entry, `[0]`) and sendfile's,
 * which also shows where it moved to after a transfer: `[0] => [8]`.
 */
function registerOffsetDecoders(registry: DecoderRegistry): void {
  for (const syscall of ['splice', 'copy_file_range']) {
    for (const arg of ['off_in', 'off_out']) registry.register(syscall, arg, (ctx) => (args, call) => entryOffset(args, ctx.argIndex, call));
  }
  registry.register('sendfile', 'offset', (ctx) => {
    const count = argIndexOf(ctx, 'count');
    return (args, call) => {
      const before = entryOffset(args, ctx.argIndex, call);
      const after = bytesOf(call.blobs, ctx.argIndex);
      if (!before || (args[count] ?? 0n) === 0n || call.ret <= 0n || !after || after.data.length < 8) return before;
      return `${before} => [${viewOf(after.data).getBigInt64(0, true)}]`;
    };
  });
}

/** Registers the data buffer decoders; buffers sent to and received from netlink sockets are decoded as messages. */
export function registerIoDecoders(registry: DecoderRegistry): void {
  for (const [syscall, arg, output] of DATA_BUFFERS) {
    registry.register(syscall, arg, (ctx) => {
      const plain = bufferDecoder(ctx.argIndex, output);
      if (syscall !== 'sendto' && syscall !== 'recvfrom') return plain;
      const fdIndex = argIndexOf(ctx, 'fd');
      const lenIndex = argIndexOf(ctx, syscall === 'sendto' ? 'len' : 'size');
      const netlink = new NetlinkDecoder(ctx.tables, addressFamilies(ctx.tables));
      const AF_NETLINK = constant(ctx.tables, 'AF', 'AF_NETLINK');
      return (args, call) => {
        const b = bytesOf(call.blobs, ctx.argIndex);
        // The protocol the kernel side saw at the call; else what the fd table knows (the
        // process and its fds may be gone by decode time, and socket() need not be traced).
        const socket = b?.whole && b.protocol !== undefined ? { family: AF_NETLINK, protocol: b.protocol } : call.socketOf?.(Number(BigInt.asIntN(32, args[fdIndex] ?? 0n)));
        if (socket?.family !== AF_NETLINK || !b || (output && call.ret < 0n)) return plain(args, call);
        // strace decodes what was sent (the length asked) and what was received (the return value).
        const len = output ? Number(call.ret) : Number(u32(args[lenIndex]));
        // A message longer than the kernel side reads whole is shown as bytes (KERNEL_NEEDS.md).
        if (b.data.length < len && !b.whole) return plain(args, call);
        if (b.data.length < len && b.truncated) return plain(args, call);
        return netlink.decode(b.data, len, socket.protocol, call.options.stringMax, args[ctx.argIndex] ?? 0n, call.ret < 0n);
      };
    });
  }
  registerOffsetDecoders(registry);
}
