/**
 * sctraced's configuration: command-line flags with defaults that suit a single node. Every
 * value is checked here, so a bad flag stops the service at start with a message naming it
 * instead of failing later inside a trace.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { splitHostPort } from '../util/address';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../util/log';

/** Hard cap of --per-syscall-max: two perf events (file descriptors) per syscall. */
export const PER_SYSCALL_LIMIT = 64;

/** Where the service listens by default: a root-owned unix socket, never a network interface. */
export const DEFAULT_LISTEN = 'unix:/run/sctrace/sctrace.sock';

/** The service's settings. */
export interface ServiceConfig {
  /** gRPC listen addresses, `unix:/path` or `host:port` (--listen, repeatable). */
  listen: string[];
  /** Serve plaintext gRPC on the TCP addresses (no TLS). */
  insecure: boolean;
  /** TLS for the TCP addresses: certificate chain and private key (PEM files); empty: none. */
  tlsCert: string;
  tlsKey: string;
  /** Mutual TLS: TCP clients must present a certificate signed by this CA (PEM file); empty: not required. */
  tlsClientCa: string;
  /** Identities file (--auth, JSON or YAML); empty: none. */
  authFile: string;
  /** Group whose members may use the unix sockets (created 0660 root:GROUP); empty: root only (0600). */
  socketGroup: string;
  /** A trace with no subscriber for this long is stopped. */
  idleTimeoutMs: number;
  /**
   * At SIGTERM/SIGINT, how long subscribers get to take what their traces still hold (stopping
   * a trace first drains its ring at the subscribers' pace, up to 3 s) before they are cut off.
   */
  shutdownGraceMs: number;
  /** Most traces running at once: each is a slot of a backend's one kernel pass (at most 64). */
  maxTraces: number;
  /** Most traces one identity may run at once. */
  maxTracesPerIdentity: number;
  /** Most StreamEvents subscribers of one trace. */
  maxSubscribers: number;
  /** Most streams (StreamEvents, reflection) open on one connection. */
  maxStreamsPerConnection: number;
  /** Requests per second one identity may make (a bucket of that many, refilled continuously). */
  rateLimit: number;
  /** Largest request message, bytes (grpc-js refuses larger ones before decoding them). */
  maxRequestBytes: number;
  /** Largest TraceSpec.string_max_bytes a client may ask for (at most 4096, the kernel side's cap). */
  maxStringBytes: number;
  /** Largest TraceSpec.buffer_bytes a client may ask for (at most 4096). */
  maxBufferBytes: number;
  /**
   * Bytes of encoded events each trace retains by default (TraceSpec.retention_bytes 0): what a
   * late or reconnecting client can still start from, and how far a subscriber may fall behind.
   */
  retentionBytes: number;
  /** Largest TraceSpec.retention_bytes a client may ask for. */
  maxRetentionBytes: number;
  /** Longest time between two heartbeats of a stream, milliseconds. */
  heartbeatMs: number;
  /** This node's name in GetCapabilities, ListTraces and StartTrace (default: the host name). */
  nodeName: string;
  /** Most events in one StreamEventsResponse. */
  batchEvents: number;
  /** eBPF ring buffer size per trace, bytes (power of two). */
  ringBytes: number;
  /** Forced ring wakeup threshold, bytes. */
  wakeupBytes: number;
  /** Ring drain timer, milliseconds. */
  pollIntervalMs: number;
  /**
   * Nice value the service runs at (every thread), -20..19; 0 leaves it alone. The default, 10,
   * lets traced workloads win the CPU from the service when both want it (on the reference VM a
   * traced getppid loop ran 3× slower at nice 0 than at 10, the service taking the CPU it
   * needed); what the service then cannot read in time is dropped in the kernel and announced as
   * EventsLost.
   */
  nice: number;
  /**
   * A trace of at most this many syscalls attaches the eBPF programs to those syscalls' own
   * tracepoints, so syscalls nobody selected run no program (about 50 ns added to them instead of
   * about 120 ns on the reference VM); 0 always uses the raw_syscalls tracepoints. Stopping such
   * a trace takes the kernel about 70 ms per syscall (RCU grace periods, serialized), hence a
   * small default.
   */
  perSyscallMax: number;
  /** Path of bpf/build/sctrace.bpf.o; empty for the default next to the package. */
  bpfObject: string;
  logLevel: LogLevel;
  /** json (one pino record per line) or text (one readable line per record). */
  logFormat: LogFormat;
  /** HOST:PORT of the Prometheus endpoint (GET /metrics); empty: none. */
  metricsListen: string;
  /** HOST:PORT of a plaintext grpc.health.v1-only port (Kubernetes gRPC probes); empty: none. */
  healthListen: string;
}

