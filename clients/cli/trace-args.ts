/**
 * The `trace` command line: strace's options with strace's semantics, sctrace's own filters,
 * and the target (a command, `-p PID`, or `--all`), turned into a TraceSpec and the display
 * options before anything is started, so a bad command line never leaves a stopped child or a
 * running trace behind. An option of strace's that sctrace does not have is refused by name.
 */
import { parseArgs } from 'node:util';
import type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';
import { archName, archTables } from '../../src/syscalls/arch';
import { COMMON_HELP, COMMON_OPTIONS, UsageError, parseInteger, parseOrUsage, parseUint64, type OutputFormat } from './command';
import {
  QualifiedSet,
  parseFdDecodingSet,
  parseFdSet,
  parseQuietSet,
  parseSignalSet,
  parseStatusSet,
  parseTraceSet,
  splitExpression,
  type FdDecoding,
  type QuietItem,
  type SyscallStatus,
} from './qualify';
import { credentialFlags, type CredentialOptions } from './credentials';
import type { PrinterOptions } from './printer';

const NAME = 'trace';

/** Largest string_max_bytes and buffer_bytes the API accepts. */
const STRING_MAX_LIMIT = 4096;
/** strace's default -s. */
const DEFAULT_STRING_LIMIT = 32;
/** strace's default -a: the column of ` = `. */
const DEFAULT_COLUMN = 40;
const UINT32_MAX = 0xffff_ffff;
const BACKENDS = ['auto', 'ebpf', 'kmod'];

const TRACE_OPTIONS = {
  ...COMMON_OPTIONS,
  // strace's options.
  'follow-forks': { type: 'boolean', short: 'f', multiple: true },
  expr: { type: 'string', short: 'e', multiple: true },
  output: { type: 'string', short: 'o' },
  'output-append-mode': { type: 'boolean', short: 'A' },
  attach: { type: 'string', short: 'p', multiple: true },
  'trace-path': { type: 'string', short: 'P', multiple: true },
  'string-limit': { type: 'string', short: 's' },
  'absolute-timestamps': { type: 'boolean', short: 't', multiple: true },
  'relative-timestamps': { type: 'boolean', short: 'r' },
  'syscall-times': { type: 'boolean', short: 'T' },
  'strings-in-hex': { type: 'boolean', short: 'x', multiple: true },
  'const-print-style': { type: 'string', short: 'X' },
  'no-abbrev': { type: 'boolean', short: 'v' },
  'decode-fds': { type: 'boolean', short: 'y', multiple: true },
  'syscall-number': { type: 'boolean', short: 'n' },
  'successful-only': { type: 'boolean', short: 'z' },
  'failed-only': { type: 'boolean', short: 'Z' },
  quiet: { type: 'boolean', short: 'q', multiple: true },
  columns: { type: 'string', short: 'a' },
  env: { type: 'string', short: 'E', multiple: true },
  'output-separately': { type: 'boolean' },
  // strace's long forms of -e.
  trace: { type: 'string', multiple: true },
  status: { type: 'string', multiple: true },
  signal: { type: 'string', multiple: true },
  signals: { type: 'string', multiple: true },
  // sctrace's own.
  format: { type: 'string' },
  out: { type: 'string' },
  'process-notices': { type: 'boolean' },
  'exec-env': { type: 'boolean' },
  sched: { type: 'boolean' },
  comm: { type: 'string', multiple: true },
  uid: { type: 'string', multiple: true },
  'cgroup-id': { type: 'string', multiple: true },
  backend: { type: 'string' },
  all: { type: 'boolean' },
  // Earlier spellings of sctrace's, kept working.
  syscalls: { type: 'string', multiple: true },
  follow: { type: 'boolean' },
  'string-max': { type: 'string' },
  timestamps: { type: 'boolean' },
  'fd-paths': { type: 'boolean' },
  pid: { type: 'string', multiple: true },
} as const;

