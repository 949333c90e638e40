/**
 * A capture without the gRPC service: the real eBPF engine (its one kernel pass) tracing one
 * process and its children every syscall, decoded with the real catalog, collected in memory.
 * Lets tests check the kernel side's extra reads end to end without the wire in between.
 */
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import type { CaptureSession, CaptureSink } from '../../src/backends/backend';
import { EbpfEngine, defaultObjectPath } from '../../src/backends/ebpf/engine';
import type { SyscallCatalog } from '../../src/syscalls/catalog';

/** What to capture. */
export interface DirectOptions {
  pid: number;
  stringMax?: number;
  bufferBytes?: number;
  execEnv?: boolean;
}

/** A running direct capture; stop() detaches and returns every decoded event. */
export class DirectCapture implements CaptureSink {
  private readonly collected: Event[] = [];
  private session: CaptureSession | undefined;
  private failure: Error | undefined;

  static async start(catalog: SyscallCatalog, options: DirectOptions): Promise<DirectCapture> {
    const engine = new EbpfEngine(
      { objectPath: defaultObjectPath(), ringBytes: 16 << 20, wakeupBytes: 1 << 20, pollIntervalMs: 5, perSyscallMax: 0, maxTraces: 1 },
      catalog,
    );
    const capture = new DirectCapture();
    capture.session = await engine.open(
      {
        syscalls: null,
        pids: [options.pid],
        followChildren: true,
        comms: [],
        uids: [],
        cgroupIds: [],
        processEvents: true,
        stringMaxBytes: options.stringMax ?? 256,
        bufferBytes: options.bufferBytes ?? 0,
        execEnv: options.execEnv ?? false,
        excludePids: [process.pid],
        ringBytes: 0,
      },
      capture,
    );
    return capture;
  }

  events(batch: Event[]): void {
    this.collected.push(...batch);
  }

  lost(count: number, site: string): void {
    this.failure ??= new Error(`direct capture lost ${count} events (${site})`);
  }

  failed(error: Error): void {
    this.failure ??= error;
  }

  /** Detaches, delivers what is left and frees; returns the events (throws if any were lost). */
  async stop(): Promise<Event[]> {
    await this.session?.close();
    if (this.failure) throw this.failure;
    return this.collected;
  }
}
