/**
 * The soak test's engine: a syscall-heavy workload traced by the real sctraced for a while, with
 * subscribers that behave the way real ones do, and every one of them held to the accounting the
 * service promises: events received + events announced lost = events produced.
 *
 * The workload is bench/c/getppid.c at a steady rate; the trace takes its getppid calls only, so
 * the generator's own count of calls is the ground truth. One trace, five kinds of subscriber:
 * - steady: reads everything, for the whole run (unix socket);
 * - paused: stops reading for seconds at a time (3 s by default), so it falls out of the trace's
 *   retention window (8 MiB here) and is told what it lost (unix socket);
 * - TLS: a viewer identity with a bearer token over TLS, for the whole run;
 * - reconnecting: subscribes, reads for a moment, cancels, subscribes again, in a loop;
 * - cancelling: subscribes, reads, stops reading until its queue is full, then cancels while
 *   the service still has events queued for it; then the next one.
 * The three that stay for the whole run must account for every call the generator made, from
 * sequence 1 on; every stream, also the short ones, must be gap-free except where an EventsLost
 * notice covers the gap. The service's RSS is sampled every second; at the end the trace's own
 * counters must add up too, and no BPF program or link may be left.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { tracerPackageDefinition } from '../../src/api/proto';
import type { TraceCounters__Output } from '../../src/api/generated/sctrace/v1/TraceCounters';
import { forEachEvent, type WireEvent } from '../../bench/lib/wire';
import { api, connect } from '../helpers/client';
import { makePki } from '../helpers/certs';
import { sleep, statusKb } from '../../bench/lib/proc';
import { bpfLeftSince, bpfObjects, spawnService, spawnStopped } from '../helpers/service-process';
import { getppidGenerator, parseGeneratorReport } from '../helpers/workload';

/** x86_64 __NR_getppid. */
const NR_GETPPID = 110;
/** The service's RSS may reach this much at most during the run. */
export const RSS_PEAK_LIMIT_MB = 400;
/**
 * ... and the peak of the run's last third may not exceed the middle third's by more than this:
 * no growth once warm (RSS rises for ~20 s while V8's heap and the queues fill, then stays flat:
 * 120 s at 100k/s here went 107 -> 178 MB by 20 s and 182 MB at most afterwards).
 */
export const RSS_GROWTH_LIMIT_MB = 40;

export interface SoakOptions {
  seconds: number;
  /** getppid calls per second. */
  rate: number;
  /** How long the paused subscriber stops reading each time (it reads 2 s in between). */
  pauseSeconds: number;
  log: (line: string) => void;
}

/** What one stream saw, counted from its wire bytes. */
export interface StreamAccount {
  /** Sequence number of the first event it stands for (a leading subscriber notice starts where its loss starts). */
  first: number;
  last: number;
  events: number;
  getppid: number;
  lostKernel: number;
  lostSubscriber: number;
  lostDecode: number;
  /** Gaps, jumps back and notices whose count disagrees with the gap they cover. */
  sequenceErrors: number;
  firstError?: string;
  /** How it ended: "OK", "CANCELLED" (by the soak), or the status. */
  end: string;
}

export interface SubscriberReport {
  name: string;
  streams: number;
  received: number;
  announcedLost: number;
  /** For whole-run subscribers: the generator's calls; received + announcedLost must equal it. */
  produced: number | null;
  sequenceErrors: number;
  firstError?: string;
  ends: Record<string, number>;
  lostKernel: number;
  lostSubscriber: number;
}

export interface SoakReport {
  seconds: number;
  rate: number;
  pauseSeconds: number;
  calls: number;
  achievedRate: number;
  counters: TraceCounters__Output | null;
  subscribers: SubscriberReport[];
  /** Whole-run subscribers whose received + announced lost differs from the calls made, or that did not start at sequence 1 or end at the trace's last. */
  accountingFailures: string[];
  rssSamplesMb: number[];
  rssPeakMb: number;
  /** Peak of the last third of the samples minus the peak of the middle third. */
  rssGrowthMb: number;
  /** Subscribers the service still counted once only the whole-run ones should be left. */
  subscribersAfterChurn: number;
  leftPrograms: number[];
  leftLinks: number[];
  exitCode: number | null;
}

/** Accounts one stream's events, strictly, as they arrive. */
class Account {
  readonly a: StreamAccount = { first: 0, last: 0, events: 0, getppid: 0, lostKernel: 0, lostSubscriber: 0, lostDecode: 0, sequenceErrors: 0, end: '' };

