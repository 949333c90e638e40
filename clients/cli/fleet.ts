/**
 * `sctrace --server A,B,C trace ...`: the same trace on every node, the streams merged into one
 * output (text lines prefixed with `[node] `, JSON objects with a "node" field), in the order the
 * events arrive, each node's own events in their order.
 *
 * Each node is on its own: its stream resumes by itself after a dropped connection (the client
 * library), a node whose service restarted (its trace is gone) gets the trace started again and
 * says so, and a node that fails for good is reported while the others go on. Ctrl-C stops the
 * trace on every node, then lets what they still send arrive before it exits.
 */
import { status } from '@grpc/grpc-js';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { StreamEventsResponse__Output } from '../../src/api/generated/sctrace/v1/StreamEventsResponse';
import type { EventSubscription, RpcError } from '../ts';
import { isTransient } from '../ts';
import { CliError, UsageError, sleep } from './command';
import { connectTo, type TracerConnection } from './client';
import type { CredentialOptions } from './credentials';
import { Interrupts, signalExitCode } from './interrupts';
import { Output } from './output';
import { EventPrinter } from './printer';
import { printerOptions, type TraceOptions } from './trace-args';
import { EventFilter } from './filter';

/** After StopTrace everywhere, how long queued events may take to arrive. */
const DRAIN_MS = 2_000;
/** Between attempts to start the trace again on a node whose service came back. */
const RESTART_DELAYS_MS = [200, 500, 1000, 2000, 5000];
/** A node that cannot start the trace again for this long is given up. */
const RESTART_GIVE_UP_MS = 120_000;

/** One node of the fleet: its connection, its trace and its stream. */
class Node {
  name: string;
  traceId = '';
  subscription: EventSubscription | undefined;
  printer: EventPrinter;
  /** Running, being restarted, stopped (by us), or failed for good. */
  state: 'starting' | 'running' | 'restarting' | 'stopped' | 'failed' = 'starting';
  /** Resolves when this node's stream is over, whatever the reason. */
  done: Promise<void>;
  private finish!: () => void;

  /** The service runs on this machine (a unix socket or a loopback address). */
  readonly local: boolean;

  constructor(
    readonly address: string,
    readonly connection: TracerConnection,
    options: TraceOptions,
  ) {
    this.name = address;
    this.local = /^(unix:|localhost:|127\.|\[::1\]:)/.test(address);
    this.printer = newPrinter(options);
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  settle(state: 'stopped' | 'failed'): void {
    this.state = state;
    this.finish();
  }
}

function newPrinter(options: TraceOptions): EventPrinter {
  return new EventPrinter(printerOptions(options.display));
}

/** Runs `trace` on every server of `addresses`; resolves to the exit code. */
export async function runFleetTrace(options: TraceOptions, addresses: string[], credentials: CredentialOptions): Promise<number> {
  if (options.command.length > 0) {
    throw new UsageError(
      'trace -- CMD runs CMD on this machine, so it takes one server; with several, trace --all (with filters) or --pid',
      'trace',
    );
  }
  const d = options.display;
  if (d.outputSeparately) throw new UsageError('-ff writes one file per thread of this machine; with several servers, use -o FILE', 'trace');
  const output = Output.open(d.outFile, { append: d.append });
  const interrupts = new Interrupts();
  // Credentials first, for every node: a bad flag stops the command before any trace starts.
  const connections = addresses.map((address) => connectTo(address, credentials));
  const nodes = addresses.map((address, i) => new Node(address, connections[i], options));
  try {
    return await new Fleet(nodes, options, output, interrupts).run();
  } finally {
    interrupts.dispose();
    for (const node of nodes) node.connection.close();
    await output.close();
  }
}

class Fleet {
  private waitingForDrain = false;
  private stopping = false;
  /** Which events are printed (-e status=, -P), the same on every node. */
  private readonly filter: EventFilter;

  constructor(
    private readonly nodes: Node[],
    private readonly options: TraceOptions,
    private readonly output: Output,
    private readonly interrupts: Interrupts,
  ) {
    this.filter = new EventFilter(options.display);
  }

  async run(): Promise<number> {
    await Promise.all(this.nodes.map((node) => this.name(node)));
    await Promise.all(this.nodes.map((node) => this.start(node)));
    const running = this.nodes.filter((n) => n.state === 'running');
    if (running.length === 0) throw new CliError(`the trace could not be started on any of the ${this.nodes.length} servers`);
    note(`trace started on ${running.map((n) => `${n.name} (${n.traceId})`).join(', ')}; Ctrl-C to stop`);
    const allDone = Promise.all(this.nodes.map((n) => n.done));
    const outcome = await Promise.race([
      this.interrupts.received.then((signal) => ({ kind: 'signal' as const, signal })),
      allDone.then(() => ({ kind: 'done' as const })),
      this.output.failed.then((error) => ({ kind: 'output' as const, error })),
    ]);
    await this.stopAll();
    if (outcome.kind === 'signal') return signalExitCode(outcome.signal);
    if (outcome.kind === 'output') {
      if ((outcome.error as NodeJS.ErrnoException).code !== 'EPIPE') note(`writing the trace: ${outcome.error.message}`);
      return 1;
    }
    return this.nodes.every((n) => n.state === 'failed') ? 1 : 0;
  }

