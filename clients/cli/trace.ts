/**
 * `sctrace trace`: start a trace, print its events, stop it. The order matters for CMD mode:
 * child stopped → StartTrace for its pid → StreamEvents subscribed → SIGCONT, so the stream sees
 * the child from its exec on. Every path out of the session goes through stop(), so no trace is
 * left running on the server, and a started child is never killed once it runs.
 */
import * as grpc from '@grpc/grpc-js';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import { CliError, sleep, type Command, type GlobalOptions } from './command';
import { RpcError, connectTo, resolveServerAddresses, type TracerConnection } from './client';
import { withFallback } from './credentials';
import { runFleetTrace } from './fleet';
import { checkExecutable, exitStatus, spawnStopped, type StoppedChild } from './child';
import { EventPump, type StreamEnd } from './event-pump';
import { EventFilter } from './filter';
import { Interrupts, signalExitCode } from './interrupts';
import { Output } from './output';
import { EventPrinter } from './printer';
import { ProcessSet, processExists } from './process-set';
import { reportError } from './report';
import { TRACE_HELP, parseTraceArgs, printerOptions, type TraceOptions } from './trace-args';
import { quoteString } from './values';

/** After the child exits, how long to wait for its exit event before stopping anyway. */
const EXIT_GRACE_MS = 500;
/** After StopTrace, how long queued events may take to arrive before the stream is cancelled. */
const DRAIN_MS = 1_000;
/** How long to wait for the server to confirm the subscription before resuming the child anyway. */
const SUBSCRIBE_TIMEOUT_MS = 3_000;
const SUBSCRIBE_POLL_MS = 20;

/** `sctrace trace`. */
export const traceCommand: Command = {
  name: 'trace',
  summary: 'run a command or attach to processes under a trace (like strace)',
  help: TRACE_HELP,
  run: runTrace,
};

async function runTrace(argv: string[], globals: GlobalOptions): Promise<number> {
  const options = parseTraceArgs(argv);
  if (options.help) {
    process.stdout.write(TRACE_HELP);
    return 0;
  }
  // Several servers: a fleet trace (fleet.ts); its pids name processes on those nodes.
  const servers = resolveServerAddresses(options.server ?? globals.server);
  const credentials = withFallback(options.credentials, globals);
  if (servers.length > 1) return runFleetTrace(options, servers, credentials);
  if (options.command.length > 0) checkExecutable(options.command[0]);
  for (const pid of options.pids) if (!processExists(pid)) throw new CliError(`--pid ${pid}: no such process`);
  const d = options.display;
  const output = Output.open(d.outFile, { separately: d.outputSeparately, append: d.append });
  const connection = connectTo(servers[0], credentials);
  const interrupts = new Interrupts();
  try {
    return await new TraceSession(connection, output, interrupts, options).run();
  } finally {
    interrupts.dispose();
    connection.close();
    await output.close();
  }
}

/** What ended the wait for the trace target. */
type Outcome =
  | { kind: 'done'; code: number }
  | { kind: 'signal'; signal: NodeJS.Signals }
  | { kind: 'stream'; end: StreamEnd }
  | { kind: 'output'; error: Error };

/** One run of `trace`, from spawning the child to StopTrace. */
class TraceSession {
  private child: StoppedChild | undefined;
  private childExitSeen!: () => void;
  private readonly childExitEvent = new Promise<void>((resolve) => (this.childExitSeen = resolve));
  private readonly processes: ProcessSet | undefined;

  constructor(
    private readonly connection: TracerConnection,
    private readonly output: Output,
    private readonly interrupts: Interrupts,
    private readonly options: TraceOptions,
  ) {
    if (options.pids.length > 0) this.processes = new ProcessSet(options.pids, options.spec.follow_children ?? false);
  }

  /** Runs the session; resolves to the exit code. */
  async run(): Promise<number> {
    try {
      if (this.options.command.length > 0) this.child = await spawnStopped(this.options.command, this.options.env);
      if (this.interrupts.signal !== undefined) return this.abandon(this.interrupts.signal);
      const traceId = await this.startTrace();
      const pump = this.subscribe(traceId);
      await this.awaitSubscription(pump, traceId);
      this.child?.resume();
      const code = await this.waitForEnd(pump);
      await this.stop(traceId, pump);
      return code;
    } finally {
      this.processes?.dispose();
    }
  }

  /** Interrupted before the trace existed: let the child run untraced, as if never started. */
  private abandon(signal: NodeJS.Signals): number {
    this.child?.resume();
    return signalExitCode(signal);
  }

  private async startTrace(): Promise<string> {
    const spec = this.child ? { ...this.options.spec, pids: [this.child.pid] } : this.options.spec;
    try {
      const started = await this.connection.startTrace(spec);
      if (this.child === undefined) {
        process.stderr.write(`sctrace: trace ${started.trace_id} started (${started.backend}); Ctrl-C to stop\n`);
      }
      return started.trace_id;
    } catch (err) {
      // Still stopped, it has run nothing of CMD: killing it is the clean way back.
      this.child?.kill();
      throw err;
    }
  }