  /** Message handler: walks the events of one StreamEventsResponse. */
  readonly message = (bytes: Buffer) => forEachEvent(bytes, this.visit);

  private readonly visit = (e: WireEvent) => {
    const a = this.a;
    // A subscriber notice takes the number of the last event it replaces; anything else the next number.
    const span = e.kind === 14 && e.lostWhere === 'subscriber' ? e.lostCount : 1;
    if (a.last === 0) a.first = e.sequence - span + 1;
    else if (e.sequence !== a.last + span) {
      a.sequenceErrors++;
      a.firstError ??= `${e.kind === 14 ? `${e.lostWhere} notice of ${e.lostCount}` : 'event'} at sequence ${e.sequence} after ${a.last}`;
    }
    a.last = e.sequence;
    if (e.kind === 14) {
      if (e.lostWhere === 'kernel') a.lostKernel += e.lostCount;
      else if (e.lostWhere === 'subscriber') a.lostSubscriber += e.lostCount;
      else a.lostDecode += e.lostCount;
      return;
    }
    a.events++;
    if (e.kind === 10 && e.nr === NR_GETPPID) a.getppid++;
  };
}

/** A StreamEvents call whose messages stay bytes, counted by an Account. */
interface OpenStream {
  account: StreamAccount;
  call: grpc.ClientReadableStream<Buffer>;
  /** Resolves when the stream has ended, with how. */
  ended: Promise<string>;
}

const rssMb = (pid: number) => statusKb(pid, 'VmRSS') / 1024;

