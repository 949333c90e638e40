/**
 * Every option of sctraced, in one table: its name (the flag `--NAME`, the config file's key
 * `NAME`, the environment variable `SCTRACED_NAME` with `-` as `_`), the ServiceConfig field it
 * sets, its kind (the schema that checks it from every source), its default in the option's own
 * unit, and its help line. The parser, the config file's schema, the environment and `--help` are
 * all made from this table, so adding an option is adding an entry here (and reading its field
 * where it is used); checks across options live in config.ts.
 */
import { LOG_FORMATS, LOG_LEVELS } from '../util/log';
import { addresses, bool, file, group, hostPort, int, nodeName, oneOf, powerOfTwo, text, type Kind } from './kinds';

/** Hard cap of --per-syscall-max: two perf events (file descriptors) per syscall. */
export const PER_SYSCALL_LIMIT = 64;

/** Where the service listens by default: a root-owned unix socket, never a network interface. */
export const DEFAULT_LISTEN = 'unix:/run/sctrace/sctrace.sock';

/** Sections of --help, in order. */
export const GROUPS = {
  serve: 'Listening and access',
  traces: 'Traces',
  limits: 'Limits (a request beyond one is answered RESOURCE_EXHAUSTED naming it)',
  capture: 'Capture',
  operate: 'Logs, metrics, probes',
} as const;

export interface Option<K extends string = string, T = unknown> {
  /** The ServiceConfig field. */
  readonly key: K;
  /** Flag, file key and (upper-cased, `-` → `_`, after SCTRACED_) environment variable. */
  readonly name: string;
  /** What the value is, in help (`N`, `FILE`); absent for an on/off switch. */
  readonly arg?: string;
  readonly kind: Kind<T>;
  /** The default as a user would write it (seconds, MiB); absent: the kind's "none". */
  readonly default?: unknown;
  /** How help shows the default when the value itself would not say it. */
  readonly shownDefault?: string;
  readonly help: string;
  readonly group: keyof typeof GROUPS;
  /** A flag that may be given several times (its values form a list). */
  readonly repeatable?: boolean;
}

function option<const K extends string, T>(o: Option<K, T>): Option<K, T> {
  return o;
}

const MiB = 1 << 20;