/** A flag's value is out of range or malformed. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Defaults: sized for ~1M events/s bursts on a small node with bounded memory. The ring is 16 MiB
 * (about 110k syscall records, 130 ms at 850k events/s): mapped twice, it counts 32 MiB towards
 * the service's RSS, and backpressure lets a slow subscriber fill it.
 */
export const DEFAULTS: ServiceConfig = {
  listen: [DEFAULT_LISTEN],
  insecure: false,
  tlsCert: '',
  tlsKey: '',
  tlsClientCa: '',
  authFile: '',
  socketGroup: '',
  idleTimeoutMs: 60_000,
  shutdownGraceMs: 10_000,
  maxTraces: 64,
  maxTracesPerIdentity: 16,
  maxSubscribers: 16,
  maxStreamsPerConnection: 32,
  rateLimit: 100,
  maxRequestBytes: 64 << 10,
  maxStringBytes: 4096,
  maxBufferBytes: 4096,
  retentionBytes: 64 << 20,
  maxRetentionBytes: 1024 << 20,
  heartbeatMs: 2000,
  nodeName: os.hostname(),
  batchEvents: 1024,
  ringBytes: 16 << 20,
  wakeupBytes: 1 << 20,
  pollIntervalMs: 5,
  nice: 10,
  perSyscallMax: 16,
  bpfObject: '',
  logLevel: 'info',
  logFormat: 'text',
  metricsListen: '',
  healthListen: '',
};

export const USAGE = `usage: sctraced [options]
  --listen ADDR          unix:/path or host:port (default ${DEFAULT_LISTEN}); repeatable
  --tls-cert FILE        serve TLS on the TCP addresses with this certificate chain (PEM)
  --tls-key FILE         ... and this private key (PEM)
  --tls-client-ca FILE   mutual TLS: require client certificates signed by this CA (PEM)
  --auth FILE            identities (JSON or YAML): names, roles, token hashes, certificate CNs,
                         scopes; see the README's Security section
  --insecure             allow plaintext gRPC on a TCP address (anyone who reaches it can trace)
  --socket-group GROUP   create the unix sockets 0660 for GROUP (default: 0600, root only)
  --idle-timeout SEC     stop a trace with no subscriber after SEC seconds (default 60)
  --shutdown-grace SEC   at SIGTERM, give subscribers SEC seconds to take their queued events
                         before their streams are cut (default 10)
  --max-traces N         most concurrent traces, 1..64: each is a slot of the one kernel pass (default 64)
Limits (a request beyond one is answered RESOURCE_EXHAUSTED naming it):
  --max-traces-per-identity N   traces one identity may run at once (default 16)
  --max-subscribers N    StreamEvents subscribers of one trace (default 16)
  --max-streams-per-connection N  open streams on one connection (default 32)
  --rate-limit N         requests per second per identity (default 100)
  --max-request-bytes N  largest request message (default 65536)
  --max-string-bytes N   largest string_max_bytes a trace may ask for (default and most 4096)
  --max-buffer-bytes N   largest buffer_bytes a trace may ask for (default and most 4096)
  --retention-mb N       encoded events each trace keeps for late and reconnecting clients
                         (StreamEvents from_sequence), MiB (default 64); a subscriber may fall
                         this far behind before it loses events (announced)
  --max-retention-mb N   largest TraceSpec.retention_bytes a client may ask for, MiB (default 1024)
  --heartbeat-ms N       longest time between two heartbeats of a stream, ms (default 2000)
  --node-name NAME       this node's name in the API (default: the host name)
  --batch-events N       most events per streamed message (default 1024)
  --ring-mb N            the ring buffer every trace shares, MiB, power of two (default 16); under
                         pressure each trace keeps its share of 3/8 of it (TraceSpec.ring_bytes)
  --poll-ms N            ring drain interval, ms (default 5)
  --nice N               run the service at nice N (-20..19; a negative N as --nice=-N); at the
                         default 10 traced programs win the CPU when both want it, and what
                         the service cannot read in time is counted and announced as lost
  --per-syscall-max N    a trace of at most N syscalls (0..${PER_SYSCALL_LIMIT}, default 16) attaches to their own
                         tracepoints, so unselected syscalls cost less; stopping it takes ~70 ms
                         per syscall. 0: always the raw_syscalls tracepoints
  --bpf-object PATH      built BPF object (default bpf/build/sctrace.bpf.o in the package)
  --log-level LEVEL      debug, info, warn or error (default info)
  --log-format FORMAT    json (one record per line, for a log collector) or text (default text)
  --metrics-listen ADDR  serve Prometheus metrics at http://ADDR/metrics, ADDR as HOST:PORT
                         (default: none)
  --health-listen ADDR   serve grpc.health.v1 alone, plaintext, on HOST:PORT, for probes that
                         cannot present client certificates (default: none)
  -h, --help`;

