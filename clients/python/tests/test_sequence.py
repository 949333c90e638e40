"""EventStream's sequence check, on hand-made batches: what a reconnection can produce."""

import sctrace
from sctrace import pb


def syscall(seq: int) -> pb.Event:
    return pb.Event(sequence=seq, syscall=pb.SyscallEvent(name="getppid"))


def lost(seq: int, count: int, where: str) -> pb.Event:
    return pb.Event(sequence=seq, lost=pb.EventsLost(count=count, where=where))


def checked(stream: sctrace.EventStream, batch):
    return [(e.sequence, e.WhichOneof("kind"), e.lost.count if e.HasField("lost") else None) for e in stream._checked(batch)]


def stream(from_sequence: int = 0) -> sctrace.EventStream:
    return sctrace.EventStream(client=None, trace_id="t", from_sequence=from_sequence)  # type: ignore[arg-type]


def test_from_now_takes_the_first_sequence():
    s = stream()
    assert checked(s, [syscall(7), syscall(8)]) == [(7, "syscall", None), (8, "syscall", None)]
    assert s.next_sequence == 9


def test_events_already_yielded_are_dropped():
    s = stream(5)
    assert checked(s, [syscall(3), syscall(4), syscall(5)]) == [(5, "syscall", None)]
    assert s.next_sequence == 6


def test_a_loss_notice_covers_the_numbers_it_replaces():
    s = stream(1)
    assert checked(s, [syscall(1), lost(4, 3, "subscriber"), syscall(5)]) == [
        (1, "syscall", None), (4, "lost", 3), (5, "syscall", None)]


def test_an_unannounced_gap_is_announced_by_the_client():
    s = stream(10)
    out = s._checked([syscall(13)])
    assert [(e.sequence, e.WhichOneof("kind")) for e in out] == [(12, "lost"), (13, "syscall")]
    assert out[0].lost.count == 3 and out[0].lost.where == "unannounced"
    assert s.next_sequence == 14
