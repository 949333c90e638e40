/**
 * The text side of the module's /proc interface (bpf/kmod/README.md): the control lines that
 * configure a trace, and the "name value" lines of the stats file. Pure functions, so the
 * protocol is tested without the module.
 */
import type { CaptureSpec } from '../backend';
import type { KernelSyscallMeta } from '../../syscalls/catalog';

/** Where the module publishes its files. */
export const KMOD_PROC_DIR = '/proc/sctrace';

/** File names inside KMOD_PROC_DIR. */
export const ProcFile = { control: 'control', events: 'events', stats: 'stats' } as const;

/** Limits of one control line's lists and of the module's sets (SCT_EXCLUDE_MAX, SCT_SET_MAX). */
const EXCLUDE_MAX = 8;
const SET_MAX = 64;
/** Values per list line; keeps every line far below the module's 1023-byte line limit. */
const PER_LINE = 32;

/** Ring size bounds the module accepts (SCT_RING_MIN, SCT_RING_MAX). */
export const RING_MIN = 64 << 10;
export const RING_MAX = 1 << 30;

/** Ring and wakeup settings of a trace. */
export interface KmodTuning {
  /** Ring size in bytes: a power of two in RING_MIN..RING_MAX. */
  ringBytes: number;
  /** The reader is woken when this many unread bytes are reached (1: on every empty → non-empty). */
  wakeupBytes: number;
}

/** The spec cannot be expressed in the module's control language. */
export class ControlSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlSpecError';
  }
}

/**
 * The control text that configures `spec` and starts the trace (ending with "start\n").
 * `meta` is kernelMeta(resolver, spec.syscalls): the per-syscall table.
 */
export function controlText(spec: CaptureSpec, meta: readonly KernelSyscallMeta[], tuning: KmodTuning): string {
  if (spec.excludePids.length > EXCLUDE_MAX) {
    throw new ControlSpecError(`${spec.excludePids.length} excluded pids, the module takes at most ${EXCLUDE_MAX}`);
  }
  for (const [name, n] of [['comms', spec.comms.length], ['uids', spec.uids.length], ['cgroup ids', spec.cgroupIds.length]] as const) {
    if (n > SET_MAX) throw new ControlSpecError(`${n} ${name}, the module takes at most ${SET_MAX}`);
  }
  const { ringBytes, wakeupBytes } = tuning;
  if (ringBytes < RING_MIN || ringBytes > RING_MAX || (ringBytes & (ringBytes - 1)) !== 0) {
    throw new ControlSpecError(`ring of ${ringBytes} bytes: must be a power of two from ${RING_MIN} to ${RING_MAX}`);
  }
  const lines: string[] = [];
  lines.push(...listLines('exclude', spec.excludePids));
  lines.push(...listLines('pid', spec.pids));
  if (spec.pids.length > 0) lines.push(`follow_children ${flag(spec.followChildren)}`);
  const filtered = spec.syscalls !== null;
  const traced = new Set(spec.syscalls ?? []);
  lines.push(`syscall_filter ${flag(filtered)}`);
  for (const m of meta) {
    // A filtered-out syscall never reaches the table; without a filter only strings and reads matter.
    const reads = m.reads ?? [];
    if (filtered ? !traced.has(m.nr) : !m.strMask && !m.enterStr && reads.length === 0) continue;
    lines.push(`syscall ${m.nr} ${flag(filtered && traced.has(m.nr))} ${m.strMask} ${flag(m.enterStr)}`);
    for (const r of reads) lines.push(`read ${m.nr} ${r.kind} ${r.arg} ${r.lenFrom} ${r.lenArg} ${r.max} ${r.flags}`);
  }
  for (const comm of spec.comms) lines.push(`comm ${Buffer.from(comm, 'utf8').subarray(0, 15).toString('hex')}`);
  lines.push(...listLines('uid', spec.uids));
  lines.push(...listLines('cgroup', spec.cgroupIds));
  lines.push(`process_events ${flag(spec.processEvents)}`);
  lines.push(`string_max ${spec.stringMaxBytes}`);
  if (spec.bufferBytes > 0) lines.push(`buffer_bytes ${spec.bufferBytes}`);
  if (spec.execEnv) lines.push('exec_env 1');
  lines.push(`ring_bytes ${ringBytes}`);
  lines.push(`wakeup_bytes ${Math.max(1, Math.min(wakeupBytes, ringBytes))}`);
  lines.push('start');
  return `${lines.join('\n')}\n`;
}

function flag(value: boolean): string {
  return value ? '1' : '0';
}

function listLines(key: string, values: readonly (number | bigint)[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < values.length; i += PER_LINE) out.push(`${key} ${values.slice(i, i + PER_LINE).join(' ')}`);
  return out;
}

/** What the stats file says. */
export interface ModuleStats {
  /** SCT_ABI_VERSION of the module's records. */
  abi: number;
  /** Module version string. */
  version: string;
  /** idle, configuring, running or stopped. */
  state: string;
  /** Records the kernel side dropped, all causes (the sum of every lost_* counter). */
  lost: number;
  /** Every counter by name. */
  counters: Map<string, number>;
}

/** Parses the stats file; throws when it lacks the abi line (not sctrace's module). */
export function parseStats(text: string): ModuleStats {
  const counters = new Map<string, number>();
  let version = '';
  let state = '';
  for (const line of text.split('\n')) {
    const [name, value] = line.trim().split(/\s+/, 2);
    if (!name || value === undefined) continue;
    if (name === 'version') version = value;
    else if (name === 'state') state = value;
    else if (/^\d+$/.test(value)) counters.set(name, Number(value));
  }
  const abi = counters.get('abi');
  if (abi === undefined) throw new Error('no "abi" line: not the stats file of the sctrace module');
  let lost = 0;
  for (const [name, value] of counters) if (name.startsWith('lost_')) lost += value;
  return { abi, version, state, lost, counters };
}

/** The "error" line of the control file's status text, or '' when there is none. */
export function controlError(status: string): string {
  const m = /^error (.*)$/m.exec(status);
  return m && m[1] !== 'none' ? m[1] : '';
}
