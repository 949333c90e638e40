/**
 * The syscall catalog: numbers from the generated header tables, argument names and types from
 * the running kernel's tracefs, strace classes, and the per-event decoder that turns a
 * RawSyscall into a SyscallEvent. Built once at start-up; read-only afterwards, so it may be
 * shared by every session.
 */
import type { SyscallArg } from '../api/generated/sctrace/v1/SyscallArg';
import type { SyscallEvent } from '../api/generated/sctrace/v1/SyscallEvent';
import { archName, archTables, type ArchTables } from './arch';
import { integerKind, isPathArg, isSignedType, isStringArg, readsStringsAtEntry, ValueKind } from './argtypes';
import { canonicalClass, SYSCALL_CLASSES } from './classes';
import { defaultDecoders, type ArgDecoder, type BindStyle, type CallView, type DecoderRegistry } from './decoders';
import { DATA_BUFFERS } from './decoders/io';
import { ErrnoTable } from './errno';
import { fdPlan, fdRoleOf, isDirfdArg, isFdArg, isFdTarget, type FdPlan, type FdRole } from './fdeffects';
import { FdDetails } from './fddetails';
import { FdState, type FdSystem } from './fdstate';
import { NETLINK_PROTOCOLS } from './decoders/net';
import { siginfoDecoder, type DecodedSiginfo } from './decoders/siginfo';
import { withBindingStyle, xlat } from './decoders/xlat';
import { longValue } from '../util/longs';
import { ioctlArgSizes, type IoctlArgSize } from './decoders/ioctl';
import { encodeReads, EnterBit, readsAtEntry, syscallReads, type KernelRead } from './reads';
import { decodeText, textBytes } from './text';
import { fallbackSignature } from './fallback';
import { ensureTracefs, loadSyscallFormats, type SyscallFormat } from './tracefs';
import {
  DEFAULT_DECODE_OPTIONS,
  type DecodeOptions,
  type RawBlob,
  type RawString,
  type RawSyscall,
  type SyscallArgInfo,
  type SyscallInfo,
  type SyscallResolver,
  type TraceState,
  type TraceView,
} from './types';

/** The running architecture's kernel name (x86_64, aarch64); defined in arch.ts. */
export { archName } from './arch';

/**
 * Syscalls whose SYSCALL_DEFINE name (and so tracefs event name) differs from the __NR name on
 * x86_64: the "new" stat/uname variants replaced old ABIs under the same number, sendfile is
 * defined as sendfile64, and umount2 is SYSCALL_DEFINE2(umount, ...) in fs/namespace.c.
 */
const EVENT_NAME_ALIASES: Readonly<Record<string, string>> = {
  stat: 'newstat',
  fstat: 'newfstat',
  lstat: 'newlstat',
  uname: 'newuname',
  sendfile: 'sendfile64',
  umount2: 'umount',
};

/** Syscalls take at most six register arguments. */
const MAX_ARGS = 6;

/** Per-argument decode work, fixed at load. */
interface ArgPlan {
  index: number;
  name: string;
  type: string;
  kind: ValueKind;
  symbolic: ArgDecoder | null;
  /** What strace prints about it after the return value (SyscallArg.return_note). */
  note: ArgDecoder | null;
  /** A file descriptor: rendered signed, with SyscallArg.fd_path from the trace's FdState. */
  fd: boolean;
  /** ...a directory fd: AT_FDCWD gets the working directory as its fd_path. */
  dirfd: boolean;
  /** An fd only for some values of the other arguments (fsconfig's aux): which, per call. */
  fdRole: ((regs: readonly bigint[]) => FdRole) | null;
  /** An fd the call itself (re)defines: named from the trace's table only, never from /proc. */
  fdTarget: boolean;
  /** A data buffer: its delivered bytes go to SyscallArg.buffer. */
  dataBuffer: boolean;
  /** A path string: never cut to a view's string_max. */
  path: boolean;
  /** An environment array (execve's envp): only counted in a view without exec_env. */
  env: boolean;
}

/** Per-syscall decode work, fixed at load. */
interface DecodePlan {
  nr: number;
  name: string;
  /** Raw registers to report: the argument count, or all six when the kernel gave no metadata. */
  nargs: number;
  args: ArgPlan[];
  /** How the call changes the trace's fd table, and whether it returns an fd. */
  fds: FdPlan;
  /** Decoders of this call ask what a socket fd is (netlink messages). */
  socketCalls: boolean;
}

