package sctrace_test

// Tests against a live sctraced (real eBPF, real gRPC over real sockets). They need root and
// BTF; without them they skip saying why, and fail instead when CI=true.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	sctrace "github.com/sctrace/sctrace/clients/go"
	pb "github.com/sctrace/sctrace/clients/go/sctracev1"
	"google.golang.org/protobuf/reflect/protoreflect"
)

const workloadEnv = "SCTRACE_GO_TEST_WORKLOAD"

// TestMain doubles as the workload: with SCTRACE_GO_TEST_WORKLOAD="CALLS PER_MS" the test binary
// makes CALLS getppid calls, PER_MS per millisecond (0: flat out), and exits.
func TestMain(m *testing.M) {
	if spec := os.Getenv(workloadEnv); spec != "" {
		var calls, perMs int
		fmt.Sscan(spec, &calls, &perMs)
		next := time.Now()
		for i := 0; i < calls; i++ {
			syscall.Getppid()
			if perMs > 0 && i%perMs == perMs-1 {
				next = next.Add(time.Millisecond)
				time.Sleep(time.Until(next))
			}
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func repoRoot(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	real, err := filepath.EvalSymlinks(wd)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(real, "..", "..")
}

func requireLive(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	reason := ""
	switch {
	case os.Geteuid() != 0:
		reason = "needs root (CAP_BPF, CAP_PERFMON) for sctraced to load eBPF programs"
	case !exists("/sys/kernel/btf/vmlinux"):
		reason = "kernel has no BTF (/sys/kernel/btf/vmlinux)"
	case !exists(filepath.Join(root, "dist/src/main.js")) || !exists(filepath.Join(root, "bpf/build/sctrace.bpf.o")):
		reason = "sctrace is not built (npm run build)"
	}
	if reason != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot run under CI=true: %s", reason)
		}
		t.Skip(reason)
	}
	return root
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

type service struct {
	socket, address string
	cmd             *exec.Cmd
	mu              sync.Mutex
	log             strings.Builder
}

// startService runs sctraced on a socket in a temporary directory until the test ends.
func startService(t *testing.T, args ...string) *service {
	root := requireLive(t)
	dir := t.TempDir()
	s := &service{socket: filepath.Join(dir, "sctrace.sock")}
	s.address = "unix:" + s.socket
	s.cmd = exec.Command("node", append([]string{filepath.Join(root, "dist/src/main.js"), "--listen", s.address}, args...)...)
	out, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Stdout = s.cmd.Stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start sctraced: %v", err)
	}
	listening := make(chan struct{})
	go func() {
		once := sync.Once{}
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s.mu.Lock()
			s.log.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if strings.Contains(sc.Text(), "listening on") {
				once.Do(func() { close(listening) })
			}
		}
	}()
	select {
	case <-listening:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		t.Fatalf("sctraced did not listen within 20 s:\n%s", s.logText())
	}
	t.Cleanup(func() {
		s.cmd.Process.Signal(os.Interrupt)
		if err := s.cmd.Wait(); err != nil {
			t.Errorf("sctraced: %v\n%s", err, s.logText())
		}
	})
	return s
}