/**
 * strace options sctrace does not have, and why, so that a user sees which one and not a generic
 * error. Keys are the short letters and the long names.
 */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  c: 'the syscall summary (-c) is not implemented',
  C: 'the syscall summary (-C) is not implemented',
  w: 'the syscall summary (-w) is not implemented',
  S: 'the syscall summary (-S) is not implemented',
  U: 'the syscall summary (-U) is not implemented',
  O: 'overhead adjustment (-O) belongs to the syscall summary, which is not implemented',
  k: 'stack traces (-k) are not implemented',
  i: 'instruction pointers (-i) are not captured',
  d: 'strace debug output (-d) has no equivalent',
  D: 'sctrace traces from the kernel; there is no tracer process to detach (-D)',
  F: '-F is obsolete in strace too; use -f',
  b: 'detaching on execve (-b) is not implemented',
  u: 'running the command as another user (-u) is not implemented',
  I: 'signal blocking modes (-I) do not apply: the kernel side never stops the tracee',
  Y: 'process names after pids (-Y) are not implemented',
  V: 'use `sctrace --help`; sctrace has no version banner',
  'seccomp-bpf': 'seccomp filtering (--seccomp-bpf) does not apply: the kernel side filters already',
  'summary-only': 'the syscall summary (-c) is not implemented',
  summary: 'the syscall summary (-C) is not implemented',
  'summary-wall-clock': 'the syscall summary (-w) is not implemented',
  'summary-sort-by': 'the syscall summary (-S) is not implemented',
  'summary-columns': 'the syscall summary (-U) is not implemented',
  'summary-syscall-overhead': 'overhead adjustment (-O) belongs to the syscall summary, which is not implemented',
  'stack-traces': 'stack traces (-k) are not implemented',
  'instruction-pointer': 'instruction pointers (-i) are not captured',
  debug: 'strace debug output (-d) has no equivalent',
  daemonize: 'sctrace traces from the kernel; there is no tracer process to detach (--daemonize)',
  daemonized: 'sctrace traces from the kernel; there is no tracer process to detach (--daemonize)',
  daemonised: 'sctrace traces from the kernel; there is no tracer process to detach (--daemonize)',
  'detach-on': 'detaching on execve (-b) is not implemented',
  user: 'running the command as another user (-u) is not implemented',
  interruptible: 'signal blocking modes (-I) do not apply: the kernel side never stops the tracee',
  version: 'use `sctrace --help`; sctrace has no version banner',
  'pidns-translation': 'pid namespace translation (--pidns-translation) is not implemented',
  tips: 'strace tips (--tips) have no equivalent',
  inject: 'syscall tampering (-e inject=) is not possible: sctrace only observes',
  fault: 'syscall tampering (-e fault=) is not possible: sctrace only observes',
  kvm: '-e kvm= is not implemented',
  abbrev: '-e abbrev= per syscall is not implemented; -v turns abbreviation off for all',
  verbose: '-e verbose= per syscall is not implemented; -v applies to all',
  raw: '-e raw= per syscall is not implemented; -X raw prints every constant as a number',
  'decode-pids': '-e decode-pids= is not implemented',
  secontext: 'SELinux contexts are not captured',
};