/** The blobs of a record without any. */
const NO_BLOBS: ReadonlyMap<number, RawBlob> = new Map();
const NO_FDS: FdPlan = { effect: null, returnsFd: null };
/** Data buffer arguments, "syscall.arg". */
const DATA_BUFFER_ARGS: ReadonlySet<string> = new Set(DATA_BUFFERS.map(([syscall, arg]) => `${syscall}.${arg}`));

/** Options of SyscallCatalog.load. */
export interface CatalogLoadOptions {
  /** tracefs directory; by default found (or mounted) with ensureTracefs. */
  tracefsDir?: string;
  /** Where to report that tracefs was mounted. */
  log?: (m: string) => void;
}

/** Options of SyscallCatalog.fromFormats. */
export interface CatalogBuildOptions {
  /** Architecture whose generated tables to use; the running one by default. */
  arch?: string;
  /** Symbolic decoders; defaultDecoders() by default. */
  decoders?: DecoderRegistry;
}

/** Syscalls whose decoders look at the socket an fd argument is (netlink payloads). */
const SOCKET_CALLS: ReadonlySet<string> = new Set(['sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg']);

/** Bound on cached plans for numbers the table does not know; they are rare but unbounded. */
const UNKNOWN_PLAN_CACHE_LIMIT = 1024;

/**
 * The SyscallResolver of this process. Decoding is safe to call from any number of traces:
 * the only mutable state is caches whose entries never change once written.
 */
export class SyscallCatalog implements SyscallResolver {
  /** Architecture name, e.g. "x86_64". */
  readonly arch: string;
  /** errno names and messages of this architecture. */
  readonly errnos: ErrnoTable;

  private readonly infos: SyscallInfo[] = [];
  private readonly numberIndex: (SyscallInfo | undefined)[] = [];
  private readonly nameIndex = new Map<string, SyscallInfo>();
  /** Decode plans indexed by number (one array read per event), for strace's default renderings. */
  private readonly plans: (DecodePlan | undefined)[] = [];
  /** Plans bound with other renderings (-X, -v), built when a trace first asks for them. */
  private readonly styledPlans = new Map<string, (DecodePlan | undefined)[]>();
  private readonly hasMetadata = new Set<number>();
  private readonly unknownPlans = new Map<number, DecodePlan>();
  private readonly classMembers = new Map<string, SyscallInfo[]>();

  private constructor(
    private readonly tables: ArchTables,
    formats: ReadonlyMap<string, SyscallFormat>,
    private readonly decoders: DecoderRegistry,
  ) {
    this.arch = tables.arch;
    this.errnos = new ErrnoTable(tables.errnos);
    for (const [name, nr] of tables.syscallNumbers) {
      const eventName = formats.has(name) ? name : EVENT_NAME_ALIASES[name];
      const format = eventName === undefined ? undefined : formats.get(eventName);
      // Without an event (a subsystem the kernel was built without), the declared signature.
      const declared = format?.args ?? fallbackSignature(name);
      const info: SyscallInfo = {
        nr,
        name,
        args: declared ? declared.slice(0, MAX_ARGS).map((f) => argInfo(name, f.name, f.type)) : [],
        readStringsAtEntry: readsStringsAtEntry(name),
      };
      if (format) info.tracepoint = eventName;
      this.infos.push(info);
      this.numberIndex[nr] = info;
      this.nameIndex.set(name, info);
      if (declared) this.hasMetadata.add(nr);
    }
    this.buildPlans(this.plans, DEFAULT_DECODE_OPTIONS);
    for (const cls of Object.keys(SYSCALL_CLASSES)) {
      const members = SYSCALL_CLASSES[cls].flatMap((n) => this.nameIndex.get(n) ?? []);
      this.classMembers.set(cls, members.sort((a, b) => a.nr - b.nr));
    }
  }

  /**
   * Loads the catalog of the running architecture with argument metadata from tracefs (mounting
   * it if needed). Throws TracefsError when tracefs cannot be read or mounted (not root), and
   * UnsupportedArchError on an architecture without generated tables.
   */
  static load(options: CatalogLoadOptions = {}): SyscallCatalog {
    const dir = options.tracefsDir ?? ensureTracefs(options.log ?? (() => {}));
    return SyscallCatalog.fromFormats(loadSyscallFormats(dir), {});
  }