// dial connects a plaintext client, closed when the test ends.
func dial(t *testing.T, address string) *sctrace.Client {
	t.Helper()
	c, err := sctrace.Dial(address, sctrace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func (s *service) logText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

type stopped struct {
	pid int
	cmd *exec.Cmd
}

// startStopped runs the getppid workload stopped (SIGSTOP before exec), so a trace can be set up first.
func startStopped(t *testing.T, calls, perMs int) *stopped {
	cmd := exec.Command("/bin/sh", "-c", `kill -STOP $$; exec "$0" "$@"`, os.Args[0])
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d %d", workloadEnv, calls, perMs))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &stopped{pid: cmd.Process.Pid, cmd: cmd}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(5 * time.Second)
	for state(w.pid) != "T" {
		if time.Now().After(deadline) {
			t.Fatalf("process %d did not stop", w.pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return w
}

func (w *stopped) run(t *testing.T) {
	if err := syscall.Kill(w.pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	if err := w.cmd.Wait(); err != nil {
		t.Fatalf("workload: %v", err)
	}
}

func state(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(b)
	return s[strings.LastIndex(s, ")")+2 : strings.LastIndex(s, ")")+3]
}

// collect reads a stream on a goroutine until it ends; onEvent runs after each event.
type collector struct {
	mu     sync.Mutex
	events []*pb.Event
	done   chan error
}

func collect(s *sctrace.EventStream, onEvent func(n int)) *collector {
	c := &collector{done: make(chan error, 1)}
	go func() {
		for {
			ev, err := s.Next()
			if err != nil {
				if err == io.EOF {
					err = nil
				}
				c.done <- err
				return
			}
			c.mu.Lock()
			c.events = append(c.events, ev)
			n := len(c.events)
			c.mu.Unlock()
			if onEvent != nil {
				onEvent(n)
			}
		}
	}()
	return c
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.events)
}

func (c *collector) waitFor(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for c.count() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d events arrived", c.count(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (c *collector) wait(t *testing.T) []*pb.Event {
	t.Helper()
	select {
	case err := <-c.done:
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the stream did not end after StopTrace")
	}
	return c.events
}

func sequences(events []*pb.Event) []uint64 {
	out := make([]uint64, len(events))
	for i, e := range events {
		out[i] = e.Sequence
	}
	return out
}

func checkExact(t *testing.T, events []*pb.Event, calls int) {
	t.Helper()
	if len(events) != calls {
		t.Fatalf("%d events for %d getppid calls", len(events), calls)
	}
	for i, e := range events {
		sc := e.GetSyscall()
		if e.Sequence != uint64(i+1) || sc == nil || sc.Name != "getppid" {
			t.Fatalf("event %d: sequence %d, %v (want sequence %d, getppid)", i, e.Sequence, e, i+1)
		}
	}
}

func TestCallsAndEventsFromNow(t *testing.T) {
	svc := startService(t)
	ctx := context.Background()
	client := dial(t, svc.address)
	caps, err := client.GetCapabilities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if caps.DefaultBackend != "ebpf" {
		t.Fatalf("default backend %q: %v", caps.DefaultBackend, caps)
	}
	const calls = 20000
	w := startStopped(t, calls, 0)
	trace, err := client.StartTrace(ctx, &pb.TraceSpec{Syscalls: []string{"getppid"}, Pids: []uint32{uint32(w.pid)}})
	if err != nil {
		t.Fatal(err)
	}
	events := collect(client.Events(ctx, trace.TraceId, sctrace.StreamOptions{}), nil)
	waitSubscribed(t, client, trace.TraceId)
	w.run(t)
	events.waitFor(t, calls)
	counters, err := client.StopTrace(ctx, trace.TraceId)
	if err != nil {
		t.Fatal(err)
	}
	checkExact(t, events.wait(t), calls)
	if counters.EventsReceived != calls || counters.LostKernel != 0 || counters.LostSubscribers != 0 {
		t.Fatalf("counters %v", counters)
	}
	traces, _ := client.ListTraces(ctx)
	for _, tr := range traces {
		if tr.TraceId == trace.TraceId {
			t.Fatalf("trace %s still listed after StopTrace", trace.TraceId)
		}
	}
}

func waitSubscribed(t *testing.T, client *sctrace.Client, id string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		traces, err := client.ListTraces(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range traces {
			if tr.TraceId == id && tr.Subscribers == 1 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the subscription did not show in ListTraces")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestErrorsCarryStatusAndMessage(t *testing.T) {
	svc := startService(t)
	ctx := context.Background()
	client := dial(t, svc.address)
	var e *sctrace.Error
	_, err := client.StartTrace(ctx, &pb.TraceSpec{Syscalls: []string{"no_such_syscall"}})
	if !errors.As(err, &e) || e.Code != codes.InvalidArgument || !strings.Contains(err.Error(), "no_such_syscall") {
		t.Fatalf("bad syscall: %v", err)
	}
	_, err = client.Events(ctx, "no-such-trace", sctrace.StreamOptions{}).Next()
	if !errors.As(err, &e) || e.Code != codes.NotFound {
		t.Fatalf("unknown trace: %v", err)
	}
	opened := client.Events(ctx, "no-such-trace", sctrace.StreamOptions{})
	if err := opened.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	_, err = opened.Next()
	if !errors.As(err, &e) || e.Code != codes.NotFound || !strings.Contains(err.Error(), "no-such-trace") {
		t.Fatalf("unknown trace after Open: %v", err)
	}
	down := dial(t, "unix:"+filepath.Join(t.TempDir(), "nobody.sock"))
	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = down.ListTraces(short)
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "cannot reach sctraced") {
		t.Fatalf("unreachable server: %v", err)
	}
}

// proxy forwards TCP connections on 127.0.0.1 to the service's socket; cut() kills them all.
type proxy struct {
	ln     net.Listener
	mu     sync.Mutex
	conns  []net.Conn
	frozen map[net.Conn]bool
}

// pump copies src to dst, holding the data while src is frozen.
func (p *proxy) pump(src, dst net.Conn) {
	buf := make([]byte, 64<<10)
	for {
		n, err := src.Read(buf)
		for p.isFrozen(src) {
			time.Sleep(10 * time.Millisecond)
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	dst.Close()
}

func (p *proxy) isFrozen(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.frozen[c]
}

// freeze stops forwarding on every connection open now, keeping them open: a stalled link.
func (p *proxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		p.frozen[c] = true
	}
}

func newProxy(t *testing.T, socket string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, frozen: map[net.Conn]bool{}}
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		p.frozen = map[net.Conn]bool{}
		p.mu.Unlock()
		p.cut()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("unix", socket)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go p.pump(c, up)
			go p.pump(up, c)
		}
	}()
	return p
}

func (p *proxy) cut() {
	p.mu.Lock()
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

func TestStreamSurvivesAKilledConnection(t *testing.T) {
	svc := startService(t)
	p := newProxy(t, svc.socket)
	ctx := context.Background()
	client := dial(t, p.ln.Addr().String())
	const calls = 30000
	w := startStopped(t, calls, 15) // about 2 s
	trace, err := client.StartTrace(ctx, &pb.TraceSpec{Syscalls: []string{"getppid"}, Pids: []uint32{uint32(w.pid)}})
	if err != nil {
		t.Fatal(err)
	}
	stream := client.Events(ctx, trace.TraceId, sctrace.StreamOptions{Backoff: sctrace.Backoff{Initial: 50 * time.Millisecond, Max: 500 * time.Millisecond}})
	if err := stream.Open(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	events := collect(stream, func(n int) {
		if n == 5000 {
			once.Do(p.cut)
		}
	})
	w.run(t)
	deadline := time.Now().Add(30 * time.Second)
	for stream.NextSequence() <= calls && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := client.StopTrace(ctx, trace.TraceId); err != nil {
		t.Fatal(err)
	}
	got := events.wait(t)
	if stream.Reconnects() < 1 {
		t.Fatalf("the stream never reconnected (%d events)", len(got))
	}
	if fromSequenceSupported() {
		checkExact(t, got, calls)
		return
	}
	// A server without from_sequence resumes "from now": what it skipped must be announced.
	seen, lost := 0, uint64(0)
	for i, e := range got {
		if i > 0 && e.Sequence <= got[i-1].Sequence {
			t.Fatalf("sequence %d after %d", e.Sequence, got[i-1].Sequence)
		}
		if l := e.GetLost(); l != nil {
			if l.Where != "unannounced" {
				t.Fatalf("unexpected loss %v", l)
			}
			lost += l.Count
		} else {
			seen++
		}
	}
	if uint64(seen)+lost != calls || got[len(got)-1].Sequence != calls {
		t.Fatalf("%d events + %d announced lost for %d calls (last sequence %d)", seen, lost, calls, got[len(got)-1].Sequence)
	}
}

func TestAStalledConnectionIsCutAndResumed(t *testing.T) {
	if (&pb.StreamEventsResponse{}).ProtoReflect().Descriptor().Fields().ByName("heartbeat_interval_ms") == nil {
		t.Skip("StreamEventsResponse heartbeats are not in proto/ yet (issue 13's server side)")
	}
	svc := startService(t, "--heartbeat-ms", "200")
	p := newProxy(t, svc.socket)
	ctx := context.Background()
	client := dial(t, p.ln.Addr().String())
	const calls = 20000
	w := startStopped(t, calls, 10) // about 2 s
	trace, err := client.StartTrace(ctx, &pb.TraceSpec{Syscalls: []string{"getppid"}, Pids: []uint32{uint32(w.pid)}})
	if err != nil {
		t.Fatal(err)
	}
	stream := client.Events(ctx, trace.TraceId, sctrace.StreamOptions{Backoff: sctrace.Backoff{Initial: 50 * time.Millisecond, Max: 500 * time.Millisecond}})
	if err := stream.Open(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	events := collect(stream, func(n int) {
		if n == 3000 {
			once.Do(p.freeze)
		}
	})
	w.run(t)
	deadline := time.Now().Add(30 * time.Second)
	for stream.NextSequence() <= calls && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	// The client's own connection went through the frozen link too: stop on a new one.
	if _, err := dial(t, svc.address).StopTrace(ctx, trace.TraceId); err != nil {
		t.Fatal(err)
	}
	checkExact(t, events.wait(t), calls)
	if stream.Reconnects() < 1 {
		t.Fatal("the stream never reconnected")
	}
}

func fromSequenceSupported() bool {
	return (&pb.StreamEventsRequest{}).ProtoReflect().Descriptor().Fields().ByName(protoreflect.Name("from_sequence")) != nil
}

func TestRestartedClientAndLateSubscriberResume(t *testing.T) {
	if !fromSequenceSupported() {
		t.Skip("StreamEventsRequest.from_sequence is not in proto/ yet (issue 13's server side)")
	}
	svc := startService(t)
	ctx := context.Background()
	client := dial(t, svc.address)
	const calls = 10000
	w := startStopped(t, calls, 0)
	trace, err := client.StartTrace(ctx, &pb.TraceSpec{Syscalls: []string{"getppid"}, Pids: []uint32{uint32(w.pid)}})
	if err != nil {
		t.Fatal(err)
	}
	w.run(t) // nobody subscribed: the trace retains the events
	first := client.Events(ctx, trace.TraceId, sctrace.StreamOptions{FromSequence: 1})
	var got []*pb.Event
	for len(got) < 4000 {
		ev, err := first.Next()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
	}
	first.Close() // the first client goes away
	again := dial(t, svc.address)
	rest := collect(again.Events(ctx, trace.TraceId, sctrace.StreamOptions{FromSequence: got[len(got)-1].Sequence + 1}), nil)
	late := collect(again.Events(ctx, trace.TraceId, sctrace.StreamOptions{FromSequence: 1}), nil)
	rest.waitFor(t, calls-len(got))
	late.waitFor(t, calls)
	if _, err := again.StopTrace(ctx, trace.TraceId); err != nil {
		t.Fatal(err)
	}
	checkExact(t, append(got, rest.wait(t)...), calls)
	checkExact(t, late.wait(t), calls)
}

func TestFollowExample(t *testing.T) {
	svc := startService(t)
	w := startStopped(t, 100, 0)
	cmd := exec.Command("go", "run", "./examples/follow", "-server", svc.address, "-pid", strconv.Itoa(w.pid), "-syscalls", "getppid")
	var out, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(stderr.String(), "trace ") {
		if time.Now().After(deadline) {
			t.Fatalf("example did not start a trace: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.run(t) // the example says "trace" once its stream is open

	if err := cmd.Wait(); err != nil {
		t.Fatalf("example: %v\n%s", err, stderr.String())
	}
	if n := strings.Count(out.String(), " getppid() = "); n != 100 {
		t.Fatalf("%d getppid lines for 100 calls:\n%s", n, out.String())
	}
	// 100 getppid, the exec into the workload and its exit (process events are on), and the
	// creation and exit of the threads the Go runtime of the workload starts.
	threads := strings.Count(out.String(), " thread ")
	want := fmt.Sprintf("stopped: %d events, lost 0 in the kernel, 0 in queues", 102+threads)
	if !strings.Contains(stderr.String(), want) {
		t.Fatalf("stderr: %s (want %q)\n%s", stderr.String(), want, out.String())
	}
}
