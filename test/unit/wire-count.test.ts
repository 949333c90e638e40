/** bench/lib/wire.ts: events walked and counted from encoded StreamEventsResponse bytes (the bench and the soak test count with it). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEncoder } from '../../src/api/wire/events';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import { countMessage, emptyCounts, forEachEvent, type WireEvent } from '../../bench/lib/wire';

const task = { pid: 7, tid: 7, ppid: 1, uid: 0, gid: 0, comm: 'x', cgroup_id: '1' };
const events: Event[] = [
  { sequence: 1, task, syscall: { nr: 110, name: 'getppid', ret: '1' }, kind: 'syscall' },
  { sequence: 2, task, syscall: { nr: 0, name: 'read', ret: '3' }, kind: 'syscall' },
  { sequence: 3, lost: { count: 40, where: 'kernel' }, kind: 'lost' },
  { sequence: 9, lost: { count: 6, where: 'subscriber' }, kind: 'lost' },
  { sequence: 10, task, exit: { exit_code: 0 }, kind: 'exit' },
];

test('forEachEvent sees each event with its sequence, kind, syscall number and loss', () => {
  const bytes = new EventEncoder().encodeResponse({ events });
  const seen: WireEvent[] = [];
  forEachEvent(bytes, (e) => seen.push({ ...e }));
  assert.deepEqual(
    seen.map((e) => [e.sequence, e.kind, e.nr, e.lostCount, e.lostWhere]),
    [[1, 10, 110, 0, ''], [2, 10, 0, 0, ''], [3, 14, -1, 40, 'kernel'], [9, 14, -1, 6, 'subscriber'], [10, 13, -1, 0, '']],
  );
  const counts = emptyCounts();
  countMessage(bytes, counts, 110);
  assert.deepEqual(
    [counts.events, counts.syscalls, counts.watched, counts.exit, counts.notices, counts.lostKernel, counts.lostSubscriber, counts.lastSequence, counts.sequenceErrors],
    [3, 2, 1, 1, 2, 40, 6, 10, 0],
  );
});