  /**
   * Builds a catalog from already-parsed tracefs formats (keyed by event name without
   * "sys_enter_"), e.g. a recorded set or an empty map for names and numbers only.
   */
  static fromFormats(formats: ReadonlyMap<string, SyscallFormat>, options: CatalogBuildOptions = {}): SyscallCatalog {
    return new SyscallCatalog(archTables(options.arch ?? archName()), formats, options.decoders ?? defaultDecoders());
  }

  /** Every known syscall, by number. */
  all(): readonly SyscallInfo[] {
    return this.infos;
  }

  /** The syscall with this number, or undefined. */
  byNumber(nr: number): SyscallInfo | undefined {
    return this.numberIndex[nr];
  }

  /** The syscall with this __NR name (e.g. "stat", not its event name "newstat"), or undefined. */
  byName(name: string): SyscallInfo | undefined {
    return this.nameIndex.get(name);
  }

  /**
   * A syscall name, or a strace class (%file, %process, %network or %net, %signal, %ipc, %desc,
   * %memory, %creds, %clock, %pure, %stat, %lstat, %fstat, %%stat, %statfs, %fstatfs,
   * %%statfs), to its syscalls ordered by number; [] when it names neither. The returned array
   * is the caller's to keep.
   */
  resolve(nameOrClass: string): SyscallInfo[] {
    if (nameOrClass.startsWith('%')) {
      const cls = canonicalClass(nameOrClass);
      return cls ? [...(this.classMembers.get(cls) ?? [])] : [];
    }
    const info = this.nameIndex.get(nameOrClass);
    return info ? [info] : [];
  }

  /**
   * Builds the SyscallEvent for a raw record: 64-bit values as decimal strings, errno_name for
   * returns in [-4095, -1], one SyscallArg per argument the kernel describes. An unknown number
   * is named syscall_<nr> and reports all six registers. With the trace's state (from
   * newTraceState), fd arguments and returned fds get their paths, and the call's effect on
   * the fd table is recorded: arguments are resolved before the effect (close(3) shows what 3
   * was), the returned fd after it. Called per event; the work per argument was planned at load.
   */
  decode(raw: RawSyscall, state?: TraceState): SyscallEvent {
    return this.decodeViews(raw, state, ONE_VIEW)[0];
  }

  /**
   * decode() for several views of one record at once (traces with different string_max,
   * buffer_bytes, exec_env or renderings sharing it): arguments are rendered per view from the
   * record cut to that view, with the plans bound for its renderings; the fd table is read
   * before and updated once after, as decode() does. Without `fdChangesTraced` (none of the
   * record's traces selects every call that changes fds), fd paths come from /proc.
   */
  decodeViews(raw: RawSyscall, state: TraceState | undefined, views: readonly (TraceView | undefined)[], fdChangesTraced = true): SyscallEvent[] {
    const base = this.plans[raw.nr] ?? this.unknownPlan(raw.nr);
    const regs = raw.args;
    const args = new Array<number | string>(base.nargs);
    for (let i = 0; i < base.nargs; i++) args[i] = longValue(regs[i] ?? 0n);
    const fds = state instanceof FdState ? state : undefined;
    if (fds) fds.refresh = !fdChangesTraced;
    const pid = raw.pid ?? 0;
    const ret = longValue(raw.ret);
    const durationNs = longValue(raw.durationNs);
    const errnoName = this.errnos.errnoNameForReturn(raw.ret);
    const delivered: CallView = { args: regs, ret: raw.ret, noReturn: raw.noReturn, strings: raw.strings, blobs: raw.blobs ?? NO_BLOBS, options: DEFAULT_DECODE_OPTIONS };
    const socketOf = fds && base.socketCalls ? (fd: number) => fds.socketInfo(pid, fd) : undefined;
    // A record without strings or blobs has nothing to cut: each view decodes it as it is (the
    // one view of the common case without a copy).
    const nothingToCut = raw.strings.size === 0 && delivered.blobs.size === 0;
    const events = new Array<SyscallEvent>(views.length);
    for (let v = 0; v < views.length; v++) {
      const view = views[v];
      const plan = view === undefined ? base : (this.plansFor(view)[raw.nr] ?? base);
      let call: CallView;
      if (view !== undefined && !nothingToCut) call = cutToView(delivered, plan, view);
      else {
        call = views.length === 1 ? delivered : { ...delivered };
        if (view !== undefined) call.options = view;
      }
      if (socketOf) call.socketOf = socketOf;
      const details = view?.fdDetails ? this.fdDetails() : undefined;
      const decoded = new Array<SyscallArg>(plan.args.length);
      for (let i = 0; i < plan.args.length; i++) decoded[i] = decodeArg(plan.args[i], call, fds, pid, details);
      events[v] = { nr: raw.nr, name: plan.name, args, ret, duration_ns: durationNs, errno_name: errnoName, decoded, no_return: raw.noReturn, arch: this.arch };
    }
    if (fds) {
      base.fds.effect?.(delivered, pid, fds);
      if (base.fds.returnsFd && raw.ret >= 0n && !raw.noReturn && base.fds.returnsFd(delivered)) {
        const fd = Number(raw.ret);
        views.forEach((view, i) => {
          const path = fds.shown(pid, fd, true, view?.fdDetails ? this.fdDetails() : undefined);
          if (path !== '') events[i].ret_fd_path = path;
        });
      }
    }
    return events;
  }