/** Parses sctraced's command line. Throws ConfigError naming the bad flag. */
export function parseConfig(argv: string[]): ServiceConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      listen: { type: 'string', multiple: true },
      insecure: { type: 'boolean' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-client-ca': { type: 'string' },
      auth: { type: 'string' },
      'socket-group': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'shutdown-grace': { type: 'string' },
      'max-traces': { type: 'string' },
      'max-traces-per-identity': { type: 'string' },
      'max-subscribers': { type: 'string' },
      'max-streams-per-connection': { type: 'string' },
      'rate-limit': { type: 'string' },
      'max-request-bytes': { type: 'string' },
      'max-string-bytes': { type: 'string' },
      'max-buffer-bytes': { type: 'string' },
      'retention-mb': { type: 'string' },
      'max-retention-mb': { type: 'string' },
      'heartbeat-ms': { type: 'string' },
      'node-name': { type: 'string' },
      'batch-events': { type: 'string' },
      'ring-mb': { type: 'string' },
      'poll-ms': { type: 'string' },
      nice: { type: 'string' },
      'per-syscall-max': { type: 'string' },
      'bpf-object': { type: 'string' },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      'metrics-listen': { type: 'string' },
      'health-listen': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const config: ServiceConfig = { ...DEFAULTS };
  if (values.listen !== undefined) config.listen = [...new Set(values.listen)];
  config.insecure = values.insecure ?? false;
  config.tlsCert = fileFlag('--tls-cert', values['tls-cert']);
  config.tlsKey = fileFlag('--tls-key', values['tls-key']);
  config.tlsClientCa = fileFlag('--tls-client-ca', values['tls-client-ca']);
  config.authFile = fileFlag('--auth', values.auth);
  if (values['socket-group'] !== undefined) config.socketGroup = groupFlag(values['socket-group']);
  if (values['idle-timeout'] !== undefined) {
    config.idleTimeoutMs = intFlag('--idle-timeout', values['idle-timeout'], 1, 86_400) * 1000;
  }
  if (values['shutdown-grace'] !== undefined) {
    config.shutdownGraceMs = intFlag('--shutdown-grace', values['shutdown-grace'], 1, 3600) * 1000;
  }
  if (values['max-traces'] !== undefined) config.maxTraces = intFlag('--max-traces', values['max-traces'], 1, 64);
  if (values['max-retention-mb'] !== undefined) {
    config.maxRetentionBytes = intFlag('--max-retention-mb', values['max-retention-mb'], 1, 65_536) * (1 << 20);
  }
  if (values['retention-mb'] !== undefined) {
    config.retentionBytes = intFlag('--retention-mb', values['retention-mb'], 1, 65_536) * (1 << 20);
  }
  if (config.retentionBytes > config.maxRetentionBytes) {
    throw new ConfigError(
      `--retention-mb ${config.retentionBytes >> 20} is above --max-retention-mb ${config.maxRetentionBytes >> 20}: raise the limit or lower the default`,
    );
  }
  if (values['heartbeat-ms'] !== undefined) config.heartbeatMs = intFlag('--heartbeat-ms', values['heartbeat-ms'], 100, 60_000);
  if (values['node-name'] !== undefined) {
    const name = values['node-name'].trim();
    if (name === '' || name.length > 253 || /\s/.test(name)) {
      throw new ConfigError(`--node-name ${JSON.stringify(values['node-name'])}: use 1 to 253 characters without spaces`);
    }
    config.nodeName = name;
  }
  const limit = (flag: keyof typeof values, min: number, max: number): number | undefined =>
    values[flag] === undefined ? undefined : intFlag(`--${flag}`, values[flag] as string, min, max);
  config.maxTracesPerIdentity = limit('max-traces-per-identity', 1, 1024) ?? config.maxTracesPerIdentity;
  config.maxSubscribers = limit('max-subscribers', 1, 1024) ?? config.maxSubscribers;
  config.maxStreamsPerConnection = limit('max-streams-per-connection', 1, 1024) ?? config.maxStreamsPerConnection;
  config.rateLimit = limit('rate-limit', 1, 1_000_000) ?? config.rateLimit;
  config.maxRequestBytes = limit('max-request-bytes', 1024, 16 << 20) ?? config.maxRequestBytes;
  config.maxStringBytes = limit('max-string-bytes', 1, 4096) ?? config.maxStringBytes;
  config.maxBufferBytes = limit('max-buffer-bytes', 0, 4096) ?? config.maxBufferBytes;
  if (values['batch-events'] !== undefined) config.batchEvents = intFlag('--batch-events', values['batch-events'], 1, 65_536);
  if (values['ring-mb'] !== undefined) {
    const mb = intFlag('--ring-mb', values['ring-mb'], 1, 1024);
    if ((mb & (mb - 1)) !== 0) throw new ConfigError(`--ring-mb ${mb}: must be a power of two (1, 2, 4, ... 1024)`);
    config.ringBytes = mb << 20;
    config.wakeupBytes = Math.max(64 << 10, config.ringBytes >> 4);
  }
  if (values['poll-ms'] !== undefined) config.pollIntervalMs = intFlag('--poll-ms', values['poll-ms'], 1, 1000);
  if (values.nice !== undefined) config.nice = signedIntFlag('--nice', values.nice, -20, 19);
  if (values['per-syscall-max'] !== undefined) {
    config.perSyscallMax = intFlag('--per-syscall-max', values['per-syscall-max'], 0, PER_SYSCALL_LIMIT);
  }
  if (values['bpf-object'] !== undefined) config.bpfObject = values['bpf-object'];
  if (values['log-level'] !== undefined) config.logLevel = oneOf('--log-level', values['log-level'], LOG_LEVELS);
  if (values['log-format'] !== undefined) config.logFormat = oneOf('--log-format', values['log-format'], LOG_FORMATS);
  if (values['metrics-listen'] !== undefined) config.metricsListen = hostPort('--metrics-listen', values['metrics-listen']);
  if (values['health-listen'] !== undefined) config.healthListen = hostPort('--health-listen', values['health-listen']);
  checkTransport(config);
  return config;
}