  /** The node's own name (GetCapabilities), for the prefixes; its address if it does not answer. */
  private async name(node: Node): Promise<void> {
    try {
      const caps = await node.connection.getCapabilities();
      if (caps.node) node.name = caps.node;
    } catch {
      // StartTrace will report what is wrong with this server.
    }
  }

  private async start(node: Node): Promise<void> {
    const spec = this.options.spec;
    try {
      const started = await node.connection.startTrace(spec);
      node.traceId = started.trace_id;
      if (started.node) node.name = started.node;
      node.state = 'running';
      this.subscribe(node);
    } catch (err) {
      note(`${node.name}: ${(err as Error).message}; going on without it`);
      node.settle('failed');
    }
  }

  /** Streams the node's trace from its first event (so nothing since StartTrace is missed). */
  private subscribe(node: Node): void {
    const subscription = node.connection.streamEvents(node.traceId, 1, `${node.name}: `);
    node.subscription = subscription;
    if (this.waitingForDrain) subscription.pause();
    subscription.on('data', (batch: StreamEventsResponse__Output) => this.print(node, batch.events));
    subscription.on('end', () => {
      if (node.state === 'running' && !this.stopping) note(`${node.name}: trace ${node.traceId} was stopped on the server`);
      node.settle('stopped');
    });
    subscription.on('error', (err: RpcError) => void this.onStreamError(node, err));
  }

  private async onStreamError(node: Node, err: RpcError): Promise<void> {
    if (this.stopping) return node.settle('stopped');
    if (err.code === status.NOT_FOUND) {
      // The service forgot the trace: it restarted (or stopped the trace after its idle timeout).
      note(`${node.name}: trace ${node.traceId} is gone (the service restarted?); starting it again there — what happened on ${node.name} meanwhile is not traced`);
      await this.restart(node);
      return;
    }
    note(`${node.name}: ${err.message}; going on without it`);
    node.settle('failed');
  }

  /** Starts the trace again on `node`, retrying while its service is unreachable. */
  private async restart(node: Node): Promise<void> {
    node.state = 'restarting';
    const since = Date.now();
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        const started = await node.connection.startTrace(this.options.spec);
        node.traceId = started.trace_id;
        node.printer = newPrinter(this.options); // the new trace's fds and processes start afresh
        node.state = 'running';
        note(`${node.name}: trace started again (${node.traceId})`);
        this.subscribe(node);
        return;
      } catch (err) {
        const code = (err as RpcError).code;
        if (!isTransient(code) || Date.now() - since > RESTART_GIVE_UP_MS) {
          note(`${node.name}: cannot start the trace again: ${(err as Error).message}; going on without it`);
          node.settle('failed');
          return;
        }
        await sleep(RESTART_DELAYS_MS[Math.min(attempt, RESTART_DELAYS_MS.length - 1)]);
      }
    }
    node.settle('stopped');
  }

  private print(node: Node, events: Event__Output[]): void {
    let full = false;
    const json = this.options.display.format === 'json';
    const prefix = `[${node.name}] `;
    const field = `{"node":${JSON.stringify(node.name)},`;
    for (const event of events) {
      // On this machine the CLI's own output would be traced too, and print more of itself.
      if (node.local && event.task?.pid === process.pid) continue;
      if (!this.filter.accept(event)) {
        node.printer.skip(event);
        continue;
      }
      for (const { text } of node.printer.lines(event)) {
        const tagged = json ? (text.startsWith('{"') ? field + text.slice(1) : text) : prefix + text;
        if (!this.output.writeLine(tagged)) full = true;
      }
    }
    if (full && !this.waitingForDrain) {
      // A slow destination pauses every node: the services hold what comes meanwhile.
      this.waitingForDrain = true;
      for (const n of this.nodes) n.subscription?.pause();
      this.output.onDrain(() => {
        this.waitingForDrain = false;
        for (const n of this.nodes) n.subscription?.resume();
      });
    }
  }

  /** StopTrace on every running node, then the rest of their streams, then cancel. */
  private async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.nodes.map(async (node) => {
        if (node.state !== 'running' && node.state !== 'restarting') return;
        try {
          await node.connection.stopTrace(node.traceId);
        } catch (err) {
          if ((err as RpcError).code !== status.NOT_FOUND) note(`${node.name}: ${(err as Error).message}`);
        }
      }),
    );
    await Promise.race([Promise.all(this.nodes.map((n) => n.done)), sleep(DRAIN_MS)]);
    for (const node of this.nodes) node.subscription?.cancel();
  }
}

function note(message: string): void {
  process.stderr.write(`sctrace: ${message}\n`);
}
