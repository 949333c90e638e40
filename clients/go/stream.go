package sctrace

import (
	"context"
	"io"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "github.com/sctrace/sctrace/clients/go/sctracev1"
)

// StallIntervals: a stream silent for this many heartbeat intervals is taken for a dead
// connection, cut and resumed.
const StallIntervals = 3

// Backoff is how an EventStream waits between reconnection attempts: exponential, with jitter.
type Backoff struct {
	// Initial wait (default 100 ms) and longest wait (default 5 s).
	Initial, Max time.Duration
	// Multiplier per attempt (default 2).
	Multiplier float64
	// Jitter randomises each wait by up to this fraction (default 0.2).
	Jitter float64
	// GiveUpAfter: the last error is returned after failing to reconnect for this long
	// (default 60 s; negative: never).
	GiveUpAfter time.Duration
}

func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = 100 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 5 * time.Second
	}
	if b.Multiplier < 1 {
		b.Multiplier = 2
	}
	if b.Jitter <= 0 {
		b.Jitter = 0.2
	}
	if b.GiveUpAfter == 0 {
		b.GiveUpAfter = 60 * time.Second
	}
	return b
}

// StreamOptions of Client.Events.
type StreamOptions struct {
	// FromSequence: 0 starts with the next event the trace records; N >= 1 with event N.
	FromSequence uint64
	// NoReconnect returns the first stream error instead of resuming.
	NoReconnect bool
	Backoff     Backoff
}

// EventStream iterates a trace's events in sequence order, reconnecting by itself.
//
// After a reconnection it asks for the next sequence (StreamEventsRequest.from_sequence), drops
// what it already returned, and if a number is still skipped without an EventsLost covering it,
// returns an EventsLost of its own (Where "unannounced", the sequence of the last event it stands
// for), so a gap is never silent. Heartbeats are not returned: they say where "now" is for
// FromSequence 0, and a stream silent for StallIntervals heartbeat intervals is cut and resumed.
type EventStream struct {
	client  *Client
	ctx     context.Context
	traceID string
	opts    StreamOptions

	next       uint64
	reconnects int
	latest     uint64
	queued     uint64
	pending    []*pb.Event

	mu       sync.Mutex
	cancel   context.CancelFunc
	closed   bool
	stalled  bool
	lastRecv atomic.Int64
	interval atomic.Int64
	watching bool
	stream   pb.Tracer_StreamEventsClient
	// conn is this stream's own connection, dialled anew after a stall.
	conn *grpc.ClientConn
}

// Fields set by reflection so the client builds against protos with and without them.
var (
	fromSequenceField   = (&pb.StreamEventsRequest{}).ProtoReflect().Descriptor().Fields().ByName("from_sequence")
	responseFields      = (&pb.StreamEventsResponse{}).ProtoReflect().Descriptor().Fields()
	latestSequenceField = responseFields.ByName("latest_sequence")
	queuedEventsField   = responseFields.ByName("queued_events")
	intervalField       = responseFields.ByName("heartbeat_interval_ms")
)

// Events opens an EventStream; ctx ends it.
func (c *Client) Events(ctx context.Context, traceID string, opts StreamOptions) *EventStream {
	opts.Backoff = opts.Backoff.withDefaults()
	return &EventStream{client: c, ctx: ctx, traceID: traceID, opts: opts, next: opts.FromSequence}
}

// NextSequence is the sequence the next event must have (0 until the server says where "now" is).
func (s *EventStream) NextSequence() uint64 { return s.next }

// Reconnects counts the reconnections so far.
func (s *EventStream) Reconnects() int { return s.reconnects }

// LatestSequence and QueuedEvents are the last heartbeat's figures.
func (s *EventStream) LatestSequence() uint64 { return s.latest }
func (s *EventStream) QueuedEvents() uint64   { return s.queued }

// Next returns the next event; io.EOF once the trace stopped, an *Error when the trace is gone
// or the server stays unreachable longer than Backoff.GiveUpAfter, ctx's error when it ends.
func (s *EventStream) Next() (*pb.Event, error) {
	for len(s.pending) == 0 {
		if err := s.fill(); err != nil {
			return nil, err
		}
	}
	ev := s.pending[0]
	s.pending = s.pending[1:]
	return ev, nil
}

// Open subscribes now and returns once the server has answered the subscription (its response
// headers arrived), so nothing started afterwards can be missed, even by a server that streams
// only "from now". Next continues on this call. An unreachable server is an *Error here; a
// subscription the server refused in that answer (an unknown trace) is reported by Next, since
// grpc-go 1.33 does not tell a trailers-only answer from headers.
func (s *EventStream) Open() error {
	if s.stream != nil {
		return nil
	}
	if err := s.open(); err != nil {
		return err
	}
	if _, err := s.stream.Header(); err != nil {
		s.stream = nil
		return wrap("StreamEvents", s.client.Address, err)
	}
	return nil
}

// Close ends the stream.
func (s *EventStream) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.cancel != nil {
		s.cancel()
	}
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
}