  /**
   * A fresh decode state for one kernel pass: its fd paths (SyscallArg.fd_path,
   * SyscallEvent.ret_fd_path), with the fd tables of `pids` read now (call it before the trace's
   * programs attach; later targets through TraceState.track) from `system` (the host's /proc by
   * default).
   */
  newTraceState(pids: readonly number[] = [], system?: FdSystem): TraceState {
    const fds = new FdState(system);
    for (const pid of pids) fds.track(pid);
    return fds;
  }

  private siginfo: ((bytes: Uint8Array) => DecodedSiginfo) | undefined;

  /** A signal record's siginfo as strace prints it (src/syscalls/decoders/siginfo.ts). */
  decodeSiginfo(bytes: Uint8Array): DecodedSiginfo {
    this.siginfo ??= siginfoDecoder(this.tables);
    return this.siginfo(bytes);
  }

  /** The ioctl size table of the requests the decoders show (decoders/ioctl.ts). */
  ioctlArgSizes(): IoctlArgSize[] {
    return ioctlArgSizes(this.tables);
  }

  private details: FdDetails | undefined;

  /** What -yy shows of sockets and devices (one for every view that asks: its caches are by inode). */
  private fdDetails(): FdDetails {
    this.details ??= new FdDetails(this.netlinkProtocolName());
    return this.details;
  }

  /** NETLINK_ROUTE's "ROUTE" by number, as -yy names a netlink socket's protocol. */
  private netlinkProtocolName(): (protocol: number) => string | undefined {
    const names = new Map<number, string>();
    for (const [name, value] of xlat(this.tables, 'NETLINK', NETLINK_PROTOCOLS)) names.set(Number(value), name.slice('NETLINK_'.length));
    return (protocol) => names.get(protocol);
  }

  /** The plans bound with the renderings `options` asks for. */
  private plansFor(options: DecodeOptions): (DecodePlan | undefined)[] {
    if (options.constants === DEFAULT_DECODE_OPTIONS.constants && options.verbose === DEFAULT_DECODE_OPTIONS.verbose) return this.plans;
    const key = `${options.constants}/${options.verbose}`;
    let plans = this.styledPlans.get(key);
    if (!plans) {
      plans = [];
      this.buildPlans(plans, options);
      this.styledPlans.set(key, plans);
    }
    return plans;
  }

  private buildPlans(plans: (DecodePlan | undefined)[], style: BindStyle): void {
    const bound: BindStyle = { constants: style.constants, verbose: style.verbose };
    withBindingStyle(bound.constants, () => {
      for (const info of this.infos) plans[info.nr] = buildPlan(info, this.hasMetadata.has(info.nr), this.tables, this.decoders, bound);
    });
  }

  private unknownPlan(nr: number): DecodePlan {
    let plan = this.unknownPlans.get(nr);
    if (!plan) {
      plan = { nr, name: `syscall_${nr}`, nargs: MAX_ARGS, args: [], fds: NO_FDS, socketCalls: false };
      if (this.unknownPlans.size < UNKNOWN_PLAN_CACHE_LIMIT) this.unknownPlans.set(nr, plan);
    }
    return plan;
  }
}

function argInfo(syscall: string, name: string, type: string): SyscallArgInfo {
  const isString = isStringArg(syscall, name, type);
  return { name, type, isString, isPath: isString && isPathArg(syscall, name), signed: isSignedType(type) };
}