  private subscribe(traceId: string): EventPump {
    const d = this.options.display;
    const printer = new EventPrinter(printerOptions(d));
    const filter = new EventFilter(d);
    if (!d.quiet.has('path-resolution')) {
      for (const [p, r] of filter.resolvedPaths()) process.stderr.write(`sctrace: Requested path ${quoteString(p)} resolved into ${quoteString(r)}\n`);
    }
    // From the trace's first event: nothing since StartTrace is missed, and a resumed stream
    // knows where it stands even before the first heartbeat.
    return new EventPump(this.connection.streamEvents(traceId, 1), this.connection, printer, this.output, {
      ignorePid: process.pid,
      launcherPid: this.child?.pid,
      onEvent: (event) => this.onEvent(event),
      filter,
    });
  }

  private onEvent(event: Event__Output): void {
    if (event.kind === 'exit' && this.child !== undefined && event.task?.pid === this.child.pid) this.childExitSeen();
    this.processes?.onEvent(event);
  }

  /**
   * Waits until the server has registered the subscription: events before it are not delivered,
   * and the child must not run before. Response headers or a subscriber count in ListTraces both
   * prove it; after a timeout the child is resumed anyway (with a warning) rather than hanging.
   */
  private async awaitSubscription(pump: EventPump, traceId: string): Promise<void> {
    const deadline = Date.now() + SUBSCRIBE_TIMEOUT_MS;
    while (!pump.headersReceived && !pump.settled && this.interrupts.signal === undefined) {
      if (await this.hasSubscriber(traceId)) return;
      if (Date.now() > deadline) {
        process.stderr.write(`sctrace: the server did not confirm the subscription within ${SUBSCRIBE_TIMEOUT_MS} ms; the first events may be missing\n`);
        return;
      }
      await sleep(SUBSCRIBE_POLL_MS);
    }
  }

  private async hasSubscriber(traceId: string): Promise<boolean> {
    try {
      const { traces } = await this.connection.listTraces();
      return traces.some((trace) => trace.trace_id === traceId && trace.subscribers > 0);
    } catch {
      return false; // headers or the timeout decide instead
    }
  }

  /** Waits for the target to finish, Ctrl-C, the stream ending, or the output failing. */
  private async waitForEnd(pump: EventPump): Promise<number> {
    if (this.interrupts.signal !== undefined) return signalExitCode(this.interrupts.signal);
    const outcome = await Promise.race<Outcome>([
      this.targetDone().then((code) => ({ kind: 'done', code })),
      this.interrupts.received.then((signal) => ({ kind: 'signal', signal })),
      pump.ended.then((end) => ({ kind: 'stream', end })),
      this.output.failed.then((error) => ({ kind: 'output', error })),
    ]);
    switch (outcome.kind) {
      case 'done':
        return outcome.code;
      case 'signal':
        return signalExitCode(outcome.signal);
      case 'stream':
        return this.afterStreamEnd(outcome.end);
      case 'output':
        return this.afterOutputFailure(outcome.error);
    }
  }

  /** CMD: its exit status once it has exited and its exit event was printed (or a grace passed). */
  private async targetDone(): Promise<number> {
    if (this.child !== undefined) {
      const exit = await this.child.exited;
      await Promise.race([this.childExitEvent, sleep(EXIT_GRACE_MS)]);
      return exitStatus(exit);
    }
    if (this.processes !== undefined) {
      await this.processes.empty;
      return 0;
    }
    return new Promise<number>(() => undefined); // --all: only Ctrl-C or the server ends it
  }

  /**
   * The stream ended under us: stopped by someone else (OK) or failed. The child keeps running
   * untraced; wait for it so it does not lose its terminal, then report.
   */
  private async afterStreamEnd(end: StreamEnd): Promise<number> {
    if (end.kind === 'failed') reportError(end.error);
    else process.stderr.write('sctrace: the trace was stopped by the server\n');
    const childCode = this.child ? await Promise.race([this.child.exited.then(exitStatus), this.interrupts.received.then(signalExitCode)]) : 0;
    return end.kind === 'failed' ? 1 : childCode;
  }

  /** A reader that went away (EPIPE) is a normal end; any other write error is reported. */
  private afterOutputFailure(error: Error): number {
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') process.stderr.write(`sctrace: writing the trace: ${error.message}\n`);
    return 1;
  }

  /** StopTrace (unless the server already ended the trace), then let queued events drain. */
  private async stop(traceId: string, pump: EventPump): Promise<void> {
    const end = pump.settled ? await pump.ended : undefined;
    if (end?.kind !== 'ended') {
      try {
        await this.connection.stopTrace(traceId);
      } catch (err) {
        if (!(err instanceof RpcError && err.code === grpc.status.NOT_FOUND)) reportError(err);
      }
    }
    await Promise.race([pump.ended, sleep(DRAIN_MS)]);
    pump.cancel();
  }
}