/** `sctrace trace --help`. */
export const TRACE_HELP = `Usage: sctrace trace [options] [--] CMD [ARGS...]
       sctrace trace [options] -p PID [-p PID...]
       sctrace trace [options] --all

Traces system calls, like strace, with strace's options and output. With CMD, runs it under
the trace and exits with its exit status (128+N if killed by signal N). With -p, attaches to
running processes until they exit or Ctrl-C. With --all, traces every process except the
service until Ctrl-C. Ctrl-C stops the trace cleanly (exit 130); a started CMD is left to run.

Filters (strace's):
  -e trace=SET          system calls to show: names, numbers, classes (%file, %net, ...),
                        /REGEX, none, all; !SET negates, ?NAME tolerates no match
                        (-e SET alone means trace=SET); repeatable, the last one counts
  -e status=SET         only calls that ended so: successful, failed, unfinished
  -z, -Z                only successful (-z) or only failed (-Z) calls
  -e signal=SET         signals whose lines show (--- SIGCHLD {...} ---, +++ killed by ...):
                        names (SIGUSR1 or USR1), numbers, all (default), none (the kernel
                        side is then not asked for signals); !SET negates; --signal=SET
  -P PATH               only calls that touch PATH (a path argument, or an fd naming it);
                        filtered by this client, the kernel side still captures every call
  -f                    also trace children forked after the start; with -o FILE, -ff writes
                        one file per thread, FILE.TID
  -p PID                attach to this process (repeatable, or a comma/space list)
sctrace's own filters (different kinds combine with AND, repeated values with OR):
      --comm NAME       only tasks with this name (15 characters at most); repeatable
      --uid N           only tasks with this real user id; repeatable
      --cgroup-id N     only tasks in this cgroup (v2 inode number); repeatable
      --all             trace every process (combine with the filters above)

Output (strace's):
  -o FILE               write the trace to FILE (-o json / -o text choose the format instead;
                        write to a file of that name as -o ./json); -A appends to FILE
  -s N                  show at most N bytes of strings and data buffers (default 32; paths
                        are always whole)
  -t, -tt, -ttt         time of day, with microseconds, as seconds since the epoch
  -r                    time since the previous line;  -T  time spent in each call
  -x, -xx               non-ASCII strings in hex; all strings in hex
  -X raw|abbrev|verbose constants as numbers, names (default) or both
  -v                    structures and environments in full
  -y, -yy               what fds name (paths); with -yy also socket endpoints
  -e read=SET, -e write=SET   hex dump of all data read from / written to these fds
  -n                    syscall numbers;  -a N  align return values at column N (default 40)
  -q, -qq, -e quiet=SET  fewer messages: attach, exit (+++ exited +++ lines), ...
  -E VAR=VAL, -E VAR    set or remove an environment variable of CMD
sctrace's own output options:
      --format FORMAT   text (strace's, default) or json (one Event object per line, the
                        same filters applied)
      --process-notices also print exec and fork events as "--- exec ... ---" lines (not strace's)
      --exec-env        execve's environment strings, without the rest of -v
      --sched           the traced threads' context switches as --- lines, and exit
                        lines with the process's times: +++ exited with 0 (1.21 s, user 0.80 s, sys 0.10 s) +++
      --backend NAME    auto (default), ebpf or kmod

${COMMON_HELP}`;

/** How trace lines look and which are shown: strace's output options. */
export interface DisplayOptions {
  format: OutputFormat;
  /** -f: also children; with -o FILE lines get a `PID ` prefix. */
  followForks: boolean;
  /** -ff with -o FILE: one file per thread. */
  outputSeparately: boolean;
  /** -o FILE. */
  outFile?: string;
  /** -A: append to FILE. */
  append: boolean;
  /** Several -p pids: with -o FILE, lines get a `PID ` prefix as with -f. */
  multipleAttach: boolean;
  /** -t count: 1 time of day, 2 with microseconds, 3 epoch seconds with microseconds. */
  timestamps: 0 | 1 | 2 | 3;
  /** -r. */
  relative: boolean;
  /** -T. */
  durations: boolean;
  /** -x count: 1 non-ASCII strings in hex, 2 all strings in hex. */
  hex: 0 | 1 | 2;
  /** -y count: 1 paths, 2 also socket details. */
  fdPaths: 0 | 1 | 2;
  /** -n. */
  syscallNumbers: boolean;
  /** Which ends of calls to show (-e status=, -z, -Z). */
  status: QualifiedSet<SyscallStatus>;
  quiet: QualifiedSet<QuietItem>;
  /** -P paths, with their realpaths; empty: no path filter. */
  paths: string[];
  /** -e read= / -e write= fds. */
  readDump: QualifiedSet<number>;
  writeDump: QualifiedSet<number>;
  /** -e trace=none (the spec then selects no syscall). */
  noSyscalls: boolean;
  /** -a: column of ` = `. */
  column: number;
  /** --process-notices. */
  processNotices: boolean;
  /** --sched: exit lines also carry the process's times (strace's own exit lines do not). */
  exitTimes: boolean;
  /** -e signal=: the signals whose lines print (all by default, as in strace). */
  signals: QualifiedSet<number>;
}

