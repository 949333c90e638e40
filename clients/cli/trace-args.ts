/**
 * The `trace` command line: filters, output options and the target (a command after `--`,
 * `--pid`, or `--all`), turned into a TraceSpec before anything is started, so a bad command
 * line never leaves a stopped child or a running trace behind.
 */
import { parseArgs } from 'node:util';
import type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  UsageError,
  parseFormat,
  parseInteger,
  parseOrUsage,
  parseUint64,
  type OutputFormat,
} from './command';
import { credentialFlags, type CredentialOptions } from './credentials';

const NAME = 'trace';

/** Largest string_max_bytes the API accepts. */
const STRING_MAX_LIMIT = 4096;
const UINT32_MAX = 0xffff_ffff;
const BACKENDS = ['auto', 'ebpf', 'kmod'];

const TRACE_OPTIONS = {
  ...COMMON_OPTIONS,
  syscalls: { type: 'string', short: 'e', multiple: true },
  follow: { type: 'boolean', short: 'f' },
  'string-max': { type: 'string', short: 's' },
  'buffer-bytes': { type: 'string' },
  'exec-env': { type: 'boolean' },
  sched: { type: 'boolean' },
  comm: { type: 'string', multiple: true },
  uid: { type: 'string', multiple: true },
  'cgroup-id': { type: 'string', multiple: true },
  backend: { type: 'string' },
  output: { type: 'string', short: 'o' },
  out: { type: 'string' },
  timestamps: { type: 'boolean', short: 't' },
  'fd-paths': { type: 'boolean', short: 'y' },
  pid: { type: 'string', short: 'p', multiple: true },
  all: { type: 'boolean' },
} as const;

/** `sctrace trace --help`. */
export const TRACE_HELP = `Usage: sctrace trace [options] -- CMD [ARGS...]
       sctrace trace [options] --pid PID [--pid PID...]
       sctrace trace [options] --all

Traces system calls, like strace. With CMD, runs it under the trace and exits with its exit
status (128+N if killed by signal N). With --pid, attaches to running processes until they
exit or Ctrl-C. With --all, traces every process except the service until Ctrl-C.
Ctrl-C stops the trace cleanly (exit 130); a started CMD is left to finish on its own.

Filters (different kinds combine with AND, repeated values with OR):
  -e, --syscalls LIST   system call names or strace classes, comma-separated
                        (e.g. openat,close or %file,%network); repeatable
  -f, --follow          also trace children forked after the start (like strace -f)
      --comm NAME       only tasks with this name (15 characters at most); repeatable
      --uid N           only tasks with this real user id; repeatable
      --cgroup-id N     only tasks in this cgroup (v2 inode number); repeatable
  -p, --pid PID         attach to this process; repeatable
      --all             trace every process (combine with the filters above)

Capture and output:
  -s, --string-max N    longest string argument shown, in bytes (default 256, at most 4096)
  --buffer-bytes N      show the first N bytes of data buffers (read, write, ...), at most 4096
  --exec-env            show execve's environment strings, not only their count
  --sched               show the context switches of the traced threads (--- lines; eBPF only)
      --backend NAME    auto (default), ebpf or kmod
  -o, --output FORMAT   text (strace-like, default) or json (one event object per line)
      --out FILE        write the trace to FILE instead of stdout
  -t, --timestamps      prefix text lines with the time of day, with microseconds
  -y, --fd-paths        show what file descriptors name: read(3</etc/hostname>, ...)

${COMMON_HELP}`;

/** Everything `trace` needs, validated. */
export interface TraceOptions {
  /** --help was given: print TRACE_HELP and do nothing else. */
  help: boolean;
  /** --server, overriding the global one. */
  server?: string;
  /** --tls-ca, --tls-cert, --tls-key, --token-file, each overriding the global one. */
  credentials: CredentialOptions;
  /** CMD and its arguments; empty unless a command is to be run. */
  command: string[];
  /** --pid values; empty unless attaching. */
  pids: number[];
  /** --all. */
  all: boolean;
  /** The spec to start; for CMD mode the child's pid is added once it exists. */
  spec: TraceSpec;
  /** -o/--output. */
  format: OutputFormat;
  /** --out FILE. */
  out?: string;
  /** -t/--timestamps. */
  timestamps: boolean;
  /** -y/--fd-paths. */
  fdPaths: boolean;
}