/** How one listen address is served. */
export type Transport = 'unix' | 'tcp' | 'tls' | 'mtls';

/** One address the service binds. */
export interface Listener {
  address: string;
  transport: Transport;
}

/** The listeners of a checked config: unix sockets as they are, TCP addresses with TLS, mTLS or plaintext. */
export function listenerPlan(config: ServiceConfig): Listener[] {
  const tcp: Transport = config.tlsClientCa ? 'mtls' : config.tlsCert ? 'tls' : 'tcp';
  return config.listen.map((address) => ({ address, transport: isUnix(address) ? 'unix' : tcp }));
}

function isUnix(address: string): boolean {
  return address.startsWith('unix:');
}

function intFlag(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new ConfigError(`${flag} ${JSON.stringify(text)}: not a whole number`);
  const n = Number(text);
  if (n < min || n > max) throw new ConfigError(`${flag} ${n}: out of range ${min}..${max}`);
  return n;
}

function signedIntFlag(flag: string, text: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text)) throw new ConfigError(`${flag} ${JSON.stringify(text)}: not a whole number`);
  const n = Number(text);
  if (n < min || n > max) throw new ConfigError(`${flag} ${n}: out of range ${min}..${max}`);
  return n;
}

function hostPort(flag: string, text: string): string {
  if (!splitHostPort(text)) throw new ConfigError(`${flag} ${JSON.stringify(text)}: use HOST:PORT, e.g. 0.0.0.0:9464 or [::]:9464`);
  return text;
}

