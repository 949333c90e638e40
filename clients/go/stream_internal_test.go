package sctrace

// EventStream's sequence check on hand-made batches: what a reconnection can produce.

import (
	"testing"

	pb "github.com/sctrace/sctrace/clients/go/sctracev1"
)

func sys(seq uint64) *pb.Event {
	return &pb.Event{Sequence: seq, Kind: &pb.Event_Syscall{Syscall: &pb.SyscallEvent{Name: "getppid"}}}
}

func lost(seq, count uint64, where string) *pb.Event {
	return &pb.Event{Sequence: seq, Kind: &pb.Event_Lost{Lost: &pb.EventsLost{Count: count, Where: where}}}
}

type seen struct {
	seq   uint64
	lost  uint64
	where string
}

func run(s *EventStream, batch ...*pb.Event) []seen {
	var out []seen
	for _, e := range s.checked(batch) {
		out = append(out, seen{e.Sequence, e.GetLost().GetCount(), e.GetLost().GetWhere()})
	}
	return out
}

func equal(t *testing.T, got, want []seen) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestSequenceCheck(t *testing.T) {
	fromNow := &EventStream{}
	equal(t, run(fromNow, sys(7), sys(8)), []seen{{7, 0, ""}, {8, 0, ""}})
	if fromNow.next != 9 {
		t.Fatalf("next %d", fromNow.next)
	}
	resumed := &EventStream{next: 5}
	equal(t, run(resumed, sys(3), sys(4), sys(5)), []seen{{5, 0, ""}})
	covered := &EventStream{next: 1}
	equal(t, run(covered, sys(1), lost(4, 3, "subscriber"), sys(5)), []seen{{1, 0, ""}, {4, 3, "subscriber"}, {5, 0, ""}})
	gap := &EventStream{next: 10}
	equal(t, run(gap, sys(13)), []seen{{12, 3, "unannounced"}, {13, 0, ""}})
	if gap.next != 14 {
		t.Fatalf("next %d", gap.next)
	}
}