/** Runs the soak against a fresh sctraced and reports what every subscriber saw. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const pki = makePki();
  const token = randomBytes(16).toString('hex');
  const ids = path.join(pki.dir, 'identities.json');
  fs.writeFileSync(ids, JSON.stringify({ identities: [{ name: 'soak-viewer', role: 'viewer', token_sha256: createHash('sha256').update(token).digest('hex') }] }));
  const before = bpfObjects();
  // An 8 MiB retention window (about 120k getppid events): a subscriber paused for seconds falls
  // out of it and must be told what it lost (the default 64 MiB would hold ten seconds here).
  const service = await spawnService(['--listen', '127.0.0.1:0', '--tls-cert', pki.server.cert, '--tls-key', pki.server.key, '--auth', ids, '--idle-timeout', '30', '--retention-mb', '8']);
  const tcp = service.addresses[1];
  const streamDef = (tracerPackageDefinition()['sctrace.v1.Tracer'] as Record<string, MethodDefinition<object, object>>).StreamEvents;
  // Whole-run readers raise their HTTP/2 window like a streaming consumer should (see the bench client).
  const fast = { 'grpc.max_receive_message_length': 64 << 20, 'grpc-node.flow_control_window': 16 << 20 };
  const unix = new grpc.Client(service.address, grpc.credentials.createInsecure(), fast);
  const slow = new grpc.Client(service.address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 << 20, 'grpc.use_local_subchannel_pool': 1 });
  const overTls = new grpc.Client(tcp, grpc.credentials.createSsl(pki.caPem), fast);
  const admin = connect(service.address);
  const rpc = api(admin);
  const bearer = new grpc.Metadata();
  bearer.set('authorization', `Bearer ${token}`);

  const open = (client: grpc.Client, traceId: string, metadata = new grpc.Metadata()): OpenStream => {
    const account = new Account();
    const call = client.makeServerStreamRequest<object, Buffer>('/sctrace.v1.Tracer/StreamEvents', (r) => streamDef.requestSerialize(r), (b) => b, { trace_id: traceId }, metadata);
    call.on('data', account.message);
    const ended = new Promise<string>((resolve) => {
      call.on('error', (err: grpc.ServiceError) => resolve(grpc.status[err.code] ?? String(err.code)));
      call.on('end', () => resolve('OK'));
    }).then((end) => (account.a.end = end));
    return { account: account.a, call, ended };
  };
  const subscribed = (stream: OpenStream) => new Promise<void>((resolve) => stream.call.once('metadata', () => resolve()));

  const report: SoakReport = {
    seconds: options.seconds, rate: options.rate, pauseSeconds: options.pauseSeconds, calls: 0, achievedRate: 0, counters: null, subscribers: [], accountingFailures: [], rssSamplesMb: [], rssPeakMb: 0,
    rssGrowthMb: 0, subscribersAfterChurn: -1, leftPrograms: [], leftLinks: [], exitCode: null,
  };
  const workSeconds = Math.max(5, options.seconds - 5);
  const generator = await spawnStopped([getppidGenerator(), String(options.rate * workSeconds), String(options.rate)]);
  try {
    const { trace_id } = await rpc.start({ pids: [generator.pid], syscalls: ['getppid'] });
    const steady = open(unix, trace_id);
    const paused = open(slow, trace_id);
    const tlsStream = open(overTls, trace_id, bearer);
    await Promise.all([steady, paused, tlsStream].map(subscribed));
    let running = true;
    const sampler = (async () => {
      while (running) {
        report.rssSamplesMb.push(rssMb(service.pid));
        await sleep(1000);
      }
    })();
    generator.resume();
    const workload = generator.exited;

    // Paused: read 2 s, stop reading pauseSeconds, for the whole run.
    const pauser = (async () => {
      while (running) {
        await sleep(2000);
        if (!running) break;
        paused.call.pause();
        await sleep(options.pauseSeconds * 1000);
        paused.call.resume();
      }
    })();
    // Reconnecting: short windows back to back.
    const reconnects: OpenStream[] = [];
    const reconnector = (async () => {
      while (running) {
        const s = open(unix, trace_id);
        reconnects.push(s);
        await sleep(200 + Math.random() * 1300);
        s.call.cancel();
        await s.ended;
      }
    })();
    // Cancelling: read 1 s, stop reading 2 s (the service's queue for it fills), cancel.
    const cancels: OpenStream[] = [];
    const canceller = (async () => {
      while (running) {
        const s = open(slow, trace_id);
        cancels.push(s);
        await sleep(1000);
        s.call.pause();
        await sleep(2000);
        s.call.cancel();
        await s.ended;
        await sleep(1000);
      }
    })();

    const exit = await workload;
    running = false;
    await Promise.all([pauser, reconnector, canceller, sampler]);
    paused.call.resume();
    const { calls, rate } = parseGeneratorReport(exit.stderr);
    report.calls = calls;
    report.achievedRate = rate;
    await sleep(500);
    report.subscribersAfterChurn = (await rpc.list()).traces.find((t) => t.trace_id === trace_id)?.subscribers ?? -1;
    const stopped = await rpc.stop(trace_id);
    report.counters = stopped.counters;
    await Promise.all([steady.ended, paused.ended, tlsStream.ended]);

    const whole = (name: string, s: OpenStream): SubscriberReport => {
      const a = s.account;
      const received = a.getppid;
      const announcedLost = a.lostKernel + a.lostSubscriber + a.lostDecode;
      if (received + announcedLost !== calls) report.accountingFailures.push(`${name}: received ${received} + announced lost ${announcedLost} = ${received + announcedLost}, but the generator made ${calls} calls`);
      if (a.first !== 1) report.accountingFailures.push(`${name}: its first event is sequence ${a.first}, not 1`);
      if (a.last !== steady.account.last) report.accountingFailures.push(`${name}: its last sequence is ${a.last}, the steady subscriber's ${steady.account.last}`);
      return { name, streams: 1, received, announcedLost, produced: calls, sequenceErrors: a.sequenceErrors, firstError: a.firstError, ends: { [a.end]: 1 }, lostKernel: a.lostKernel, lostSubscriber: a.lostSubscriber };
    };
    const windows = (name: string, streams: OpenStream[]): SubscriberReport => {
      const r: SubscriberReport = { name, streams: streams.length, received: 0, announcedLost: 0, produced: null, sequenceErrors: 0, ends: {}, lostKernel: 0, lostSubscriber: 0 };
      for (const { account: a } of streams) {
        r.received += a.getppid;
        r.announcedLost += a.lostKernel + a.lostSubscriber + a.lostDecode;
        r.lostKernel += a.lostKernel;
        r.lostSubscriber += a.lostSubscriber;
        r.sequenceErrors += a.sequenceErrors;
        r.firstError ??= a.firstError;
        r.ends[a.end] = (r.ends[a.end] ?? 0) + 1;
      }
      return r;
    };
    report.subscribers = [whole('steady', steady), whole('paused', paused), whole('tls+token', tlsStream), windows('reconnecting', reconnects), windows('cancelling', cancels)];
  } finally {
    generator.kill();
    for (const c of [unix, slow, overTls]) c.close();
    admin.close();
    const third = Math.max(1, Math.floor(report.rssSamplesMb.length / 3));
    report.rssPeakMb = Math.max(...report.rssSamplesMb, 0);
    report.rssGrowthMb = Math.max(...report.rssSamplesMb.slice(-third), 0) - Math.max(...report.rssSamplesMb.slice(third, 2 * third), 0);
    const left = await bpfLeftSince(before);
    report.leftPrograms = left.progs;
    report.leftLinks = left.links;
    report.exitCode = await service.stop();
    pki.remove();
  }
  options.log(summary(report));
  return report;
}

/** The report in a few lines. */
export function summary(r: SoakReport): string {
  const c = r.counters;
  return [
    `soak: ${r.seconds} s, generator ${r.calls} getppid calls at ${Math.round(r.achievedRate)}/s (asked ${r.rate}/s), paused subscriber stops for ${r.pauseSeconds} s at a time`,
    `  trace: received ${c?.events_received}, lost in kernel ${c?.lost_kernel}, delivered ${c?.events_delivered}, lost by subscribers ${c?.lost_subscribers}`,
    ...r.subscribers.map(
      (s) =>
        `  ${s.name.padEnd(13)} streams ${s.streams}, received ${s.received} + announced lost ${s.announcedLost} (kernel ${s.lostKernel}, queue ${s.lostSubscriber})` +
        `${s.produced === null ? '' : ` = ${s.received + s.announcedLost} of ${s.produced}`}, sequence errors ${s.sequenceErrors}${s.firstError ? ` (first: ${s.firstError})` : ''}, ends ${JSON.stringify(s.ends)}`,
    ),
    `  subscribers left after the churn: ${r.subscribersAfterChurn} (3 expected)`,
    `  service RSS peak ${r.rssPeakMb.toFixed(0)} MB (limit ${RSS_PEAK_LIMIT_MB}), last third vs middle third ${r.rssGrowthMb >= 0 ? '+' : ''}${r.rssGrowthMb.toFixed(0)} MB (limit +${RSS_GROWTH_LIMIT_MB}); every 1 s: ${r.rssSamplesMb.map((v) => v.toFixed(0)).join(' ')}`,
    `  BPF programs left ${r.leftPrograms.length}, links left ${r.leftLinks.length}; exit ${r.exitCode}`,
    ...r.accountingFailures.map((f) => `  ACCOUNTING FAILURE ${f}`),
  ].join('\n');
}