/** How `trace` prints, from its display options (the fleet's printers too). */
export function printerOptions(d: DisplayOptions): PrinterOptions {
  return {
    format: d.format,
    // strace: with -o FILE (not -ff), a `PID ` column with -f or several -p; else `[pid N]` while several tasks run.
    pidColumn: d.outFile !== undefined && !d.outputSeparately && (d.followForks || d.multipleAttach),
    pidBrackets: d.outFile === undefined,
    timestamps: d.timestamps,
    relative: d.relative,
    durations: d.durations,
    fdPaths: d.fdPaths === 2 ? 'details' : d.fdPaths > 0,
    hex: d.hex,
    syscallNumbers: d.syscallNumbers,
    column: d.column,
    exitLines: !d.quiet.has('exit'),
    readDump: d.readDump,
    writeDump: d.writeDump,
    processNotices: d.processNotices,
    exitTimes: d.exitTimes,
    signals: d.signals,
  };
}

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
  /** -E changes to CMD's environment: a value, or null to remove the variable. */
  env: Map<string, string | null>;
  /** -p values; empty unless attaching. */
  pids: number[];
  /** --all. */
  all: boolean;
  /** The spec to start; for CMD mode the child's pid is added once it exists. */
  spec: TraceSpec;
  display: DisplayOptions;
}

/** Parses and validates `sctrace trace ...` (the arguments after `trace`). */
export function parseTraceArgs(argv: string[]): TraceOptions {
  const { optionArgs, command } = splitCommand(argv);
  const { values } = parseOrUsage(NAME, () => {
    try {
      return parseArgs({ args: optionArgs, options: TRACE_OPTIONS, strict: true });
    } catch (err) {
      throw new UsageError(unsupportedMessage(err as Error), NAME);
    }
  });
  const exprs = collectExpressions(values);
  const pids = (values.attach ?? []).concat(values.pid ?? []).flatMap((list) => list.split(/[\s,]+/).filter((p) => p !== ''));
  const pidNumbers = [...new Set(pids.map((pid) => parseInteger(NAME, '-p', pid, 1, UINT32_MAX)))];
  const display = buildDisplay(values, exprs, pidNumbers.length);
  const options: TraceOptions = {
    help: values.help ?? false,
    server: values.server,
    credentials: credentialFlags(values),
    command,
    env: parseEnv(values.env ?? []),
    pids: pidNumbers,
    all: values.all ?? false,
    spec: buildSpec(values, exprs, pidNumbers, display),
    display,
  };
  if (!options.help) checkTarget(options);
  return options;
}

/** parseArgs' error for an unknown option, naming it, with the reason when it is one of strace's. */
function unsupportedMessage(err: Error): string {
  const m = /Unknown option '(-{1,2})([^'=]+)/.exec(err.message);
  if (!m) return err.message;
  const reason = UNSUPPORTED[m[2]];
  const option = `${m[1]}${m[2]}`;
  return reason ? `${option} is not supported: ${reason}` : `unknown option ${option} (see sctrace trace --help)`;
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

/** The -e expressions by qualifier, the last of each kind winning (as in strace). */
interface Expressions {
  trace?: string;
  status?: string;
  quiet?: string;
  read?: string;
  write?: string;
  decodeFds?: string;
  signal?: string;
}

function collectExpressions(values: TraceValues): Expressions {
  const out: Expressions = {};
  const all = [
    ...(values.expr ?? []),
    ...(values.syscalls ?? []).map((s) => `trace=${s}`),
    ...(values.trace ?? []).map((s) => `trace=${s}`),
    ...(values.status ?? []).map((s) => `status=${s}`),
    ...[...(values.signal ?? []), ...(values.signals ?? [])].map((s) => `signal=${s}`),
  ];
  for (const expr of all) {
    const { qualifier, value } = splitExpression(expr);
    switch (qualifier) {
      case 't':
      case 'trace':
        out.trace = value;
        break;
      case 'status':
        out.status = value;
        break;
      case 'q':
      case 'quiet':
      case 'silent':
      case 'silence':
        out.quiet = value;
        break;
      case 'r':
      case 'read':
      case 'reads':
        out.read = value;
        break;
      case 'w':
      case 'write':
      case 'writes':
        out.write = value;
        break;
      case 'decode-fd':
      case 'decode-fds':
        out.decodeFds = value;
        break;
      case 's':
      case 'signal':
      case 'signals':
        out.signal = value;
        break;
      default: {
        const reason = UNSUPPORTED[qualifier];
        throw new UsageError(reason ? `-e ${qualifier}= is not supported: ${reason}` : `-e ${expr}: unknown qualifier "${qualifier}"`, NAME);
      }
    }
  }
  return out;
}

