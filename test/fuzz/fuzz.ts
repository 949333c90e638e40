/**
 * The fuzz test's engine: hostile input against a running sctraced (the real service, eBPF
 * backend), for a bounded time, with fast-check generating and shrinking the inputs.
 *
 * - gRPC: valid requests of every method (Tracer, health, reflection), generated field by field,
 *   serialized, then mutated at the protobuf level (bit flips, truncation, insertion, garbage,
 *   sizes around --max-request-bytes), sent with every kind of credential over TLS and the unix
 *   socket. Property: each call ends within its deadline with a status a correct service gives
 *   (never UNKNOWN, DEADLINE_EXCEEDED or UNAVAILABLE; INTERNAL only for grpc-js's "Error
 *   deserializing request").
 * - HTTP/2: raw frames after (or without) the client preface, and gRPC requests through Node's
 *   http2 client with wrong headers, bad length prefixes, compression flags, timeouts, resets.
 * - TLS: random bytes, mutated ClientHellos, bogus records, stalled handshakes, and handshakes
 *   without the h2 ALPN.
 *
 * Throughout, a watchdog checks the health service answers. Afterwards: health on every
 * listener, RSS grown by less than RSS_GROWTH_LIMIT_MB, no BPF program or link left once the
 * traces the fuzzer started are stopped, and exit 0 on SIGINT.
 */
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { MethodDefinition } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { tracerPackageDefinition } from '../../src/api/proto';
import { makePki, type TestPki } from '../helpers/certs';
import { statusKb } from '../../bench/lib/proc';
import { bpfLeftSince, bpfObjects, spawnService, type ServiceProcess } from '../helpers/service-process';

/** How much the service's RSS may grow over a fuzz run (warm service, traces stopped). */
export const RSS_GROWTH_LIMIT_MB = 64;

export interface FuzzOptions {
  seconds: number;
  /** fast-check seed, to replay a run. */
  seed?: number;
  log: (line: string) => void;
}

export interface FuzzReport {
  seed: number;
  seconds: number;
  runs: Record<string, number>;
  statuses: Record<string, number>;
  tracesStarted: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  rssPeakMb: number;
  /** RSS every 2 s during the run (a trace's ring, mapped twice, adds 32 MB while it runs). */
  rssSamplesMb: number[];
  /** Property failures (fast-check's report, with the seed and the shrunk input) and watchdog alarms. */
  failures: string[];
  healthyAfter: boolean;
  leftPrograms: number[];
  leftLinks: number[];
  exitCode: number | null;
}

type Cred = 'admin' | 'operator' | 'viewer' | 'tenant' | 'bogus' | 'none' | { header: string };
type Transport = 'tls' | 'unix';

const TRACER = '/sctrace.v1.Tracer/';
const HEALTH_CHECK = '/grpc.health.v1.Health/Check';
const REFLECTION = '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo';
const METHODS = ['StartTrace', 'StopTrace', 'StreamEvents', 'ListTraces', 'GetCapabilities'].map((m) => TRACER + m);
const PATHS = [...METHODS, HEALTH_CHECK, REFLECTION];
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** A request to send: the method path, its serialized bytes and how to mutate them. */
interface Plan {
  path: string;
  request: Record<string, unknown>;
  mutation: Mutation;
  cred: Cred;
  transport: Transport;
}

type Mutation =
  | { kind: 'none' }
  | { kind: 'flip'; positions: number[]; bits: number[] }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'overwrite'; at: number; bytes: Uint8Array }
  | { kind: 'garbage'; bytes: Uint8Array }
  | { kind: 'oversize'; size: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), positions: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), bits: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 48 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('overwrite' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 512 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('oversize' as const), size: fc.integer({ min: 60_000, max: 70_000 }) }) },
);