function oneOf<T extends string>(flag: string, text: string, accepted: readonly T[]): T {
  if ((accepted as readonly string[]).includes(text)) return text as T;
  throw new ConfigError(`${flag} ${JSON.stringify(text)}: use ${accepted.slice(0, -1).join(', ')} or ${accepted[accepted.length - 1]}`);
}

function fileFlag(flag: string, text: string | undefined): string {
  if (text === undefined) return '';
  if (text.trim() === '') throw new ConfigError(`${flag} needs a file name`);
  return text;
}

function groupFlag(text: string): string {
  if (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/.test(text)) throw new ConfigError(`--socket-group ${JSON.stringify(text)}: not a group name or number`);
  return text;
}

/**
 * Refuses at start every combination that would expose trace data without meaning to: a TCP
 * address must be asked for twice (the address, then --insecure or TLS), TLS must come with a way
 * to tell clients apart (client certificates or identities), and TLS flags that would do nothing
 * are mistakes.
 */
function checkTransport(config: ServiceConfig): void {
  for (const address of config.listen) {
    if (isUnix(address)) {
      if (address.length <= 'unix:'.length) throw new ConfigError('--listen unix: needs a socket path, e.g. unix:/run/sctrace/sctrace.sock');
    } else if (!splitHostPort(address)) {
      throw new ConfigError(`--listen ${JSON.stringify(address)}: use unix:/path or host:port`);
    }
  }
  const tcp = config.listen.filter((a) => !isUnix(a));
  const tls = config.tlsCert !== '' || config.tlsKey !== '';
  if (tls && (config.tlsCert === '' || config.tlsKey === '')) {
    throw new ConfigError(`${config.tlsCert ? '--tls-cert' : '--tls-key'} needs ${config.tlsCert ? '--tls-key' : '--tls-cert'} too: TLS takes a certificate and its private key`);
  }
  if (config.tlsClientCa && !tls) throw new ConfigError('--tls-client-ca needs --tls-cert and --tls-key: mutual TLS is TLS with client certificates');
  if (tls && tcp.length === 0) throw new ConfigError('--tls-cert: no TCP --listen address to serve TLS on (unix sockets are not encrypted); add e.g. --listen 0.0.0.0:7070');
  if (tls && config.insecure) throw new ConfigError('--insecure asks for plaintext and --tls-cert for TLS: choose one');
  if (tcp.length > 0 && !tls && !config.insecure) {
    throw new ConfigError(
      `--listen ${tcp[0]}: a TCP address would serve trace data without TLS; serve TLS with --tls-cert, --tls-key and --tls-client-ca, add --insecure to accept plaintext, or use a unix: socket`,
    );
  }
  if (tls && !config.tlsClientCa && !config.authFile) {
    throw new ConfigError(
      '--tls-cert with neither --tls-client-ca nor --auth would let anyone who reaches the address in: require client certificates (--tls-client-ca FILE) or tokens (--auth FILE)',
    );
  }
  if (config.socketGroup && !config.listen.some(isUnix)) throw new ConfigError('--socket-group: no unix: --listen address to apply it to');
}