function buildDisplay(values: TraceValues, exprs: Expressions, attached: number): DisplayOptions {
  const { format, file } = parseOutput(values.output, values.format, values.out);
  const separately = (values['follow-forks']?.length ?? 0) > 1 || (values['output-separately'] ?? false);
  const follow = (values['follow-forks']?.length ?? 0) > 0 || (values.follow ?? false) || separately;
  if (separately && file === undefined) throw new UsageError('-ff needs -o FILE (one file per thread, FILE.TID)', NAME);
  let status = exprs.status === undefined ? QualifiedSet.all<SyscallStatus>() : parseStatusSet(exprs.status);
  // strace: -z is status=successful, -Z status=failed; both together show both.
  if (values['successful-only'] || values['failed-only']) {
    const chosen = new Set<SyscallStatus>([...(values['successful-only'] ? ['successful' as const] : []), ...(values['failed-only'] ? ['failed' as const] : [])]);
    status = new QualifiedSet(chosen, false);
  }
  const q = values.quiet?.length ?? 0;
  if (q > 0 && exprs.quiet !== undefined) throw new UsageError('-q and -e quiet= cannot be given together', NAME);
  // strace's -q, -qq and -qqq.
  const QUIET_LEVELS: readonly QuietItem[][] = [[], ['attach', 'personality'], ['exit', 'attach', 'personality']];
  let quiet = q >= 3 ? QualifiedSet.all<QuietItem>() : new QualifiedSet<QuietItem>(new Set(QUIET_LEVELS[q]), false);
  if (exprs.quiet !== undefined) quiet = parseQuietSet(exprs.quiet);
  const yCount = Math.max(values['decode-fds']?.length ?? 0, values['fd-paths'] ? 1 : 0);
  let fdPaths = Math.min(yCount, 2) as 0 | 1 | 2;
  if (exprs.decodeFds !== undefined) {
    const set: QualifiedSet<FdDecoding> = parseFdDecodingSet(exprs.decodeFds);
    fdPaths = set.has('socket') || set.has('dev') ? 2 : set.has('path') ? 1 : 0;
  }
  const tCount = values['absolute-timestamps']?.length ?? 0;
  const stamps = tCount > 0 ? Math.min(tCount, 3) : values.timestamps ? 2 : 0;
  return {
    format,
    followForks: follow,
    outputSeparately: separately,
    outFile: file,
    append: values['output-append-mode'] ?? false,
    multipleAttach: attached > 1,
    timestamps: stamps as 0 | 1 | 2 | 3,
    relative: values['relative-timestamps'] ?? false,
    durations: values['syscall-times'] ?? false,
    hex: Math.min(values['strings-in-hex']?.length ?? 0, 2) as 0 | 1 | 2,
    fdPaths,
    syscallNumbers: values['syscall-number'] ?? false,
    status,
    quiet,
    paths: values['trace-path'] ?? [],
    readDump: exprs.read === undefined ? QualifiedSet.none() : parseFdSet('read', exprs.read),
    writeDump: exprs.write === undefined ? QualifiedSet.none() : parseFdSet('write', exprs.write),
    noSyscalls: false,
    column: values.columns === undefined ? DEFAULT_COLUMN : parseInteger(NAME, '-a', values.columns, 0, 4096),
    processNotices: values['process-notices'] ?? false,
    exitTimes: values.sched ?? false,
    signals: exprs.signal === undefined ? QualifiedSet.all() : parseSignalSet(exprs.signal),
  };
}

/** -o FILE, -o json|text, --format, --out: the format and the file. */
function parseOutput(output: string | undefined, format: string | undefined, out: string | undefined): { format: OutputFormat; file?: string } {
  let chosen: OutputFormat = 'text';
  let file = out;
  if (output === 'json' || output === 'text') chosen = output;
  else if (output !== undefined) file = output;
  if (format !== undefined) {
    if (format !== 'json' && format !== 'text') throw new UsageError(`--format must be text or json, not "${format}"`, NAME);
    chosen = format;
  }
  if (file === '') throw new UsageError('-o needs a file name', NAME);
  return { format: chosen, file };
}