function mutate(bytes: Buffer, m: Mutation): Buffer {
  const b = Buffer.from(bytes);
  switch (m.kind) {
    case 'none':
      return b;
    case 'flip':
      if (b.length === 0) return b;
      m.positions.forEach((p, i) => (b[p % b.length] ^= 1 << m.bits[i % m.bits.length]));
      return b;
    case 'truncate':
      return b.subarray(0, b.length === 0 ? 0 : m.at % b.length);
    case 'insert': {
      const at = b.length === 0 ? 0 : m.at % (b.length + 1);
      return Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
    }
    case 'overwrite':
      if (b.length > 0) Buffer.from(m.bytes).copy(b, m.at % b.length);
      return b;
    case 'garbage':
      return Buffer.from(m.bytes);
    case 'oversize':
      // A valid message padded with an unknown length-delimited field (number 1000) to `size` bytes.
      return Buffer.concat([b, Buffer.from([0xc2, 0x3e]), varint(Math.max(0, m.size - b.length - 5)), Buffer.alloc(Math.max(0, m.size - b.length - 5), 0x61)]);
  }
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** What a fuzzed spec is made of: mostly plausible values, some hostile ones. */
function specArb(servicePid: number): fc.Arbitrary<Record<string, unknown>> {
  const text = fc.string({ maxLength: 24, unit: 'binary' });
  return fc.record(
    {
      syscalls: fc.array(fc.oneof(fc.constantFrom('openat', 'read', 'getppid', '%file', '%network', 'execve', 'nosuchcall', '%nosuch', ''), text), { maxLength: 5 }),
      pids: fc.array(fc.oneof(fc.constantFrom(0, 1, servicePid, process.pid, 0xffffffff), fc.nat({ max: 4_194_304 })), { maxLength: 8 }),
      follow_children: fc.boolean(),
      comms: fc.array(fc.oneof(fc.constantFrom('sh', 'sctrace-fuzz', '', 'a'.repeat(16)), text), { maxLength: 3 }),
      uids: fc.array(fc.oneof(fc.constantFrom(0, 1000, 0xffffffff), fc.nat()), { maxLength: 3 }),
      process_events: fc.boolean(),
      string_max_bytes: fc.oneof(fc.constantFrom(0, 1, 4096, 4097), fc.nat({ max: 1 << 20 }), fc.constant(0xffffffff)),
      backend: fc.oneof(fc.constantFrom('', 'auto', 'ebpf', 'kmod'), text),
      cgroup_ids: fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String), { maxLength: 3 }),
      buffer_bytes: fc.oneof(fc.constantFrom(0, 16, 4096, 4097), fc.nat({ max: 1 << 20 })),
      exec_env: fc.boolean(),
    },
    { requiredKeys: [] },
  );
}

function credArb(): fc.Arbitrary<Cred> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom<Cred>('admin', 'operator', 'viewer', 'tenant', 'bogus', 'none') },
    { weight: 1, arbitrary: fc.stringMatching(/^[\x20-\x7e]{0,80}$/).map((header): Cred => ({ header })) },
  );
}