export const OPTIONS = [
  option({
    key: 'listen', name: 'listen', arg: 'ADDR', kind: addresses(), default: [DEFAULT_LISTEN], repeatable: true, group: 'serve',
    help: 'unix:/path or host:port; repeatable (a list in the file, comma-separated in the environment). A TCP address needs TLS or --insecure',
  }),
  option({ key: 'tlsCert', name: 'tls-cert', arg: 'FILE', kind: file(), group: 'serve', help: 'serve TLS on the TCP addresses with this certificate chain (PEM)' }),
  option({ key: 'tlsKey', name: 'tls-key', arg: 'FILE', kind: file(), group: 'serve', help: '... and this private key (PEM)' }),
  option({ key: 'tlsClientCa', name: 'tls-client-ca', arg: 'FILE', kind: file(), group: 'serve', help: 'mutual TLS: require client certificates signed by this CA (PEM)' }),
  option({
    key: 'authFile', name: 'auth', arg: 'FILE', kind: file(), group: 'serve',
    help: "identities (JSON or YAML): names, roles, token hashes, certificate CNs, scopes; see the README's Security section",
  }),
  option({ key: 'insecure', name: 'insecure', kind: bool(), group: 'serve', help: 'allow plaintext gRPC on a TCP address (anyone who reaches it can trace)' }),
  option({
    key: 'socketGroup', name: 'socket-group', arg: 'GROUP', kind: group(), group: 'serve', shownDefault: 'none: 0600, root only',
    help: 'create the unix sockets 0660 for GROUP',
  }),

  option({ key: 'idleTimeoutMs', name: 'idle-timeout', arg: 'SEC', kind: int(1, 86_400, 1000), default: 60, group: 'traces', help: 'stop a trace with no subscriber after SEC seconds' }),
  option({
    key: 'shutdownGraceMs', name: 'shutdown-grace', arg: 'SEC', kind: int(1, 3600, 1000), default: 10, group: 'traces',
    // Stopping a trace first drains its ring at the subscribers' pace (up to 3 s), within this.
    help: 'at SIGTERM, give subscribers SEC seconds to take their queued events before their streams are cut',
  }),
  option({ key: 'batchEvents', name: 'batch-events', arg: 'N', kind: int(1, 65_536), default: 1024, group: 'traces', help: 'most events per streamed message' }),

  option({ key: 'maxTraces', name: 'max-traces', arg: 'N', kind: int(1, 64), default: 64, group: 'limits', help: 'most concurrent traces, 1..64: each is a slot of the one kernel pass' }),
  option({ key: 'maxTracesPerIdentity', name: 'max-traces-per-identity', arg: 'N', kind: int(1, 1024), default: 16, group: 'limits', help: 'traces one identity may run at once' }),
  option({ key: 'maxSubscribers', name: 'max-subscribers', arg: 'N', kind: int(1, 1024), default: 16, group: 'limits', help: 'StreamEvents subscribers of one trace' }),
  option({ key: 'maxStreamsPerConnection', name: 'max-streams-per-connection', arg: 'N', kind: int(1, 1024), default: 32, group: 'limits', help: 'open streams on one connection' }),
  option({
    key: 'rateLimit', name: 'rate-limit', arg: 'N', kind: int(1, 1_000_000), default: 100, group: 'limits',
    help: 'requests per second per identity (a bucket of that many, refilled continuously)',
  }),
  option({
    key: 'maxRequestBytes', name: 'max-request-bytes', arg: 'N', kind: int(1024, 16 * MiB), default: 64 << 10, group: 'limits',
    help: 'largest request message (grpc-js refuses larger ones before decoding them)',
  }),
  option({ key: 'maxStringBytes', name: 'max-string-bytes', arg: 'N', kind: int(1, 4096), default: 4096, group: 'limits', help: 'largest string_max_bytes a trace may ask for (the kernel side reads at most 4096)' }),
  option({ key: 'maxBufferBytes', name: 'max-buffer-bytes', arg: 'N', kind: int(0, 4096), default: 4096, group: 'limits', help: 'largest buffer_bytes a trace may ask for (at most 4096)' }),
  option({
    key: 'retentionBytes', name: 'retention-mb', arg: 'N', kind: int(1, 65_536, MiB), default: 64, group: 'limits',
    help: 'memory each trace keeps its encoded events in for late and reconnecting clients (StreamEvents from_sequence), MiB, counted in whole slabs; a subscriber may fall this far behind before it loses events (announced)',
  }),
  option({ key: 'maxRetentionBytes', name: 'max-retention-mb', arg: 'N', kind: int(1, 65_536, MiB), default: 1024, group: 'limits', help: 'largest TraceSpec.retention_bytes a client may ask for, MiB' }),
  option({
    key: 'retentionTotalBytes', name: 'retention-total-mb', arg: 'N', kind: int(1, 65_536, MiB), default: 128, group: 'limits',
    help: "memory all traces keep their encoded events in together (slabs of a 512th of it, free ones included), MiB; past it a stopped trace's window gives way first, then the largest window gives up its oldest events",
  }),
  option({
    key: 'treeMaxNodes', name: 'tree-max-nodes', arg: 'N', kind: int(1, 1_000_000), default: 10_000, group: 'limits',
    help: 'processes and threads one trace keeps for GetProcessTree (past it, counted as dropped)',
  }),
  option({ key: 'heartbeatMs', name: 'heartbeat-ms', arg: 'N', kind: int(100, 60_000), default: 2000, group: 'traces', help: 'longest time between two heartbeats of a stream, ms' }),
  option({ key: 'nodeName', name: 'node-name', arg: 'NAME', kind: nodeName(), shownDefault: 'the host name', group: 'traces', help: "this node's name in the API" }),

  option({
    // 16 MiB holds about 110k syscall records, 130 ms at 850k events/s; mapped twice, it counts
    // 32 MiB towards the service's RSS, and backpressure lets a slow subscriber fill it.
    key: 'ringBytes', name: 'ring-mb', arg: 'N', kind: powerOfTwo(1, 1024, MiB), default: 16, group: 'capture',
    help: 'the ring buffer every trace shares, MiB, power of two; under pressure each trace keeps its share of 3/8 of it (TraceSpec.ring_bytes); a forced wakeup comes at 1/16 of it',
  }),
  option({ key: 'pollIntervalMs', name: 'poll-ms', arg: 'N', kind: int(1, 1000), default: 5, group: 'capture', help: 'ring drain interval, ms' }),
  option({
    // On the reference VM a traced getppid loop ran 3× slower at nice 0 than at 10, the service
    // taking the CPU it needed (bench results, README "What the figures say").
    key: 'nice', name: 'nice', arg: 'N', kind: int(-20, 19, 1, true), default: 10, group: 'capture',
    help: 'run the service at nice N, -20..19 (a negative N as --nice=-N; 0 leaves it alone); at 10 traced programs win the CPU when both want it, and what the service cannot read in time is counted and announced as lost',
  }),
  option({
    // About 50 ns added to unselected syscalls instead of about 120 ns on the reference VM;
    // stopping takes the kernel ~70 ms per syscall (serialized RCU grace periods), hence 16.
    key: 'perSyscallMax', name: 'per-syscall-max', arg: 'N', kind: int(0, PER_SYSCALL_LIMIT), default: 16, group: 'capture',
    help: `a trace of at most N syscalls (0..${PER_SYSCALL_LIMIT}) attaches to their own tracepoints, so unselected syscalls cost less; stopping it takes ~70 ms per syscall. 0: always the raw_syscalls tracepoints`,
  }),
  option({ key: 'bpfObject', name: 'bpf-object', arg: 'PATH', kind: text(), group: 'capture', shownDefault: 'bpf/build/sctrace.bpf.o in the package', help: 'built BPF object' }),

  option({ key: 'logLevel', name: 'log-level', arg: 'LEVEL', kind: oneOf(LOG_LEVELS), default: 'info', group: 'operate', help: LOG_LEVELS.join(', ') }),
  option({ key: 'logFormat', name: 'log-format', arg: 'FORMAT', kind: oneOf(LOG_FORMATS), default: 'text', group: 'operate', help: 'json (one record per line, for a log collector) or text' }),
  option({ key: 'metricsListen', name: 'metrics-listen', arg: 'ADDR', kind: hostPort(), group: 'operate', help: 'serve Prometheus metrics at http://ADDR/metrics, ADDR as HOST:PORT' }),
  option({
    key: 'healthListen', name: 'health-listen', arg: 'ADDR', kind: hostPort(), group: 'operate',
    help: 'serve grpc.health.v1 alone, plaintext, on HOST:PORT, for probes that cannot present client certificates',
  }),
] as const;

/** The settings the table gives, by field. */
export type OptionValues = { [O in (typeof OPTIONS)[number] as O['key']]: O extends Option<string, infer T> ? T : never };