/** The TraceSpec for the filters; process events are always on (exit lines, child exit detection). */
function buildSpec(values: TraceValues, exprs: Expressions, pids: number[], display: DisplayOptions): TraceSpec {
  const limitText = values['string-limit'] ?? values['string-max'];
  const stringLimit = limitText === undefined ? DEFAULT_STRING_LIMIT : parseInteger(NAME, '-s', limitText, 1, STRING_MAX_LIMIT);
  const selection = syscallSelection(exprs.trace);
  display.noSyscalls = selection.none;
  // Hex dumps (-e read=/write=) show everything a call transferred, as far as the kernel side delivers.
  const dumps = !display.readDump.isNone || !display.writeDump.isNone;
  const style = values['const-print-style'];
  const constants = style === undefined || style === 'abbrev' ? 'CONSTANT_STYLE_ABBREV' : style === 'raw' ? 'CONSTANT_STYLE_RAW' : style === 'verbose' ? 'CONSTANT_STYLE_VERBOSE' : undefined;
  if (constants === undefined) throw new UsageError(`-X must be raw, abbrev or verbose, not "${style}"`, NAME);
  const verbose = values['no-abbrev'] ?? false;
  return {
    syscalls: selection.names,
    no_syscalls: selection.none,
    pids,
    follow_children: display.followForks,
    comms: values.comm ?? [],
    uids: (values.uid ?? []).map((uid) => parseInteger(NAME, '--uid', uid, 0, UINT32_MAX)),
    process_events: true,
    string_max_bytes: stringLimit,
    buffer_bytes: dumps ? STRING_MAX_LIMIT : stringLimit,
    exec_env: verbose || (values['exec-env'] ?? false),
    sched_events: values.sched ?? false,
    // strace prints signals by default; with -e signal=none the kernel side is not asked for them.
    signal_events: !display.signals.isNone,
    backend: parseBackend(values.backend),
    cgroup_ids: (values['cgroup-id'] ?? []).map((id) => parseUint64(NAME, '--cgroup-id', id)),
    // -P matches fds by what they name too: it needs the fd table as exact as -y does.
    rendering: { constants, verbose, fd_details: display.fdPaths === 2, fd_paths: display.fdPaths > 0 || display.paths.length > 0 },
  };
}

/**
 * -e trace=SET as TraceSpec.syscalls: every syscall ([]), none, or the names (an inverted set
 * resolved against this architecture's syscalls; the service is asked for the rest).
 */
function syscallSelection(spec: string | undefined): { names: string[]; none: boolean } {
  if (spec === undefined) return { names: [], none: false };
  const numbers = archTables(archName()).syscallNumbers;
  const set = parseTraceSet(spec, numbers);
  if (set.isAll) return { names: [], none: false };
  if (set.isNone) return { names: [], none: true };
  // A plain list of names and classes goes to the service as given (ListTraces shows it so).
  if (/^[a-z0-9_%,]+$/.test(spec) && !/(^|,)\d+(,|$)/.test(spec)) {
    return { names: spec.split(',').map((t) => (LEGACY_CLASS.test(t) ? `%${t}` : t)), none: false };
  }
  const names = numbers.map(([n]) => n).filter((n) => set.has(n));
  return names.length === 0 ? { names: [], none: true } : { names, none: false };
}

/** strace's class names without the `%`. */
const LEGACY_CLASS = /^(desc|file|memory|process|signal|ipc|network)$/;

/** -E VAR=VAL sets, -E VAR removes. */
function parseEnv(list: string[]): Map<string, string | null> {
  const env = new Map<string, string | null>();
  for (const item of list) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (name === '') throw new UsageError(`-E ${item}: no variable name`, NAME);
    env.set(name, eq < 0 ? null : item.slice(eq + 1));
  }
  return env;
}

function parseBackend(backend: string | undefined): string {
  if (backend === undefined || BACKENDS.includes(backend)) return backend ?? 'auto';
  throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, not "${backend}"`, NAME);
}

/** Exactly one of CMD, -p, --all. */
function checkTarget(options: TraceOptions): void {
  const modes = [options.command.length > 0, options.pids.length > 0, options.all].filter(Boolean).length;
  if (modes === 0) throw new UsageError('nothing to trace: give -- CMD [ARGS...], -p PID or --all', NAME);
  if (modes > 1) throw new UsageError('choose one of -- CMD, -p and --all', NAME);
  if (options.env.size > 0 && options.command.length === 0) throw new UsageError('-E applies to CMD only', NAME);
}