function planArb(servicePid: number): fc.Arbitrary<Plan> {
  const traceId = fc.oneof(fc.constant('@live'), fc.constant('@live'), fc.string({ maxLength: 20 }));
  const request = fc.oneof(
    { weight: 3, arbitrary: fc.record({ path: fc.constant(TRACER + 'StartTrace'), request: fc.record({ spec: specArb(servicePid) }, { requiredKeys: [] }) }) },
    { weight: 2, arbitrary: fc.record({ path: fc.constant(TRACER + 'StopTrace'), request: fc.record({ trace_id: traceId }) }) },
    { weight: 2, arbitrary: fc.record({ path: fc.constant(TRACER + 'StreamEvents'), request: fc.record({ trace_id: traceId }) }) },
    { weight: 1, arbitrary: fc.record({ path: fc.constant(TRACER + 'ListTraces'), request: fc.constant({}) }) },
    { weight: 1, arbitrary: fc.record({ path: fc.constant(TRACER + 'GetCapabilities'), request: fc.constant({}) }) },
    { weight: 1, arbitrary: fc.record({ path: fc.constant(HEALTH_CHECK), request: fc.record({ service: fc.oneof(fc.constantFrom('', 'sctrace.v1.Tracer'), fc.string({ maxLength: 30 })) }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        path: fc.constant(REFLECTION),
        request: fc.oneof(fc.constant({ list_services: '' }), fc.record({ file_containing_symbol: fc.oneof(fc.constant('sctrace.v1.Tracer'), fc.string({ maxLength: 40 })) })),
      }),
    },
  );
  return fc.record({ req: request, mutation: mutationArb, cred: credArb(), transport: fc.constantFrom<Transport>('tls', 'unix') }).map(({ req, mutation, cred, transport }) => ({
    path: req.path,
    request: req.request as Record<string, unknown>,
    mutation,
    cred,
    transport,
  }));
}

/** Statuses a correct service may end a fuzzed call with (CANCELLED: the fuzzer ended a stream). */
function acceptable(code: grpc.status, details: string): boolean {
  switch (code) {
    case grpc.status.OK:
    case grpc.status.CANCELLED:
    case grpc.status.INVALID_ARGUMENT:
    case grpc.status.NOT_FOUND:
    case grpc.status.FAILED_PRECONDITION:
    case grpc.status.RESOURCE_EXHAUSTED:
    case grpc.status.OUT_OF_RANGE: // StreamEvents from a sequence the trace has not reached
    case grpc.status.PERMISSION_DENIED:
    case grpc.status.UNAUTHENTICATED:
      return details !== '' || code === grpc.status.OK || code === grpc.status.CANCELLED;
    case grpc.status.INTERNAL:
      // grpc-js's own answer to bytes that do not decode as the request message.
      return /^Error deserializing request/.test(details);
    default:
      return false;
  }
}

/** Everything the properties share. */
class Target {
  readonly tokens: Record<'admin' | 'operator' | 'viewer' | 'tenant', string>;
  readonly live: string[] = [];
  readonly runs: Record<string, number> = {};
  readonly statuses: Record<string, number> = {};
  tracesStarted = 0;
  private readonly serializers = new Map<string, (value: object) => Buffer>();
  private readonly clients: Record<Transport, grpc.Client>;
  private readonly admin: grpc.Client;

  constructor(
    readonly service: ServiceProcess,
    readonly pki: TestPki,
    tokens: Target['tokens'],
    readonly tcp: { host: string; port: number },
  ) {
    this.tokens = tokens;
    const tracer = tracerPackageDefinition()['sctrace.v1.Tracer'] as Record<string, MethodDefinition<object, object>>;
    for (const [name, def] of Object.entries(tracer)) this.serializers.set(TRACER + name, (v) => def.requestSerialize(v));
    const health = protoLoader.loadSync(healthProtoPath)['grpc.health.v1.Health'] as Record<string, MethodDefinition<object, object>>;
    this.serializers.set(HEALTH_CHECK, (v) => health.Check.requestSerialize(v));
    const reflection = protoLoader.loadSync(require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto'), { keepCase: true })[
      'grpc.reflection.v1.ServerReflection'
    ] as Record<string, MethodDefinition<object, object>>;
    this.serializers.set(REFLECTION, (v) => reflection.ServerReflectionInfo.requestSerialize(v));
    const options = { 'grpc.max_receive_message_length': 64 << 20 };
    this.clients = {
      tls: new grpc.Client(`${tcp.host}:${tcp.port}`, grpc.credentials.createSsl(pki.caPem), options),
      unix: new grpc.Client(service.address, grpc.credentials.createInsecure(), options),
    };
    this.admin = this.clients.unix;
  }

  count(table: Record<string, number>, key: string): void {
    table[key] = (table[key] ?? 0) + 1;
  }

  metadata(cred: Cred): grpc.Metadata {
    const md = new grpc.Metadata();
    if (typeof cred === 'object') md.set('authorization', cred.header);
    else if (cred === 'bogus') md.set('authorization', `Bearer ${randomBytes(12).toString('hex')}`);
    else if (cred !== 'none') md.set('authorization', `Bearer ${this.tokens[cred]}`);
    return md;
  }

  /** Sends one fuzzed request; returns its status. */
  async call(plan: Plan): Promise<{ code: grpc.status; details: string; response?: Buffer }> {
    const request = { ...plan.request };
    if (request.trace_id === '@live') request.trace_id = this.live[Math.floor(Math.random() * this.live.length)] ?? 'none';
    const bytes = mutate(this.serializers.get(plan.path)!(request), plan.mutation);
    let metadata: grpc.Metadata;
    try {
      metadata = this.metadata(plan.cred);
    } catch {
      return { code: grpc.status.OK, details: 'client refused the header' };
    }
    const client = this.clients[plan.transport];
    const deadline = Date.now() + 15_000;
    const id = (b: Buffer) => b;
    if (plan.path === TRACER + 'StreamEvents') {
      return new Promise((resolve) => {
        const call = client.makeServerStreamRequest<Buffer, Buffer>(plan.path, id, id, bytes, metadata, { deadline });
        const timer = setTimeout(() => call.cancel(), 100 + Math.random() * 400);
        call.on('data', () => undefined);
        call.on('error', (err: grpc.ServiceError) => (clearTimeout(timer), resolve({ code: err.code, details: err.details })));
        call.on('end', () => (clearTimeout(timer), resolve({ code: grpc.status.OK, details: '' })));
      });
    }
    if (plan.path === REFLECTION) {
      return new Promise((resolve) => {
        const call = client.makeBidiStreamRequest<Buffer, Buffer>(plan.path, id, id, metadata, { deadline });
        call.on('data', () => call.end());
        call.on('error', (err: grpc.ServiceError) => resolve({ code: err.code, details: err.details }));
        call.on('end', () => resolve({ code: grpc.status.OK, details: '' }));
        call.write(bytes);
        setTimeout(() => call.end(), 200);
      });
    }
    return new Promise((resolve) => {
      client.makeUnaryRequest<Buffer, Buffer>(plan.path, id, id, bytes, metadata, { deadline }, (err, response) =>
        resolve(err ? { code: err.code, details: err.details } : { code: grpc.status.OK, details: '', response }),
      );
    });
  }

  /** Stops a trace as the local admin, as the fuzzer does with most of the traces it starts. */
  async stop(traceId: string): Promise<void> {
    const bytes = this.serializers.get(TRACER + 'StopTrace')!({ trace_id: traceId });
    await new Promise<void>((resolve) =>
      this.admin.makeUnaryRequest<Buffer, Buffer>(TRACER + 'StopTrace', (b) => b, (b) => b, bytes, new grpc.Metadata(), { deadline: Date.now() + 15_000 }, () => resolve()),
    );
    const i = this.live.indexOf(traceId);
    if (i >= 0) this.live.splice(i, 1);
  }

  /** Every running trace's id (ListTraces as the local admin). */
  async running(): Promise<string[]> {
    const def = (tracerPackageDefinition()['sctrace.v1.Tracer'] as Record<string, MethodDefinition<object, { traces: { trace_id: string }[] }>>).ListTraces;
    return new Promise((resolve, reject) =>
      this.admin.makeUnaryRequest<Buffer, Buffer>(TRACER + 'ListTraces', (b) => b, (b) => b, def.requestSerialize({}), new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err, res) =>
        err ? reject(err) : resolve(def.responseDeserialize(res!).traces.map((t) => t.trace_id)),
      ),
    );
  }

  close(): void {
    for (const c of Object.values(this.clients)) c.close();
  }
}