/** Everything a passing soak must show; empty when it passed. */
export function checkSoak(r: SoakReport): string[] {
  const problems = [...r.accountingFailures];
  for (const s of r.subscribers) {
    if (s.sequenceErrors > 0) problems.push(`${s.name}: ${s.sequenceErrors} sequence errors (first: ${s.firstError})`);
    const bad = Object.keys(s.ends).filter((end) => end !== 'OK' && !(s.produced === null && end === 'CANCELLED'));
    if (bad.length > 0) problems.push(`${s.name}: streams ended ${bad.join(', ')}`);
    if (s.streams === 0) problems.push(`${s.name}: no stream`);
  }
  const c = r.counters;
  if (!c) problems.push('StopTrace returned no counters');
  else if (Number(c.events_received) + Number(c.lost_kernel) + Number(c.decode_errors) !== r.calls) {
    problems.push(`the trace's counters: received ${c.events_received} + lost in kernel ${c.lost_kernel} + decode errors ${c.decode_errors} != ${r.calls} calls`);
  }
  if (r.subscribersAfterChurn !== 3) problems.push(`${r.subscribersAfterChurn} subscribers left after the reconnecting and cancelling ones were gone, not 3`);
  if (r.rssPeakMb > RSS_PEAK_LIMIT_MB) problems.push(`service RSS peaked at ${r.rssPeakMb.toFixed(0)} MB, above ${RSS_PEAK_LIMIT_MB}`);
  if (r.rssGrowthMb > RSS_GROWTH_LIMIT_MB) problems.push(`service RSS grew ${r.rssGrowthMb.toFixed(0)} MB from the middle third of the run to the last, above ${RSS_GROWTH_LIMIT_MB}`);
  if (r.leftPrograms.length + r.leftLinks.length > 0) problems.push(`left behind: programs ${r.leftPrograms.join(',')} links ${r.leftLinks.join(',')}`);
  if (r.exitCode !== 0) problems.push(`sctraced exited with ${r.exitCode}`);
  return problems;
}