// fill receives one response with events (reconnecting as needed) into pending.
func (s *EventStream) fill() error {
	var failingSince time.Time
	delay := s.opts.Backoff.Initial
	for {
		if s.stream == nil {
			if err := s.open(); err != nil {
				return err
			}
		}
		res, err := s.stream.Recv()
		if err == nil {
			s.lastRecv.Store(time.Now().UnixNano())
			failingSince = time.Time{}
			delay = s.opts.Backoff.Initial
			if len(res.Events) > 0 {
				s.pending = s.checked(res.Events)
				if len(s.pending) > 0 {
					return nil
				}
			} else if latestSequenceField != nil {
				s.heartbeat(res)
			}
			continue
		}
		s.stream = nil
		if err == io.EOF {
			s.Close()
			return io.EOF
		}
		if s.ctx.Err() != nil {
			s.Close()
			return s.ctx.Err()
		}
		s.mu.Lock()
		closed, stalled := s.closed, s.stalled
		s.mu.Unlock()
		code := status.Code(err)
		if closed {
			return io.EOF
		}
		if s.opts.NoReconnect || !(code == codes.Unavailable || (stalled && code == codes.Canceled)) {
			e := wrap("StreamEvents", s.client.Address, err).(*Error)
			if code == codes.NotFound && s.reconnects > 0 {
				e.Hint = "the trace is gone from the server (stopped, idle timeout or a service restart) while reconnecting: events from the stream's next sequence on are lost"
			}
			s.Close()
			return e
		}
		if failingSince.IsZero() {
			failingSince = time.Now()
		}
		if s.opts.Backoff.GiveUpAfter > 0 && time.Since(failingSince) > s.opts.Backoff.GiveUpAfter {
			s.Close()
			return wrap("StreamEvents", s.client.Address, err)
		}
		jitter := 1 + s.opts.Backoff.Jitter*(2*rand.Float64()-1)
		select {
		case <-time.After(time.Duration(float64(delay) * jitter)):
		case <-s.ctx.Done():
			s.Close()
			return s.ctx.Err()
		}
		delay = time.Duration(float64(delay) * s.opts.Backoff.Multiplier)
		if delay > s.opts.Backoff.Max {
			delay = s.opts.Backoff.Max
		}
		s.reconnects++
	}
}

func (s *EventStream) open() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return io.EOF
	}
	req := &pb.StreamEventsRequest{TraceId: s.traceID}
	if fromSequenceField != nil {
		req.ProtoReflect().Set(fromSequenceField, protoreflect.ValueOfUint64(s.next))
	}
	if s.stalled && s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
	if s.conn == nil {
		conn, err := s.client.dial()
		if err != nil {
			return err
		}
		s.conn = conn
	}
	ctx, cancel := context.WithCancel(s.ctx)
	stream, err := pb.NewTracerClient(s.conn).StreamEvents(ctx, req)
	if err != nil {
		cancel()
		return wrap("StreamEvents", s.client.Address, err)
	}
	s.cancel, s.stream, s.stalled = cancel, stream, false
	s.lastRecv.Store(time.Now().UnixNano())
	return nil
}

func (s *EventStream) heartbeat(res *pb.StreamEventsResponse) {
	m := res.ProtoReflect()
	s.latest = m.Get(latestSequenceField).Uint()
	if queuedEventsField != nil {
		s.queued = m.Get(queuedEventsField).Uint()
	}
	if s.next == 0 {
		s.next = s.latest + 1
	}
	if intervalField != nil {
		if ms := m.Get(intervalField).Uint(); ms > 0 {
			s.interval.Store(int64(ms) * int64(time.Millisecond))
			s.mu.Lock()
			if !s.watching {
				s.watching = true
				go s.watch()
			}
			s.mu.Unlock()
		}
	}
}

// watch cancels a call that has been silent for StallIntervals heartbeat intervals.
func (s *EventStream) watch() {
	for {
		interval := time.Duration(s.interval.Load())
		time.Sleep(interval)
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		silent := time.Since(time.Unix(0, s.lastRecv.Load()))
		if s.cancel != nil && !s.stalled && silent > StallIntervals*interval {
			s.stalled = true
			s.cancel()
		}
		s.mu.Unlock()
	}
}

// checked drops events already returned and announces gaps nobody announced.
func (s *EventStream) checked(events []*pb.Event) []*pb.Event {
	expected := s.next
	if expected == 0 {
		expected = events[0].Sequence
	}
	out := make([]*pb.Event, 0, len(events))
	for _, ev := range events {
		seq := ev.Sequence
		if seq < expected {
			continue // already returned before a reconnection
		}
		if _, isLost := ev.Kind.(*pb.Event_Lost); seq > expected && !isLost {
			out = append(out, &pb.Event{Sequence: seq - 1, Kind: &pb.Event_Lost{Lost: &pb.EventsLost{Count: seq - expected, Where: "unannounced"}}})
		}
		out = append(out, ev)
		expected = seq + 1
	}
	s.next = expected
	return out
}