/** decodeViews' views for decode(): the record as delivered. */
const ONE_VIEW: readonly (TraceView | undefined)[] = [undefined];

/**
 * The record as a trace with `view`'s settings would have had it from the kernel, and what
 * strace cuts at -s: strings other than paths cut at its string_max, data buffers at its
 * buffer_bytes (none at 0), string arrays to string_max elements of at most string_max bytes
 * each (strace's printargv), and an environment only counted without exec_env. A fresh CallView
 * (its maps shared with `call` where nothing is cut), with `view` as its options.
 */
function cutToView(call: CallView, plan: DecodePlan, view: TraceView): CallView {
  const max = view.stringMax;
  let strings: Map<number, RawString> | undefined;
  for (const [i, s] of call.strings) {
    if (plan.args[i]?.path !== false || s.unreadable) continue;
    const bytes = textBytes(s.text, s.bytes);
    if (bytes.length <= max) continue;
    (strings ??= new Map(call.strings)).set(i, { ...decodeText(bytes.subarray(0, max)), truncated: true, unreadable: false });
  }
  let blobs: Map<number, RawBlob> | undefined;
  for (const [i, b] of call.blobs) {
    const p = plan.args[i];
    const cut = p || (b.kind === 'bytes' && b.transferred) ? cutBlob(b, p, view) : b;
    if (cut === b) continue;
    blobs ??= new Map(call.blobs);
    if (cut === null) blobs.delete(i);
    else blobs.set(i, cut);
  }
  return { ...call, strings: strings ?? call.strings, blobs: blobs ?? call.blobs, options: view };
}

/** One blob cut to a view (the same object when nothing changes, null when the view has none). */
function cutBlob(b: RawBlob, p: ArgPlan | undefined, view: TraceView): RawBlob | null {
  if (b.kind === 'bytes' && (p?.dataBuffer || b.transferred)) {
    if (view.bufferBytes === 0) return null;
    if (b.data.length <= view.bufferBytes || b.whole) return b;
    return { ...b, data: b.data.subarray(0, view.bufferBytes), truncated: true };
  }
  if (b.kind !== 'strv' || b.unreadable) return b;
  if (p?.env && !view.execEnv) return { kind: 'count', count: b.items.length, truncated: b.truncated, unreadable: b.unreadable };
  return cutStrv(b, view.stringMax);
}

/**
 * Arguments strace prints that the kernel's metadata does not declare, decoded from what the
 * kernel side read (no register behind them): rt_sigreturn's `{mask=[...]}`, the mask its signal
 * frame restores (src/syscalls/reads.ts reads it as a blob of argument 0).
 */
const PSEUDO_ARGS: Readonly<Record<string, readonly SyscallArgInfo[]>> = {
  rt_sigreturn: [{ name: 'frame', type: 'struct rt_sigframe *', isString: false, isPath: false, signed: false }],
};

function buildPlan(info: SyscallInfo, hasMetadata: boolean, tables: ArchTables, decoders: DecoderRegistry, style: BindStyle): DecodePlan {
  const declared = hasMetadata && info.args.length === 0 ? (PSEUDO_ARGS[info.name] ?? info.args) : info.args;
  const args = declared.map((a, index): ArgPlan => {
    const fd = isFdArg(info.name, a.name, a.type);
    return {
      index,
      name: a.name,
      type: a.type,
      // strace prints fds as ints whatever the kernel's parameter type (close(-1), not 4294967295).
      kind: a.isString ? ValueKind.Str : fd ? ValueKind.Int32 : integerKind(a.type),
      symbolic: decoders.bind({ syscall: info.name, argIndex: index, args: declared, tables, style }),
      note: decoders.bindNote({ syscall: info.name, argIndex: index, args: declared, tables, style }),
      fd,
      dirfd: fd && isDirfdArg(info.name, a.name),
      fdRole: fdRoleOf(info.name, a.name, declared, tables),
      fdTarget: fd && isFdTarget(info.name, a.name),
      dataBuffer: DATA_BUFFER_ARGS.has(`${info.name}.${a.name}`),
      path: a.isPath,
      env: a.name === 'envp' && info.readStringsAtEntry,
    };
  });
  return { nr: info.nr, name: info.name, nargs: hasMetadata ? info.args.length : MAX_ARGS, args, fds: fdPlan(info.name, info.args, tables), socketCalls: SOCKET_CALLS.has(info.name) };
}