/** Reads a StartTraceResponse's trace_id (field 1) from its bytes. */
function startedTraceId(response: Buffer | undefined): string | undefined {
  if (!response || response.length < 2 || response[0] !== 0x0a) return undefined;
  return response.subarray(2, 2 + response[1]).toString('utf8');
}

// --- HTTP/2 level -------------------------------------------------------------------------

type H2Plan =
  | { kind: 'frames'; preface: boolean; frames: { type: number; flags: number; stream: number; payload: Uint8Array; lengthDelta: number }[]; transport: Transport }
  | { kind: 'bytes'; bytes: Uint8Array; transport: Transport }
  | {
      kind: 'grpc';
      transport: Transport;
      path: string;
      method: string;
      headers: Record<string, string>;
      cred: Cred;
      messages: { flag: number; declared: number | null; payload: Uint8Array }[];
      endStream: boolean;
      resetAfterMs: number | null;
    };

function h2Arb(): fc.Arbitrary<H2Plan> {
  const transport = fc.constantFrom<Transport>('tls', 'unix');
  const frame = fc.record({
    type: fc.integer({ min: 0, max: 12 }),
    flags: fc.integer({ min: 0, max: 255 }),
    stream: fc.oneof(fc.constantFrom(0, 1, 3), fc.integer({ min: 0, max: 0x7fffffff })),
    payload: fc.uint8Array({ maxLength: 64 }),
    lengthDelta: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -8, max: 8 }) }),
  });
  const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
  return fc.oneof(
    fc.record({ kind: fc.constant('frames' as const), preface: fc.boolean(), frames: fc.array(frame, { maxLength: 12 }), transport }),
    fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 1024 }), transport }),
    fc.record({
      kind: fc.constant('grpc' as const),
      transport,
      path: fc.oneof(fc.constantFrom(...PATHS), fc.stringMatching(/^\/[\x21-\x7e]{0,40}$/)),
      method: fc.constantFrom('POST', 'POST', 'GET', 'PUT'),
      headers: fc.record(
        {
          'content-type': fc.constantFrom('application/grpc', 'application/grpc+proto', 'application/grpc+json', 'text/plain'),
          te: fc.constantFrom('trailers', 'gzip'),
          'grpc-timeout': fc.oneof(fc.constantFrom('1S', '100m', '99999999H', '0n', 'x', '-1S'), headerValue),
          'grpc-encoding': fc.constantFrom('gzip', 'deflate', 'identity', 'snappy'),
          'grpc-accept-encoding': headerValue,
          'x-fuzz': headerValue,
        },
        { requiredKeys: ['content-type'] },
      ),
      cred: credArb(),
      messages: fc.array(
        fc.record({ flag: fc.constantFrom(0, 0, 1, 2, 255), declared: fc.option(fc.oneof(fc.nat({ max: 1 << 20 }), fc.constant(0xffffffff))), payload: fc.uint8Array({ maxLength: 256 }) }),
        { maxLength: 3 },
      ),
      endStream: fc.boolean(),
      resetAfterMs: fc.option(fc.integer({ min: 0, max: 200 })),
    }),
  );
}

