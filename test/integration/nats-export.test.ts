/**
 * The JetStream side of `sctrace export` against a real nats-server (started here on loopback):
 * the stream is created with its subjects, batches carry their Nats-Msg-Id, a retried publish is
 * stored once, an exporter that restarts finds where it stopped, and a restart of nats-server in
 * the middle of an export loses and duplicates nothing. A consumer reads the stream back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import { DEFAULT_STREAM, JetStreamPublisher, decodeBatch, traceSubject } from '../../clients/export/jetstream';
import { pumpMessages } from '../../clients/export/pump';
import { relayMessage, type RelayMessage } from '../../clients/export/source';
import { decodeStreamEventsResponse } from '../../clients/ts';
import { EventEncoder } from '../../src/api/wire/events';
import { natsServerUnavailableReason, startNatsServer } from '../helpers/nats-server';
import { skipUnlessPossible } from '../helpers/privileges';

const encoder = new EventEncoder();

/**
 * Events first..last as a trace would number them, as the StreamEventsResponse messages of a
 * stream (500 events each); every 1000th is an EventsLost notice.
 */
async function* syntheticMessages(first: number, last: number, at?: { seq: number; run: () => void }): AsyncGenerator<RelayMessage> {
  for (let from = first; from <= last; from += 500) {
    if (at && at.seq >= from && at.seq < from + 500) at.run();
    // Paced a little, as a trace is, so the export is still going on when nats-server restarts.
    await new Promise((r) => setTimeout(r, 1));
    const batch: Event[] = [];
    for (let seq = from; seq < Math.min(from + 500, last + 1); seq++) batch.push(synthetic(seq));
    yield relayMessage(encoder.encodeResponse({ events: batch }), decodeStreamEventsResponse);
  }
}

function synthetic(seq: number): Event {
  return seq % 1000 === 0
      ? { sequence: String(seq), timestamp_ns: '1', kind: 'lost', lost: { count: 7, where: 'kernel' } }
      : {
          sequence: String(seq),
          timestamp_ns: String(1_700_000_000_000_000_000n + BigInt(seq)),
          kind: 'syscall',
          task: { pid: 42, tid: 42, ppid: 1, uid: 0, gid: 0, comm: 'synthetic', cgroup_id: '1' },
          syscall: { nr: 110, name: 'getppid', ret: '1', args: [], decoded: [], arch: 'x86_64' },
        };
}

/** Every event sequence in the stream for `subject`, in stream order, and the messages' ids. */
async function readBack(url: string, subject: string) {
  const nc = await connect({ servers: url });
  try {
    const js = jetstream(nc);
    const consumer = await js.consumers.get(DEFAULT_STREAM, { filter_subjects: subject });
    const info = await (await jetstreamManager(nc)).streams.info(DEFAULT_STREAM, { subjects_filter: subject });
    const total = info.state.subjects?.[subject] ?? 0;
    const sequences: number[] = [];
    const ids: string[] = [];
    let lost = 0;
    const messages = await consumer.consume();
    let seen = 0;
    for await (const m of messages) {
      ids.push(m.headers?.get('Nats-Msg-Id') ?? '');
      for (const e of decodeBatch(m.data).events) {
        sequences.push(Number(e.sequence));
        if (e.kind === 'lost') lost += Number(e.lost?.count);
      }
      if (++seen === total) break;
    }
    return { sequences, ids, lost, messages: total };
  } finally {
    await nc.close();
  }
}

function assertExactlyOnce(sequences: number[], last: number): void {
  const seen = new Set<number>();
  for (const s of sequences) {
    assert.ok(!seen.has(s), `sequence ${s} stored twice`);
    seen.add(s);
  }
  for (let s = 1; s <= last; s++) assert.ok(seen.has(s), `sequence ${s} missing`);
  assert.equal(seen.size, last);
  assert.deepEqual(sequences, [...sequences].sort((a, b) => a - b), 'stream order is sequence order');
}

test('export into JetStream: stream created, exporter restart resumes, nats-server restart loses and duplicates nothing', async (t) => {
  if (skipUnlessPossible(t, natsServerUnavailableReason())) return;
  const nats = await startNatsServer();
  const lines: string[] = [];
  const target = { servers: nats.url, stream: DEFAULT_STREAM, node: 'node-a.example', traceId: '0123456789ab', log: (l: string) => lines.push(l) };
  const subject = traceSubject(target.node, target.traceId);
  assert.equal(subject, 'sctrace.events.node-a_example.0123456789ab');
  try {
    // First exporter run: events 1..30000, then it stops (as on Ctrl-C or a crash after acks).
    const first = await JetStreamPublisher.open(target);
    assert.ok(lines.some((l) => l.includes('created JetStream stream SCTRACE')), lines.join('\n'));
    assert.equal(await first.lastSequence(), 0);
    const c1 = await pumpMessages(syntheticMessages(1, 30_000), first);
    assert.equal(c1.events, 30_000);
    assert.equal(c1.lastSequence, 30_000);
    // A publish retried after its acknowledgement was lost: same Nats-Msg-Id, stored once.
    assert.equal(await first.publish({ bytes: new Uint8Array([0x0a, 0x00]), first: 1, last: 1, count: 1 }), true, 'a duplicate msg id is not stored');
    await first.close();

    // Second run: finds where the stream ends and continues from there, with nats-server
    // restarted while it publishes.
    const second = await JetStreamPublisher.open(target);
    const resumeAt = (await second.lastSequence()) + 1;
    assert.equal(resumeAt, 30_001);
    let restarted: Promise<void> | undefined;
    const restartMidway = { seq: 60_000, run: () => (restarted = nats.restart(700)) };
    // The source repeats a little of what the first run published: the export skips what the
    // stream holds.
    const c2 = await pumpMessages(syntheticMessages(resumeAt - 250, 120_000, restartMidway), second, { after: resumeAt - 1 }, { batchEvents: 2048, bufferEvents: 16_384 });
    await restarted;
    await second.close();
    assert.equal(c2.events, 90_000);
    assert.equal(c2.announcedLost, 90 * 7);
    assert.ok(lines.some((l) => /NATS unavailable while publishing/.test(l)), `publishes met the outage:\n${lines.join('\n')}`);
    assert.ok(lines.some((l) => /NATS is back/.test(l)), lines.join('\n'));

    const back = await readBack(nats.url, subject);
    assertExactlyOnce(back.sequences, 120_000);
    assert.equal(back.lost, 120 * 7, 'EventsLost notices are stored as the events they are');
    assert.equal(back.ids[0], 'node-a.example/0123456789ab/1', 'Nats-Msg-Id: node/trace/first sequence');
    assert.ok(back.ids.every((id, i) => i === 0 || id !== back.ids[i - 1]));
  } finally {
    await nats.stop();
  }
});