/** A string array cut to `max` elements of at most `max` bytes; the same object when nothing is cut. */
function cutStrv(blob: RawBlob & { kind: 'strv' }, max: number): RawBlob & { kind: 'strv' } {
  const long = (item: string, i: number) => textBytes(item, blob.itemBytes?.[i]).length > max;
  if (blob.items.length <= max && !blob.items.some(long)) return blob;
  const items: string[] = [];
  const itemBytes: Uint8Array[] = [];
  const cut: boolean[] = [];
  let invalid = false;
  for (let i = 0; i < Math.min(blob.items.length, max); i++) {
    const bytes = textBytes(blob.items[i], blob.itemBytes?.[i]);
    const part = bytes.length > max ? decodeText(bytes.subarray(0, max)) : { text: blob.items[i], bytes: blob.itemBytes?.[i] };
    items.push(part.text);
    itemBytes.push(part.bytes ?? bytes.subarray(0, max));
    invalid ||= part.bytes !== undefined;
    cut.push(blob.cut[i] || bytes.length > max);
  }
  const out: RawBlob & { kind: 'strv' } = { ...blob, items, cut, truncated: blob.truncated || blob.items.length > max };
  if (invalid) out.itemBytes = itemBytes;
  else delete out.itemBytes;
  return out;
}

/** AT_FDCWD: a dirfd meaning the working directory. */
const AT_FDCWD = -100;

/**
 * One SyscallArg. Integers are cut to the width the kernel reads (an int argument ignores the
 * register's upper half, which user space may leave dirty); SyscallEvent.args keeps the full
 * register. Fields beyond the value are set only when they say something, to keep events small.
 */
function decodeArg(p: ArgPlan, call: CallView, fds: FdState | undefined, pid: number, details: FdDetails | undefined): SyscallArg {
  const reg = call.args[p.index] ?? 0n;
  const rendered = p.symbolic === null ? '' : p.symbolic(call.args, call);
  const symbolic = rendered ?? '';
  let arg: SyscallArg;
  switch (p.kind) {
    case ValueKind.Str: {
      const s = call.strings.get(p.index);
      if (s) {
        arg = { name: p.name, type: p.type, str: s.text, value: 'str', truncated: s.truncated, unreadable: s.unreadable, symbolic };
        if (s.bytes !== undefined) arg.str_bytes = s.bytes;
      } else {
        // Not captured (NULL, or the string budget ran out): the pointer is all there is (or
        // the decoder's rendering: keyctl's arg4 is a length for some commands).
        arg = { name: p.name, type: p.type, uint: reg.toString(), value: 'uint', truncated: false, unreadable: false, symbolic: reg === 0n && !symbolic ? 'NULL' : symbolic };
      }
      break;
    }
    case ValueKind.Int32:
      arg = intArg(p, BigInt.asIntN(32, reg), symbolic);
      break;
    case ValueKind.Int64:
      arg = intArg(p, BigInt.asIntN(64, reg), symbolic);
      break;
    case ValueKind.Uint16:
      arg = uintArg(p, BigInt.asUintN(16, reg), symbolic);
      break;
    case ValueKind.Uint32:
      arg = uintArg(p, BigInt.asUintN(32, reg), symbolic);
      break;
    default:
      arg = uintArg(p, reg, symbolic);
  }
  if (rendered === null) arg.ignored = true;
  if (p.note !== null && !call.noReturn && call.ret >= 0n) {
    const note = p.note(call.args, call);
    if (note) arg.return_note = note;
  }
  const role: FdRole = p.fd ? (p.dirfd ? 'dirfd' : 'fd') : p.fdRole === null ? null : p.fdRole(call.args);
  if (role !== null && fds) {
    const fd = Number(BigInt.asIntN(32, reg));
    // A dirfd's AT_FDCWD names the working directory (strace -y prints AT_FDCWD</home/me>).
    const path = fd === AT_FDCWD ? (role === 'dirfd' ? fds.cwdPath(pid) : '') : fds.shown(pid, fd, !p.fdTarget, details);
    if (path !== '') arg.fd_path = path;
  }
  if (call.blobs.size > 0) {
    const blob = call.blobs.get(p.index);
    if (blob !== undefined) addBlob(arg, p, blob, (call.options as Partial<TraceView>).bufferBytes);
  }
  return arg;
}