/** Parses and validates `sctrace trace ...` (the arguments after `trace`). */
export function parseTraceArgs(argv: string[]): TraceOptions {
  const { optionArgs, command } = splitCommand(argv);
  const { values } = parseOrUsage(NAME, () => parseArgs({ args: optionArgs, options: TRACE_OPTIONS, strict: true }));
  const pids = (values.pid ?? []).map((pid) => parseInteger(NAME, '--pid', pid, 1, UINT32_MAX));
  const options: TraceOptions = {
    help: values.help ?? false,
    server: values.server,
    credentials: credentialFlags(values),
    command,
    pids,
    all: values.all ?? false,
    spec: buildSpec(values, pids),
    format: parseFormat(NAME, values.output),
    out: values.out,
    timestamps: values.timestamps ?? false,
    fdPaths: values['fd-paths'] ?? false,
  };
  if (!options.help) checkTarget(options);
  return options;
}

/**
 * Splits at CMD: after `--`, or at the first word that is not an option or an option's value,
 * so `sctrace trace ls -l` works as `strace ls -l` does (options after CMD belong to CMD).
 */
function splitCommand(argv: string[]): { optionArgs: string[]; command: string[] } {
  const { tokens } = parseArgs({ args: argv, options: TRACE_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((token) => token.kind === 'positional' || token.kind === 'option-terminator');
  if (first === undefined) return { optionArgs: argv, command: [] };
  const commandStart = first.kind === 'option-terminator' ? first.index + 1 : first.index;
  return { optionArgs: argv.slice(0, first.index), command: argv.slice(commandStart) };
}

type TraceValues = ReturnType<typeof parseArgs<{ options: typeof TRACE_OPTIONS; strict: true }>>['values'];

/** The TraceSpec for the filters; process events are always on (exec/exit lines, child exit detection). */
function buildSpec(values: TraceValues, pids: number[]): TraceSpec {
  return {
    syscalls: parseSyscalls(values.syscalls ?? []),
    pids,
    follow_children: values.follow ?? false,
    comms: values.comm ?? [],
    uids: (values.uid ?? []).map((uid) => parseInteger(NAME, '--uid', uid, 0, UINT32_MAX)),
    process_events: true,
    string_max_bytes: values['string-max'] === undefined ? 0 : parseInteger(NAME, '--string-max', values['string-max'], 1, STRING_MAX_LIMIT),
    buffer_bytes: values['buffer-bytes'] === undefined ? 0 : parseInteger(NAME, '--buffer-bytes', values['buffer-bytes'], 0, STRING_MAX_LIMIT),
    exec_env: values['exec-env'] ?? false,
    sched_events: values.sched ?? false,
    backend: parseBackend(values.backend),
    cgroup_ids: (values['cgroup-id'] ?? []).map((id) => parseUint64(NAME, '--cgroup-id', id)),
  };
}

/** `-e openat,close -e %net` (strace's `-e trace=LIST` spelling too) → names and classes. */
function parseSyscalls(lists: string[]): string[] {
  const names = lists.flatMap((list) => list.replace(/^trace=/, '').split(',')).map((name) => name.trim());
  if (names.some((name) => name === '')) throw new UsageError('--syscalls has an empty name', NAME);
  return names;
}

function parseBackend(backend: string | undefined): string {
  if (backend === undefined || BACKENDS.includes(backend)) return backend ?? 'auto';
  throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, not "${backend}"`, NAME);
}

/** Exactly one of CMD, --pid, --all. */
function checkTarget(options: TraceOptions): void {
  const modes = [options.command.length > 0, options.pids.length > 0, options.all].filter(Boolean).length;
  if (modes === 0) throw new UsageError('nothing to trace: give -- CMD [ARGS...], --pid PID or --all', NAME);
  if (modes > 1) throw new UsageError('choose one of -- CMD, --pid and --all', NAME);
}
