/**
 * Symbolic renderings of arguments (SyscallArg.symbolic), registered per syscall name and
 * argument name. A decoder is bound once per syscall argument when the catalog loads, so the
 * per-event work is one call on the raw registers with everything else precomputed.
 */
import type { ArchTables } from '../arch';
import type { DecodeOptions, RawBlob, RawString, SyscallArgInfo } from '../types';

/** Everything one call delivered, for decoders that need more than the registers. */
export interface CallView {
  /** The six argument registers. */
  args: readonly bigint[];
  /** Return value (negative errno on failure; 0 when the call never returned). */
  ret: bigint;
  /** The call never returned (exit_group): outputs were never written. */
  noReturn: boolean;
  /** String arguments by index. */
  strings: ReadonlyMap<number, RawString>;
  /** Extra kernel reads by pointer argument index (src/syscalls/reads.ts). */
  blobs: ReadonlyMap<number, RawBlob>;
  /** The trace's renderings (its string length for buffers, ...). */
  options: DecodeOptions;
  /** The family and protocol of a socket fd of the calling process, when the trace knows them. */
  socketOf?: (fd: number) => { family: number; protocol: number } | undefined;
}

/**
 * Renders one argument from the raw registers of the call (all of them, because some renderings
 * depend on another argument: open's mode only matters with O_CREAT) and, when needed, the rest
 * of the call (`call`: the return value, memory the kernel side read). Returns "" when the value
 * has no symbolic form, and null when strace would not print the argument at all because the
 * kernel ignores it in this call (SyscallArg.ignored). Called per event: must not throw, and
 * should not allocate beyond the returned string.
 */
export type ArgDecoder = (args: readonly bigint[], call: CallView) => string | null;

/** What a factory knows when binding a decoder to one argument of one syscall. */
export interface DecoderContext {
  syscall: string;
  argIndex: number;
  /** All arguments of the syscall, to find related ones by name. */
  args: readonly SyscallArgInfo[];
  tables: ArchTables;
  /** The renderings fixed when decoders are bound (one set of bound decoders per combination). */
  style: BindStyle;
}

/** The part of DecodeOptions that decoders are bound with. */
export type BindStyle = Pick<DecodeOptions, 'constants' | 'verbose'>;

/** Builds the decoder for one argument, or returns null when it does not apply there. */
export type DecoderFactory = (ctx: DecoderContext) => ArgDecoder | null;

/** Key for decoders that apply to an argument name in every syscall (dfd, olddfd, ...). */
export const ANY_SYSCALL = '*';

/**
 * Decoder factories keyed by "<syscall>.<arg>". An exact syscall entry wins over an
 * ANY_SYSCALL one for the same argument name.
 */
export class DecoderRegistry {
  private readonly factories = new Map<string, DecoderFactory>();

  /**
   * Registers a factory for `arg` of `syscall` (or of every syscall with ANY_SYSCALL). Throws
   * on a duplicate, so two modules cannot silently fight over an argument.
   */
  register(syscall: string, arg: string, factory: DecoderFactory): this {
    const key = `${syscall}.${arg}`;
    if (this.factories.has(key)) throw new Error(`register decoder ${key}: already registered`);
    this.factories.set(key, factory);
    return this;
  }

  /** The bound decoder for one argument, or null when none is registered or applies. */
  bind(ctx: DecoderContext): ArgDecoder | null {
    const arg = ctx.args[ctx.argIndex].name;
    const factory = this.factories.get(`${ctx.syscall}.${arg}`) ?? this.factories.get(`${ANY_SYSCALL}.${arg}`);
    return factory ? factory(ctx) : null;
  }

  /**
   * Registers a factory for what strace prints about `arg` of `syscall` after the return value
   * (SyscallArg.return_note): poll's revents, select's ready sets. Throws on a duplicate.
   */
  registerNote(syscall: string, arg: string, factory: DecoderFactory): this {
    return this.register(`note:${syscall}`, arg, factory);
  }

  /** The bound note decoder for one argument, or null. */
  bindNote(ctx: DecoderContext): ArgDecoder | null {
    const factory = this.factories.get(`note:${ctx.syscall}.${ctx.args[ctx.argIndex].name}`);
    return factory ? factory(ctx) : null;
  }

  /** Registered keys, for tests and diagnostics. */
  keys(): string[] {
    return [...this.factories.keys()];
  }
}

/** The index of the argument named `name` in a decoder context, or -1. */
export function argIndexOf(ctx: DecoderContext, name: string): number {
  return ctx.args.findIndex((a) => a.name === name);
}

/** A bytes blob when the kernel side delivered a readable one for `argIndex`. */
export function bytesOf(blobs: ReadonlyMap<number, RawBlob>, argIndex: number): (RawBlob & { kind: 'bytes' }) | undefined {
  const b = blobs.get(argIndex);
  return b?.kind === 'bytes' && !b.unreadable ? b : undefined;
}

/** The derived blob of read `part` behind argument `arg` (KERNEL_NEEDS.md, enum sct_derived). */
export function derivedKey(arg: number, part: number): number {
  return 0x80 | (arg << 3) | part;
}

/** SCT_INNER_PART: what SCT_READ_INNER finds behind the pointer at byte 8 * n of a struct is derived part INNER_PART + n % 4. */
export const INNER_PART = 4;

/** SCT_PART_ENTRY: an argument's value at entry, of a read made at entry (and at exit). */
const PART_ENTRY = 0;

/**
 * The bytes argument `argIndex` pointed to at entry (SCT_RD_BOTH, SCT_RD_ENTRY, select's sets),
 * when the kernel side delivered them readable; its own blob is the value at exit.
 */
export function entryBytesOf(blobs: ReadonlyMap<number, RawBlob>, argIndex: number): (RawBlob & { kind: 'bytes' }) | undefined {
  return bytesOf(blobs, derivedKey(argIndex, PART_ENTRY));
}

/** A DataView over a blob's bytes. */
export function viewOf(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