function frameBytes(f: { type: number; flags: number; stream: number; payload: Uint8Array; lengthDelta: number }): Buffer {
  const head = Buffer.alloc(9);
  const len = Math.max(0, Math.min(0xffffff, f.payload.length + f.lengthDelta));
  head.writeUIntBE(len, 0, 3);
  head[3] = f.type;
  head[4] = f.flags;
  head.writeUInt32BE(f.stream & 0x7fffffff, 5);
  return Buffer.concat([head, Buffer.from(f.payload)]);
}

/** A socket to the service, TLS with the h2 ALPN or the unix socket. */
function rawSocket(target: Target, transport: Transport): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      transport === 'unix'
        ? net.connect(target.service.address.slice('unix:'.length))
        : tls.connect({ host: target.tcp.host, port: target.tcp.port, ca: target.pki.caPem, ALPNProtocols: ['h2'], servername: 'localhost' });
    socket.once(transport === 'unix' ? 'connect' : 'secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes `bytes`, then waits for the peer to close or `ms` to pass, then closes. */
async function sendAndLinger(socket: net.Socket, bytes: Buffer, ms: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, ms);
    socket.on('data', () => undefined);
    socket.once('close', done);
    socket.once('error', done);
    socket.write(bytes, () => undefined);
  });
}

async function sendH2(target: Target, plan: H2Plan): Promise<string> {
  if (plan.kind !== 'grpc') {
    const socket = await rawSocket(target, plan.transport).catch(() => null);
    if (!socket) return 'connect-failed';
    const bytes = plan.kind === 'bytes' ? Buffer.from(plan.bytes) : Buffer.concat([plan.preface ? H2_PREFACE : Buffer.alloc(0), ...plan.frames.map(frameBytes)]);
    await sendAndLinger(socket, bytes, 300);
    return plan.kind;
  }
  const session =
    plan.transport === 'unix'
      ? http2.connect('http://localhost', { createConnection: () => net.connect(target.service.address.slice('unix:'.length)) })
      : http2.connect(`https://${target.tcp.host}:${target.tcp.port}`, { ca: target.pki.caPem, servername: 'localhost' });
  session.on('error', () => undefined);
  try {
    const headers: http2.OutgoingHttpHeaders = { ':method': plan.method, ':path': plan.path, ...plan.headers };
    const auth = target.metadata(plan.cred).get('authorization')[0];
    if (auth !== undefined) headers.authorization = String(auth);
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request(headers, { endStream: false });
    } catch {
      return 'client-refused';
    }
    stream.on('error', () => undefined);
    let outcome = 'no-response';
    stream.on('response', (h) => (outcome = `http-${h[':status']}`));
    stream.on('trailers', (t) => (outcome = `grpc-status-${t['grpc-status']}`));
    for (const m of plan.messages) {
      const head = Buffer.alloc(5);
      head[0] = m.flag;
      head.writeUInt32BE(m.declared ?? m.payload.length, 1);
      stream.write(Buffer.concat([head, Buffer.from(m.payload)]));
    }
    if (plan.endStream) stream.end();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 500);
      stream.once('close', () => (clearTimeout(timer), resolve()));
      if (plan.resetAfterMs !== null) setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), plan.resetAfterMs);
    });
    return outcome;
  } finally {
    session.destroy();
  }
}

