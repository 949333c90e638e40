/**
 * The module's /proc interface as text and bytes (bpf/kmod/README.md): control protocol 6 (the
 * lines that configure the one kernel pass and then add and remove traces by writing masks), the
 * "name value" lines of the stats file and the layout of the binary counters file. Pure
 * functions, so the protocol is tested without the module.
 */
import { enterBits, type KernelSyscallMeta } from '../../syscalls/catalog';
import type { IoctlArgSize } from '../../syscalls/decoders/ioctl';
import { ENUMS } from '../ebpf/generated/bpf';
import type { ControlBlock } from '../capture/trace-set';

/** Where the module publishes its files. */
export const KMOD_PROC_DIR = '/proc/sctrace';

/** File names inside KMOD_PROC_DIR. */
export const ProcFile = { control: 'control', events: 'events', counters: 'counters', stats: 'stats' } as const;

/** The control language this build speaks (SCT_CONTROL_PROTOCOL in bpf/kmod/sctrace_kmod.h). */
export const CONTROL_PROTOCOL = 6;

/** Ring size bounds the module accepts (SCT_RING_MIN, SCT_RING_MAX). */
export const RING_MIN = 64 << 10;
export const RING_MAX = 1 << 30;

/** Thread groups the module can exclude (SCT_EXCLUDE_MAX). */
const EXCLUDE_MAX = 8;

/** Settings of the pass, fixed while it runs. */
export interface PassSetup {
  /** Thread groups never traced (the service itself). */
  exclude: number[];
  /** Ring size in bytes: a power of two in RING_MIN..RING_MAX. */
  ringBytes: number;
  /** The reader is woken when this many unread bytes are reached (1: on every empty → non-empty). */
  wakeupBytes: number;
}

/** The pass cannot be set up as asked. */
export class ControlSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlSpecError';
  }
}

/**
 * The lines that configure the pass and start it (ending with "start\n"): the protocol, the
 * exclusions, the ring, and the per-syscall tables (what to read for each syscall, whichever
 * trace wants it; `meta` is kernelMeta(resolver)) and the ioctl size table.
 */
export function setupText(setup: PassSetup, meta: readonly KernelSyscallMeta[], ioctls: readonly IoctlArgSize[] = []): string {
  const { ringBytes, wakeupBytes, exclude } = setup;
  if (ringBytes < RING_MIN || ringBytes > RING_MAX || (ringBytes & (ringBytes - 1)) !== 0) {
    throw new ControlSpecError(`ring of ${ringBytes} bytes: must be a power of two from ${RING_MIN} to ${RING_MAX} (sctraced --ring-mb)`);
  }
  if (exclude.length > EXCLUDE_MAX) throw new ControlSpecError(`${exclude.length} excluded pids, the module takes at most ${EXCLUDE_MAX}`);
  const lines = [`protocol ${CONTROL_PROTOCOL}`];
  if (exclude.length > 0) lines.push(`exclude ${exclude.join(' ')}`);
  lines.push(`ring_bytes ${ringBytes}`, `wakeup_bytes ${Math.max(1, Math.min(wakeupBytes, ringBytes))}`);
  for (const m of meta) {
    if (!m.strMask && !m.pathMask && !m.enterStr && m.reads.length === 0) continue;
    lines.push(`syscall ${m.nr} ${m.strMask} ${m.pathMask} ${enterBits(m)}`);
    for (const r of m.reads) lines.push(`read ${m.nr} ${r.kind} ${r.arg} ${r.lenFrom} ${r.lenArg} ${r.max} ${r.flags} ${r.elem ?? 0}`);
  }
  for (const t of ioctls) lines.push(`ioctl ${t.request} ${t.size} ${t.dir}`);
  lines.push('start');
  return `${lines.join('\n')}\n`;
}

/** A trace mask as the control language writes it. */
export function mask(traces: bigint): string {
  return `0x${traces.toString(16)}`;
}

/**
 * `sys` lines for the per-syscall trace masks in `masks`: runs of consecutive numbers with the
 * same mask become one `sys FIRST-LAST MASK` line (a trace of every syscall is one line).
 */
export function syscallLines(masks: ReadonlyMap<number, bigint>): string[] {
  const nrs = [...masks.keys()].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < nrs.length; ) {
    const first = nrs[i];
    const m = masks.get(first)!;
    let j = i + 1;
    while (j < nrs.length && nrs[j] === nrs[j - 1] + 1 && masks.get(nrs[j]) === m) j++;
    const last = nrs[j - 1];
    out.push(`sys ${last === first ? first : `${first}-${last}`} ${mask(m)}`);
    i = j;
  }
  return out;
}

/** A comm as the control language writes it: its bytes (at most 15) in hex. */
export function commHex(comm: string): string {
  return Buffer.from(comm, 'utf8').subarray(0, 15).toString('hex');
}

/**
 * The `set` line of a control block (its masks and settings, `active` last so a starting trace
 * becomes visible once everything it needs is written), preceded by a `budget` line for each
 * slot whose budget is not `written[slot]` (updated).
 */
export function controlLines(c: ControlBlock, written: number[]): string[] {
  const lines: string[] = [];
  c.budgets.forEach((b, slot) => {
    if (written[slot] === b) return;
    lines.push(`budget ${slot} ${b}`);
    written[slot] = b;
  });
  lines.push(
    [
      'set',
      `pid_any ${mask(c.pidAny)}`,
      `comm_any ${mask(c.commAny)}`,
      `uid_any ${mask(c.uidAny)}`,
      `cgroup_any ${mask(c.cgroupAny)}`,
      `follow ${mask(c.follow)}`,
      `proc_events ${mask(c.procEvents)}`,
      `buffers ${mask(c.buffers)}`,
      `exec_env ${mask(c.execEnv)}`,
      `sched ${mask(c.sched)}`,
      `signals ${mask(c.signals)}`,
      `string_max ${c.stringMax}`,
      `buffer_bytes ${c.bufferBytes}`,
      `pressure_bytes ${c.pressureBytes}`,
      `active ${mask(c.active)}`,
    ].join(' '),
  );
  return lines;
}

/** What the stats file says. */
export interface ModuleStats {
  /** SCT_ABI_VERSION of the module's records. */
  abi: number;
  /** The control protocol the module speaks (absent before protocol 2: 1). */
  protocol: number;
  /** Module version string. */
  version: string;
  /** idle, configuring, running or stopped. */
  state: string;
  /** Every numeric counter by name (probes, traces, emitted, lost_ring, ...). */
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
  return { abi, protocol: counters.get('protocol') ?? 1, version, state, counters };
}

/** The "error" line of the control file's status text, or '' when there is none. */
export function controlError(status: string): string {
  const m = /^error (.*)$/m.exec(status);
  return m && m[1] !== 'none' ? m[1] : '';
}

/**
 * The counters file: little-endian u64 words (bpf/kmod/main.c). Words 0-3: bytes written to the
 * ring since the pass started, bytes read from it, the ring's size, probes registered; then
 * struct sct_control.lost, SCT_LOSS_KINDS words per trace slot.
 */
export const Counters = {
  WRITTEN: 0,
  READ: 1,
  RING_BYTES: 2,
  PROBES: 3,
  /** Word index of slot s's first loss counter. */
  lost: (slot: number) => 4 + slot * ENUMS.sct_loss.SCT_LOSS_KINDS,
  LOSS_KINDS: ENUMS.sct_loss.SCT_LOSS_KINDS,
  /** Words in the file. */
  WORDS: 4 + ENUMS.sct_limits.SCT_TRACES_MAX * ENUMS.sct_loss.SCT_LOSS_KINDS,
} as const;