/**
 * The raw side of a kernel read: a data buffer's bytes (at most the view's buffer_bytes, also
 * for a netlink message read whole), a string array's items.
 */
function addBlob(arg: SyscallArg, p: ArgPlan, blob: RawBlob, bufferBytes: number | undefined): void {
  if (blob.kind === 'bytes' && p.dataBuffer && !blob.unreadable) {
    const cut = blob.whole && bufferBytes !== undefined && blob.data.length > bufferBytes;
    // A copy: the blob may alias the ring buffer.
    arg.buffer = Buffer.from(cut ? blob.data.subarray(0, bufferBytes) : blob.data);
    arg.truncated = blob.truncated || cut;
  } else if (blob.kind === 'strv' && !blob.unreadable) {
    arg.items = blob.items;
    if (blob.itemBytes !== undefined) arg.items_bytes = blob.itemBytes;
    arg.truncated = blob.truncated || blob.cut.includes(true);
  }
}

function intArg(p: ArgPlan, value: bigint, symbolic: string): SyscallArg {
  return { name: p.name, type: p.type, int: value.toString(), value: 'int', truncated: false, unreadable: false, symbolic };
}

function uintArg(p: ArgPlan, value: bigint, symbolic: string): SyscallArg {
  return { name: p.name, type: p.type, uint: value.toString(), value: 'uint', truncated: false, unreadable: false, symbolic };
}

/** What the kernel side reads per syscall number (struct sct_syscall_meta in bpf/shared/sctrace_event.h). */
export interface KernelSyscallMeta {
  nr: number;
  /** Bit i set: argument i is a string to read (SyscallArgInfo.isString). */
  strMask: number;
  /** Bit i set: ...and a path, read whole up to PATH_MAX (SyscallArgInfo.isPath). */
  pathMask: number;
  /** Read the strings at entry (SyscallInfo.readStringsAtEntry). */
  enterStr: boolean;
  /** Park the entry values of its reads (readsAtEntry: select's sets, sendfile's offset). */
  enterReads: boolean;
  /**
   * Extra reads (struct sct_syscall_reads; src/syscalls/reads.ts): sockaddrs, stat buffers,
   * execve's argv, data buffers. Empty for most syscalls.
   */
  reads: KernelRead[];
}

/** The struct sct_syscall_meta value of an entry (sct_syscall_tab): str_mask, path_mask, enter_str, reads. */
export function encodeSyscallMeta(m: KernelSyscallMeta): Uint8Array {
  return Uint8Array.of(m.strMask, m.pathMask, enterBits(m), m.reads.length > 0 ? 1 : 0);
}

/** sct_syscall_meta.enter_str: SCT_ENTER_STRINGS, SCT_ENTER_READS. */
export function enterBits(m: KernelSyscallMeta): number {
  return (m.enterStr ? EnterBit.STRINGS : 0) | (m.enterReads ? EnterBit.READS : 0);
}

/** The struct sct_syscall_reads value of an entry (sct_syscall_reads), for entries with reads. */
export function encodeSyscallReads(m: KernelSyscallMeta): Uint8Array {
  return encodeReads(m.reads);
}

/** SCT_NR_MAX in bpf/shared/sctrace_event.h: the size of the kernel's per-syscall table. */
export const SCT_NR_MAX = 512;

/**
 * One entry per syscall number below SCT_NR_MAX, for filling the kernel's per-syscall table
 * (what to read, whichever trace wants the call); numbers the resolver does not know get none.
 */
export function kernelMeta(resolver: SyscallResolver): KernelSyscallMeta[] {
  const out: KernelSyscallMeta[] = [];
  for (let nr = 0; nr < SCT_NR_MAX; nr++) {
    const info = resolver.byNumber(nr);
    let strMask = 0;
    let pathMask = 0;
    if (info) {
      for (let i = 0; i < info.args.length && i < MAX_ARGS; i++) {
        if (info.args[i].isString) strMask |= 1 << i;
        if (info.args[i].isPath) pathMask |= 1 << i;
      }
    }
    const reads = info ? syscallReads(info.name, info.args) : [];
    out.push({ nr, strMask, pathMask, enterStr: info?.readStringsAtEntry ?? false, enterReads: readsAtEntry(reads), reads });
  }
  return out;
}