// --- TLS level ----------------------------------------------------------------------------

type TlsPlan =
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'hello'; mutation: Mutation }
  | { kind: 'record'; type: number; version: number; length: number; body: Uint8Array }
  | { kind: 'stall'; cut: number; waitMs: number }
  | { kind: 'no-alpn'; afterwards: Uint8Array };

function tlsArb(): fc.Arbitrary<TlsPlan> {
  return fc.oneof(
    fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 2048 }) }),
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('hello' as const), mutation: mutationArb }) },
    fc.record({ kind: fc.constant('record' as const), type: fc.oneof(fc.constantFrom(20, 21, 22, 23), fc.integer({ min: 0, max: 255 })), version: fc.oneof(fc.constantFrom(0x0301, 0x0303), fc.integer({ min: 0, max: 0xffff })), length: fc.integer({ min: 0, max: 0xffff }), body: fc.uint8Array({ maxLength: 512 }) }),
    fc.record({ kind: fc.constant('stall' as const), cut: fc.nat(), waitMs: fc.integer({ min: 0, max: 300 }) }),
    fc.record({ kind: fc.constant('no-alpn' as const), afterwards: fc.uint8Array({ maxLength: 128 }) }),
  );
}

/** A real ClientHello for the service's address, captured from Node's TLS client. */
async function captureClientHello(caPem: Buffer): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const hello = new Promise<Buffer>((resolve) => server.once('connection', (s) => s.once('data', (d: Buffer) => (resolve(d), s.destroy()))));
  const client = tls.connect({ host: '127.0.0.1', port, ca: caPem, ALPNProtocols: ['h2'], servername: 'localhost' });
  client.on('error', () => undefined);
  const bytes = await hello;
  client.destroy();
  server.close();
  return bytes;
}

async function sendTls(target: Target, plan: TlsPlan, hello: Buffer): Promise<string> {
  if (plan.kind === 'no-alpn') {
    const socket = tls.connect({ host: target.tcp.host, port: target.tcp.port, ca: target.pki.caPem, servername: 'localhost' });
    const ok = await new Promise<boolean>((resolve) => {
      socket.once('secureConnect', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    if (ok) await sendAndLinger(socket, Buffer.concat([H2_PREFACE, Buffer.from(plan.afterwards)]), 300);
    socket.destroy();
    return ok ? 'handshake-without-alpn' : 'refused-without-alpn';
  }
  const socket = net.connect(target.tcp.port, target.tcp.host);
  const connected = await new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('error', () => resolve(false));
  });
  if (!connected) return 'connect-failed';
  let bytes: Buffer;
  if (plan.kind === 'random') bytes = Buffer.from(plan.bytes);
  else if (plan.kind === 'hello') bytes = mutate(hello, plan.mutation);
  else if (plan.kind === 'record') {
    const head = Buffer.alloc(5);
    head[0] = plan.type;
    head.writeUInt16BE(plan.version, 1);
    head.writeUInt16BE(plan.length, 3);
    bytes = Buffer.concat([head, Buffer.from(plan.body)]);
  } else bytes = hello.subarray(0, plan.cut % hello.length);
  await sendAndLinger(socket, bytes, plan.kind === 'stall' ? plan.waitMs : 300);
  return plan.kind;
}

// --- the run ------------------------------------------------------------------------------

const rssMb = (pid: number) => statusKb(pid, 'VmRSS') / 1024;

/** grpc.health.v1.Health/Check through `transport`: true when it answers SERVING. */
function healthy(target: Target, transport: Transport, timeoutMs = 5000): Promise<boolean> {
  const health = (grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { enums: String })) as any).grpc.health.v1.Health;
  const address = transport === 'unix' ? target.service.address : `${target.tcp.host}:${target.tcp.port}`;
  const client = new health(address, transport === 'unix' ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(target.pki.caPem));
  return new Promise<boolean>((resolve) =>
    client.Check({ service: 'sctrace.v1.Tracer' }, { deadline: Date.now() + timeoutMs }, (err: Error | null, res: { status: string }) => {
      client.close();
      resolve(!err && res.status === 'SERVING');
    }),
  );
}

