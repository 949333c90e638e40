/**
 * TraceSet: traces as slots in the kernel pass's filter maps and control block, checked against a
 * kernel side that records what it is told.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaptureSpec } from '../../src/backends/backend';
import { TraceSet, type ControlBlock, type KernelFilters } from '../../src/backends/capture/trace-set';
import { CapacityError } from '../../src/backends/errors';

/** The state a kernel side would hold after the calls. */
class RecordingFilters implements KernelFilters {
  sys = new Map<number, bigint>();
  tgids = new Map<number, bigint>();
  comms = new Map<string, bigint>();
  uids = new Map<number, bigint>();
  cgroups = new Map<bigint, bigint>();
  control: ControlBlock | undefined;
  writes = 0;
  setSyscall(nr: number, traces: bigint): void {
    if (traces === 0n) this.sys.delete(nr);
    else this.sys.set(nr, traces);
  }
  addTgid(tgid: number, traces: bigint): void {
    this.tgids.set(tgid, (this.tgids.get(tgid) ?? 0n) | traces);
  }
  removeFromTgids(traces: bigint): void {
    for (const [k, v] of this.tgids) {
      if ((v & ~traces) === 0n) this.tgids.delete(k);
      else this.tgids.set(k, v & ~traces);
    }
  }
  setComm(comm: string, traces: bigint): void {
    set(this.comms, comm, traces);
  }
  setUid(uid: number, traces: bigint): void {
    set(this.uids, uid, traces);
  }
  setCgroup(id: bigint, traces: bigint): void {
    set(this.cgroups, id, traces);
  }
  writeControl(control: ControlBlock): void {
    this.control = control;
    this.writes++;
  }
}

function set<K>(map: Map<K, bigint>, key: K, traces: bigint): void {
  if (traces === 0n) map.delete(key);
  else map.set(key, traces);
}

function spec(over: Partial<CaptureSpec> = {}): CaptureSpec {
  return {
    syscalls: null,
    pids: [],
    followChildren: false,
    comms: [],
    uids: [],
    cgroupIds: [],
    processEvents: false,
    stringMaxBytes: 256,
    bufferBytes: 0,
    execEnv: false,
    excludePids: [],
    ringBytes: 0,
    ...over,
  };
}

const RING = 1 << 20;

test('each trace is a slot: values map to the traces that list them, *_any to those that do not filter', () => {
  const k = new RecordingFilters();
  const set = new TraceSet(k, { ringBytes: RING, maxTraces: 64 });
  const a = set.add(spec({ syscalls: [1, 2], pids: [10], followChildren: true, processEvents: true }));
  assert.equal(a.slot, 0);
  assert.deepEqual([...k.sys], [[1, 1n], [2, 1n]]);
  assert.deepEqual([...k.tgids], [[10, 1n]]);
  assert.equal(k.control!.active, 1n);
  assert.equal(k.control!.pidAny, 0n);
  assert.equal(k.control!.commAny, 1n);
  assert.equal(k.control!.follow, 1n);
  assert.equal(k.control!.procEvents, 1n);

  const b = set.add(spec({ comms: ['cat'], uids: [0], cgroupIds: [7n], stringMaxBytes: 1024, bufferBytes: 32, execEnv: true }));
  assert.equal(b.slot, 1);
  assert.equal(k.sys.get(1), 0b11n, 'a syscall both want');
  assert.equal(k.sys.get(300), 0b10n, 'a syscall only the every-syscall trace wants');
  assert.equal(k.sys.size, 512);
  assert.deepEqual([...k.comms], [['cat', 2n]]);
  assert.deepEqual([...k.uids], [[0, 2n]]);
  assert.deepEqual([...k.cgroups], [[7n, 2n]]);
  const c = k.control!;
  assert.deepEqual([c.active, c.pidAny, c.commAny, c.uidAny, c.cgroupAny], [0b11n, 0b10n, 0b01n, 0b01n, 0b01n]);
  assert.deepEqual([c.stringMax, c.bufferBytes, c.buffers, c.execEnv], [1024, 32, 0b10n, 0b10n], 'the kernel reads at the largest settings');
  assert.deepEqual(set.maxLimits(), { stringMax: 1024, bufferBytes: 32, execEnv: true });

  // The programs added a followed child of pid 10 for trace a.
  k.addTgid(11, 1n);
  set.remove(a);
  assert.equal(k.sys.get(1), 0b10n);
  assert.deepEqual([...k.tgids], [], "a's pids and the children it followed are gone");
  assert.equal(k.control!.active, 0b10n);
  assert.equal(k.control!.follow, 0n);

  const c2 = set.add(spec({ syscalls: [5] }));
  assert.equal(c2.slot, 0, 'the freed slot is taken again');
  assert.equal(k.sys.get(5), 0b11n);
  set.remove(b);
  set.remove(c2);
  assert.deepEqual([...k.sys], [], 'no syscall wanted');
  assert.deepEqual([k.comms.size, k.uids.size, k.cgroups.size], [0, 0, 0]);
  assert.equal(k.control!.active, 0n);
});

test('ring budgets: even shares, requests honoured, over-asking refused with nothing written', () => {
  const k = new RecordingFilters();
  const set = new TraceSet(k, { ringBytes: RING, maxTraces: 64 });
  const share = Math.floor((RING * 3) / 8);
  const a = set.add(spec());
  assert.equal(k.control!.budgets[a.slot], share);
  assert.equal(k.control!.pressureBytes, RING / 2);
  const b = set.add(spec({ ringBytes: 100_000 }));
  assert.equal(k.control!.budgets[b.slot], 100_000);
  assert.equal(k.control!.budgets[a.slot], share - 100_000);
  const control = k.control;
  assert.throws(() => set.add(spec({ ringBytes: share })), CapacityError);
  assert.deepEqual(k.control, control, 'the refused trace changed nothing');
  assert.equal(set.size, 2);
  assert.equal(k.control!.budgets[a.slot], share - 100_000, 'budgets unchanged');
});

test('slots are bounded by maxTraces', () => {
  const set = new TraceSet(new RecordingFilters(), { ringBytes: RING, maxTraces: 2 });
  set.add(spec());
  set.add(spec());
  assert.throws(() => set.add(spec()), /all 2 trace slots/);
  assert.throws(() => new TraceSet(new RecordingFilters(), { ringBytes: RING, maxTraces: 65 }), /1 to 64/);
});

test('a trace whose entries cannot all be written leaves none behind', () => {
  const k = new RecordingFilters();
  const set = new TraceSet(k, { ringBytes: RING, maxTraces: 64 });
  const a = set.add(spec({ pids: [10], comms: ['cat'] }));
  const original = k.setUid.bind(k);
  k.setUid = () => {
    throw new Error('update map sct_uids: E2BIG (the table is full)');
  };
  assert.throws(() => set.add(spec({ pids: [20], comms: ['cat', 'ls'], uids: [7], syscalls: [3] })), /E2BIG/);
  k.setUid = original;
  assert.deepEqual([...k.tgids], [[10, 1n]], "the failed trace's pid is gone");
  assert.deepEqual([...k.comms], [['cat', 1n]], 'its comms are gone, the first trace keeps its own');
  assert.equal(k.sys.get(3), 1n, 'only the first trace wants syscall 3');
  assert.equal(k.control!.active, a.bit);
  assert.equal(set.add(spec()).slot, 1, 'its slot is free');
});
