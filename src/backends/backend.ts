/**
 * The one interface every capture backend implements (ebpf, kmod, and the fake used by unit tests).
 * The rest of the service only sees these types and never knows which backend runs a trace.
 *
 * Lifecycle, as in falcosecurity/libs' engine vtable: `availability()` is cheap and may be called
 * at any time; `open()` loads, configures and attaches the kernel side and starts delivering to the
 * sink; `stats()` may be called at any time until `close()`; `close()` detaches every kernel
 * program and frees every kernel object, is idempotent, and after it resolves the sink is never
 * called again.
 */
import type { Event } from '../api/generated/sctrace/v1/Event';
import type { Rendering } from '../syscalls/types';

/** Names a backend answers to in TraceSpec.backend and GetCapabilities. */
export type BackendName = 'ebpf' | 'kmod';

/** All real backends, in the order `auto` tries them. */
export const BACKEND_ORDER: readonly BackendName[] = ['ebpf', 'kmod'];

/** Whether a backend can run here, and if not, why (a sentence a user can act on). */
export interface Availability {
  available: boolean;
  reason: string;
}

/**
 * A validated trace spec in the form the kernel side needs: syscall names resolved to numbers,
 * defaults applied. Empty arrays do not restrict.
 */
export interface CaptureSpec {
  /** Syscall numbers to trace; null traces every syscall. */
  syscalls: number[] | null;
  /** Thread-group ids to trace. */
  pids: number[];
  /** Also trace processes forked by traced processes after the start. */
  followChildren: boolean;
  /** Task names (at most 15 bytes each). */
  comms: string[];
  /** Real uids. */
  uids: number[];
  /** cgroup v2 ids. */
  cgroupIds: bigint[];
  /** Deliver exec/fork/exit events. */
  processEvents: boolean;
  /** Deliver context switches of the traced tasks. */
  schedEvents?: boolean;
  /** Deliver the signals delivered to the traced tasks (and those they ignore, as strace shows them). */
  signalEvents?: boolean;
  /** Longest string argument delivered, 1..4096. */
  stringMaxBytes: number;
  /** First bytes of data buffers (read, write, ...) to deliver, 0..4096; 0 delivers none. */
  bufferBytes: number;
  /** Deliver execve's environment strings, not only their count. */
  execEnv: boolean;
  /** Thread-group ids never traced (the service itself). */
  excludePids: number[];
  /**
   * Bytes of the backend's shared ring this trace is guaranteed while the ring is under pressure
   * (TraceSpec.ring_bytes); 0: an even share of what no trace asked for.
   */
  ringBytes: number;
  /** How the trace's values render (TraceSpec.rendering); strace's defaults when absent. */
  rendering?: Rendering;
  /**
   * Keep the fd table exact (Rendering.fd_paths, fd_details): also capture the fd- and
   * cwd-changing calls `syscalls` leaves out, for the table only (fdeffects.ts fdTrackingSyscalls).
   */
  trackFds?: boolean;
}

/** Where events were lost before they reached the trace. */
export type LossSite = 'kernel' | 'decode';

/**
 * Receives what a capture session produces. Calls come on the main thread, in order. Events carry
 * no `sequence`: the trace numbers them. The sink owns the event objects it is given, unless it
 * says it only borrows them (`borrowsEvents`).
 */
export interface CaptureSink {
  /** A batch of decoded events, oldest first. */
  events(batch: Event[]): void;
  /**
   * Set when events() reads its events only until it returns and sets nothing on them but
   * `sequence` (optional): a kernel pass then hands every such sink the same objects instead of
   * a copy of each event per sink (32 traces wanting a record made 31 copies of it).
   */
  readonly borrowsEvents?: boolean;
  /** `count` events were lost at `site` since the last call. */
  lost(count: number, site: LossSite): void;
  /** The session cannot go on (e.g. corrupt records); it has already detached itself. */
  failed(error: Error): void;
  /**
   * How many more events the sink can take now without dropping them (optional). A backend may
   * read at most this many and leave the rest in its kernel buffer, so an overloaded consumer
   * costs no decoding of events it would drop anyway: the buffer's overflow is counted there and
   * reported through lost(…, 'kernel').
   */
  demand?(): number;
}

/** Counters of one capture session since it was opened. */
export interface CaptureStats {
  /** Events delivered to the sink. */
  received: number;
  /** Records the kernel side could not deliver (ring full, tables full). */
  lostKernel: number;
  /** Records that could not be decoded. */
  decodeErrors: number;
  /**
   * lostKernel by cause, where the backend counts them: `ring` (no room), `budget` (the shared
   * ring was under pressure and this trace had used its share), `paused` (its consumers were
   * full), `inflight` (no in-flight slot for the call).
   */
  lostKernelCauses?: Record<'ring' | 'budget' | 'paused' | 'inflight', number>;
}

/** One running capture: the kernel side of one trace. */
export interface CaptureSession {
  /** How the kernel side captures, in a few words for the service log (optional). */
  readonly detail?: string;
  stats(): CaptureStats;
  /** Detaches every program and frees every kernel object. Idempotent. */
  close(): Promise<void>;
}

/** How full a backend's ring is (the one ring its traces share). */
export interface RingFill {
  /** Bytes the kernel side has committed that user space has not read yet. */
  pendingBytes: number;
  /** The ring's size, bytes. */
  sizeBytes: number;
}

/** A capture backend. */
export interface CaptureEngine {
  readonly name: BackendName;
  availability(): Availability;
  /** The ring's fill now; undefined while no trace runs (the ring is not loaded). For metrics. */
  ringFill?(): RingFill | undefined;
  /**
   * Loads and attaches the kernel side for `spec` and starts delivering to `sink`. Rejects with a
   * BackendError saying which step failed and why; a half-built session is torn down first.
   */
  open(spec: CaptureSpec, sink: CaptureSink): Promise<CaptureSession>;
}