/** Runs the fuzz against a fresh sctraced and reports what it saw. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const pki = makePki();
  const tokens = { admin: randomBytes(16).toString('hex'), operator: randomBytes(16).toString('hex'), viewer: randomBytes(16).toString('hex'), tenant: randomBytes(16).toString('hex') };
  const sha = (t: string) => createHash('sha256').update(t).digest('hex');
  const ids = path.join(pki.dir, 'identities.yaml');
  fs.writeFileSync(ids, `identities:
  - { name: fuzz-admin, role: admin, token_sha256: ${sha(tokens.admin)} }
  - { name: fuzz-operator, role: operator, token_sha256: ${sha(tokens.operator)} }
  - { name: fuzz-viewer, role: viewer, token_sha256: ${sha(tokens.viewer)} }
  - { name: fuzz-tenant, role: operator, token_sha256: ${sha(tokens.tenant)}, scope: { uids: [65534], comms: [sctrace-fuzz] } }
`);
  const before = bpfObjects();
  const service = await spawnService([
    '--listen', '127.0.0.1:0', '--tls-cert', pki.server.cert, '--tls-key', pki.server.key, '--auth', ids,
    // Traces the fuzzer leaves behind end soon; few at once, so the host is not traced to a crawl.
    '--idle-timeout', '2', '--max-traces', '6', '--max-traces-per-identity', '3',
    // A rate limit this high lets fuzzed calls reach the handlers; the limit's own path is tested elsewhere.
    '--rate-limit', '1000000', '--shutdown-grace', '5',
  ]);
  const [host, port] = [service.addresses[1].replace(/:\d+$/, ''), Number(service.addresses[1].split(':').pop())];
  const target = new Target(service, pki, tokens, { host, port });
  const failures: string[] = [];
  const report: FuzzReport = {
    seed, seconds: options.seconds, runs: target.runs, statuses: target.statuses, tracesStarted: 0, rssBeforeMb: 0, rssAfterMb: 0, rssPeakMb: 0, rssSamplesMb: [],
    failures, healthyAfter: false, leftPrograms: [], leftLinks: [], exitCode: null,
  };
  try {
    // Warm up the paths the fuzz takes, so the RSS baseline includes what any service grows to.
    for (const transport of ['tls', 'unix'] as const) {
      for (const p of METHODS.slice(3)) await target.call({ path: p, request: {}, mutation: { kind: 'none' }, cred: 'admin', transport });
      const started = await target.call({ path: TRACER + 'StartTrace', request: { spec: { pids: [1] } }, mutation: { kind: 'none' }, cred: 'admin', transport });
      const id = startedTraceId(started.response);
      if (id) await target.stop(id);
    }
    report.rssBeforeMb = rssMb(service.pid);
    report.rssPeakMb = report.rssBeforeMb;
    const hello = await captureClientHello(pki.caPem);
    const ms = options.seconds * 1000;
    const fcOptions = (offset: number): fc.Parameters<unknown> => ({
      seed: seed + offset,
      numRuns: Number.MAX_SAFE_INTEGER,
      plugins: [fc.interruptAfterTimeLimit(ms)],
      endOnFailure: false,
    });

    const grpcProperty = fc.asyncProperty(planArb(service.pid), async (plan) => {
      target.count(target.runs, `grpc ${plan.path.split('/').pop()}`);
      const { code, details, response } = await target.call(plan);
      target.count(target.statuses, grpc.status[code] ?? String(code));
      if (!acceptable(code, details)) throw new Error(`${plan.path} ended ${grpc.status[code]}: ${details}`);
      if (plan.path === TRACER + 'StartTrace' && code === grpc.status.OK) {
        const id = startedTraceId(response);
        if (id) {
          target.tracesStarted++;
          // Most traces are stopped at once (loading and detaching is the expensive part); some are left to stream and idle out.
          if (Math.random() < 0.7) await target.stop(id);
          else target.live.push(id);
        }
      }
    });
    const h2Property = fc.asyncProperty(h2Arb(), async (plan) => {
      target.count(target.runs, `http2 ${plan.kind}`);
      target.count(target.statuses, `http2 ${await sendH2(target, plan)}`);
    });
    const tlsProperty = fc.asyncProperty(tlsArb(), async (plan) => {
      target.count(target.runs, `tls ${plan.kind}`);
      target.count(target.statuses, `tls ${await sendTls(target, plan, hello)}`);
    });

    let watching = true;
    const watchdog = (async () => {
      while (watching) {
        await new Promise((r) => setTimeout(r, 2000));
        report.rssSamplesMb.push(rssMb(service.pid));
        report.rssPeakMb = Math.max(report.rssPeakMb, report.rssSamplesMb.at(-1)!);
        for (const transport of ['tls', 'unix'] as const) {
          if (watching && !(await healthy(target, transport))) failures.push(`health check over ${transport} did not answer SERVING within 5 s during the fuzz`);
        }
      }
    })();
    const asserting = async (name: string, run: () => Promise<void>) => {
      try {
        await run();
      } catch (err) {
        failures.push(`${name}: ${(err as Error).message}`);
      }
    };
    await Promise.all([
      asserting('gRPC requests', () => fc.assert(grpcProperty, fcOptions(0))),
      asserting('gRPC requests (second client)', () => fc.assert(grpcProperty, fcOptions(1))),
      asserting('HTTP/2 input', () => fc.assert(h2Property, fcOptions(2))),
      asserting('TLS input', () => fc.assert(tlsProperty, fcOptions(3))),
    ]);
    watching = false;
    await watchdog;

    // Stop what is left, let the idle timer take what was starting, and look.
    for (const id of await target.running()) await target.stop(id);
    await new Promise((r) => setTimeout(r, 3000));
    for (const id of await target.running()) await target.stop(id);
    report.tracesStarted = target.tracesStarted;
    report.healthyAfter = (await healthy(target, 'tls')) && (await healthy(target, 'unix'));
    report.rssAfterMb = rssMb(service.pid);
    report.rssPeakMb = Math.max(report.rssPeakMb, report.rssAfterMb);
    const left = await bpfLeftSince(before);
    report.leftPrograms = left.progs;
    report.leftLinks = left.links;
  } finally {
    target.close();
    report.exitCode = await service.stop();
    if (report.exitCode !== 0) failures.push(`sctraced exited with ${report.exitCode}; log tail:\n${service.log().split('\n').slice(-30).join('\n')}`);
    pki.remove();
  }
  options.log(summary(report));
  return report;
}

/** The report in a few lines. */
export function summary(r: FuzzReport): string {
  const runs = Object.values(r.runs).reduce((a, b) => a + b, 0);
  const top = (t: Record<string, number>) => Object.entries(t).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    `fuzz: ${runs} inputs in ${r.seconds} s (seed ${r.seed}), ${r.tracesStarted} traces started`,
    `  inputs: ${top(r.runs)}`,
    `  outcomes: ${top(r.statuses)}`,
    `  service RSS ${r.rssBeforeMb.toFixed(1)} MB -> ${r.rssAfterMb.toFixed(1)} MB (peak ${r.rssPeakMb.toFixed(1)} MB; limit +${RSS_GROWTH_LIMIT_MB} MB); every 2 s: ${r.rssSamplesMb.map((v) => v.toFixed(0)).join(' ')}`,
    `  healthy after: ${r.healthyAfter}; BPF programs left: ${r.leftPrograms.length}, links left: ${r.leftLinks.length}; exit ${r.exitCode}`,
    ...r.failures.map((f) => `  FAILURE ${f}`),
  ].join('\n');
}
