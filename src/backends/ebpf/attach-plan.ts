/**
 * Where the kernel pass's syscall programs attach, for the union of what the running traces
 * want. Two ways, one set of records:
 *
 * - raw: sct_sys_enter/sct_sys_exit on the raw_syscalls tracepoints (tp_btf). Every syscall of
 *   every task on the host runs them, and the syscall filter is a table lookup inside. Cheapest
 *   per traced call; used when the trace wants every syscall or many.
 * - per-syscall: sct_sys_enter_tp/sct_sys_exit_tp attached to syscalls/sys_enter_<name> and
 *   sys_exit_<name> of each wanted syscall. The kernel still takes its syscall tracing path, but
 *   a syscall nobody wants stops at a bitmap test and never runs a BPF program: about 50 ns added
 *   to each unselected syscall instead of about 120 ns on the reference VM (bench/, README).
 *   Needs tracefs (the service mounts it) and a tracepoint for every wanted syscall; does not see
 *   32-bit compat syscalls, which the kernel's per-syscall events skip.
 *
 * The pass takes the per-syscall way while every trace is narrow and their syscalls together are
 * at most --per-syscall-max; one trace wanting more (or every syscall, or one without a
 * tracepoint) moves the whole pass to raw_syscalls until it stops.
 */
import type { SyscallResolver } from '../../syscalls/types';
import type { ProgramName } from './generated/bpf';

/** Syscalls take at most six register arguments. */
const MAX_ARGS = 6;

/** Programs of the raw mode (bpf/sctrace.bpf.c). */
export const RAW_PROGRAMS: readonly ProgramName[] = ['sct_sys_enter', 'sct_sys_exit'];

/**
 * The per-syscall mode's entry program for a syscall of `nargs` arguments: the kernel refuses a
 * program that reads past an event's fields, so there is one per argument count.
 */
export function perSyscallEnterProgram(nargs: number): ProgramName {
  return `sct_sys_enter_tp${nargs}` as ProgramName;
}

/** The per-syscall mode's exit program (it reads the return value only). */
export const PER_SYSCALL_EXIT_PROGRAM: ProgramName = 'sct_sys_exit_tp';

/** Every program of the per-syscall mode. */
export const PER_SYSCALL_PROGRAMS: readonly ProgramName[] = [
  ...Array.from({ length: MAX_ARGS + 1 }, (_, n) => perSyscallEnterProgram(n)),
  PER_SYSCALL_EXIT_PROGRAM,
];

/** One wanted syscall's tracepoints. */
export interface SyscallTracepoint {
  /** e.g. "newstat": syscalls/sys_enter_newstat and syscalls/sys_exit_newstat. */
  name: string;
  /** Its argument count (from the tracefs format), which picks the entry program. */
  nargs: number;
}

/** How the pass attaches its syscall programs. */
export type SyscallAttachPlan =
  | {
      mode: 'raw';
      /** Why the per-syscall mode was not used, for the log. */
      reason: string;
    }
  | {
      mode: 'per-syscall';
      tracepoints: SyscallTracepoint[];
    };

/**
 * Chooses the mode for traces that want `selections` (each a list of syscall numbers, or null for
 * every syscall): per-syscall when all are lists, together at most `max` syscalls, each with a
 * tracepoint (ServiceConfig.perSyscallMax: each costs two perf events, and detaching them waits
 * for the kernel, about 70 ms per syscall).
 */
export function planSyscallAttach(
  selections: readonly (readonly number[] | null)[],
  resolver: SyscallResolver,
  max: number,
): SyscallAttachPlan {
  if (selections.some((s) => s === null)) return { mode: 'raw', reason: 'a trace wants every syscall' };
  const wanted = [...new Set(selections.flatMap((s) => s ?? []))].sort((a, b) => a - b);
  if (wanted.length > max) {
    return { mode: 'raw', reason: `the traces select ${wanted.length} syscalls, --per-syscall-max is ${max}` };
  }
  const tracepoints: SyscallTracepoint[] = [];
  for (const nr of wanted) {
    const info = resolver.byNumber(nr);
    if (!info?.tracepoint) {
      return { mode: 'raw', reason: `${info?.name ?? `syscall ${nr}`} has no syscalls/sys_enter_* tracepoint on this kernel` };
    }
    tracepoints.push({ name: info.tracepoint, nargs: Math.min(info.args.length, MAX_ARGS) });
  }
  return { mode: 'per-syscall', tracepoints };
}

/** One line for the service log. */
export function describePlan(plan: SyscallAttachPlan): string {
  return plan.mode === 'raw'
    ? `syscalls through raw_syscalls (${plan.reason})`
    : `syscalls through ${plan.tracepoints.length} per-syscall tracepoint pair${plan.tracepoints.length === 1 ? '' : 's'}`;
}
