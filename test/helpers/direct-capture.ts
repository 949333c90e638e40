/**
 * A capture without the service: loads the BPF object, configures it (including the extra-read
 * table sct_syscall_reads and the buffer_bytes/exec_env globals, which the service's loader does
 * not fill yet), traces one process and its children, and decodes the records with the real
 * RecordDecoder and catalog. Lets tests check the kernel side's extra reads end to end.
 */
import { BpfObject } from '../../src/backends/ebpf/bpf-object';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { libbpf } from '../../src/backends/ebpf/libbpf';
import { RecordDecoder } from '../../src/backends/ebpf/records';
import { RingReader } from '../../src/backends/ebpf/ringbuf';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import { PER_SYSCALL_PROGRAMS } from '../../src/backends/ebpf/attach-plan';
import { encodeSyscallMeta, encodeSyscallReads, kernelMeta, type SyscallCatalog } from '../../src/syscalls/catalog';

/** What to configure. */
export interface DirectOptions {
  pid: number;
  stringMax?: number;
  bufferBytes?: number;
  execEnv?: boolean;
}

const RING_BYTES = 16 << 20;
/** Scratch slots per CPU (SCT_SCRATCH_SLOTS in bpf/sctrace.bpf.c). */
const SCRATCH_SLOTS = 4;

function u32(value: number): Uint8Array {
  return new Uint8Array(new Uint32Array([value]).buffer);
}

/** A running direct capture; stop() detaches and returns every decoded event. */
export class DirectCapture {
  private readonly events: Event[] = [];
  private readonly decoder: RecordDecoder;
  private readonly ring: RingReader;

  private constructor(
    private readonly obj: BpfObject,
    catalog: SyscallCatalog,
    pid: number,
  ) {
    this.ring = new RingReader(obj.mapFd('sct_events'), RING_BYTES);
    this.decoder = new RecordDecoder(catalog, 0n, [pid]);
  }

  static start(catalog: SyscallCatalog, options: DirectOptions): DirectCapture {
    const obj = BpfObject.open(defaultObjectPath());
    try {
      obj.setReadOnlyGlobals({
        self_tgid: process.pid,
        filter_pids: true,
        follow_children: true,
        filter_syscalls: false,
        filter_comms: false,
        filter_uids: false,
        filter_cgroups: false,
        process_events: true,
        string_max: options.stringMax ?? 256,
        wakeup_bytes: 1n << 20n,
        buffer_bytes: options.bufferBytes ?? 0,
        exec_env: options.execEnv ?? false,
      });
      // Every syscall, so the raw_syscalls programs (src/backends/ebpf/attach-plan.ts).
      for (const name of PER_SYSCALL_PROGRAMS) obj.setAutoload(name, false);
      obj.setMaxEntries('sct_events', RING_BYTES);
      obj.setMaxEntries('sct_scratch', (libbpf().libbpf_num_possible_cpus() as number) * SCRATCH_SLOTS);
      obj.load();
      const tab = obj.mapFd('sct_syscall_tab');
      const reads = obj.mapFd('sct_syscall_reads');
      for (const m of kernelMeta(catalog, null)) {
        obj.update(tab, 'sct_syscall_tab', u32(m.nr), encodeSyscallMeta(m));
        if (m.reads.length > 0) obj.update(reads, 'sct_syscall_reads', u32(m.nr), encodeSyscallReads(m));
      }
      obj.update(obj.mapFd('sct_tgids'), 'sct_tgids', u32(options.pid), Uint8Array.of(1));
      const capture = new DirectCapture(obj, catalog, options.pid);
      obj.attachAll();
      return capture;
    } catch (err) {
      obj.close();
      throw err;
    }
  }

  /** Decodes what the ring holds now. */
  drain(): void {
    while (this.ring.pendingBytes() > 0) {
      const n = this.ring.drain((view, bytes, off, len) => {
        const e = this.decoder.decode(view, bytes, off, len);
        if (e) this.events.push(e);
      }, 65536);
      if (n === 0) break;
    }
  }

  /** Detaches, drains and frees; returns the events. */
  stop(): Event[] {
    this.obj.detachAll();
    this.drain();
    this.ring.close();
    this.obj.close();
    return this.events;
  }
}
