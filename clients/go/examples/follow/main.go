// Command follow traces a running process through sctraced and prints one line per event.
//
//	go run ./examples/follow -pid 1234 -syscalls openat,execve
//	go run ./examples/follow -server 10.0.0.5:7300 -ca ca.pem -token T -pid 1234
//
// Ctrl-C (or -count N) stops the trace. The stream reconnects by itself if the connection drops.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	sctrace "github.com/sctrace/sctrace/clients/go"
	pb "github.com/sctrace/sctrace/clients/go/sctracev1"
)

func describe(ev *pb.Event) string {
	head := fmt.Sprintf("%8d %s[%d]", ev.Sequence, ev.GetTask().GetComm(), ev.GetTask().GetPid())
	switch k := ev.Kind.(type) {
	case *pb.Event_Syscall:
		var args []string
		for _, a := range k.Syscall.Decoded {
			if a.Ignored {
				continue
			}
			switch {
			case a.Symbolic != "":
				args = append(args, a.Symbolic)
			case a.GetValue() != nil:
				switch v := a.Value.(type) {
				case *pb.SyscallArg_Str:
					args = append(args, fmt.Sprintf("%q", v.Str))
				case *pb.SyscallArg_Int:
					args = append(args, fmt.Sprint(v.Int))
				case *pb.SyscallArg_Uint:
					if strings.Contains(a.Type, "*") {
						args = append(args, fmt.Sprintf("%#x", v.Uint))
					} else {
						args = append(args, fmt.Sprint(v.Uint))
					}
				}
			}
		}
		result := fmt.Sprint(k.Syscall.Ret)
		if k.Syscall.ErrnoName != "" {
			result = "-1 " + k.Syscall.ErrnoName
		}
		return fmt.Sprintf("%s %s(%s) = %s", head, k.Syscall.Name, strings.Join(args, ", "), result)
	case *pb.Event_Exec:
		return fmt.Sprintf("%s exec %s %q", head, k.Exec.Filename, k.Exec.Argv)
	case *pb.Event_Fork:
		return fmt.Sprintf("%s fork -> %d", head, k.Fork.ChildPid)
	case *pb.Event_Exit:
		return fmt.Sprintf("%s exit code=%d signal=%d", head, k.Exit.ExitCode, k.Exit.Signal)
	case *pb.Event_Lost:
		return fmt.Sprintf("%s LOST %d events (%s)", head, k.Lost.Count, k.Lost.Where)
	case *pb.Event_ThreadCreated:
		return fmt.Sprintf("%s thread %d created (clone flags %#x)", head, k.ThreadCreated.Tid, k.ThreadCreated.CloneFlags)
	case *pb.Event_ThreadExit:
		return fmt.Sprintf("%s thread exited after %d ns", head, k.ThreadExit.WallTimeNs)
	}
	return head
}

func main() {
	server := flag.String("server", "", "unix:/path or host:port (default $"+sctrace.ServerEnv+" or "+sctrace.DefaultServer+")")
	ca := flag.String("ca", "", "PEM CA file: connect with TLS")
	token := flag.String("token", "", "bearer token")
	pid := flag.Uint("pid", 0, "process to trace (with its children)")
	syscalls := flag.String("syscalls", "", "comma-separated syscalls or %classes (default all)")
	count := flag.Int("count", 0, "stop after this many events")
	flag.Parse()
	if *pid == 0 {
		fmt.Fprintln(os.Stderr, "follow: -pid is required")
		os.Exit(2)
	}
	opts := sctrace.Options{Token: *token}
	if *ca != "" {
		opts.TLS = &sctrace.TLS{CAFile: *ca}
	}
	if err := run(*server, opts, uint32(*pid), *syscalls, *count); err != nil {
		fmt.Fprintln(os.Stderr, "follow:", err)
		os.Exit(1)
	}
}

func run(server string, opts sctrace.Options, pid uint32, syscalls string, count int) error {
	client, err := sctrace.Dial(server, opts)
	if err != nil {
		return err
	}
	defer client.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	spec := &pb.TraceSpec{Pids: []uint32{pid}, FollowChildren: true, ProcessEvents: true}
	if syscalls != "" {
		spec.Syscalls = strings.Split(syscalls, ",")
	}
	trace, err := client.StartTrace(ctx, spec)
	if err != nil {
		return err
	}
	events := client.Events(ctx, trace.TraceId, sctrace.StreamOptions{FromSequence: 1})
	if err := events.Open(); err != nil {
		return err
	}
	// Subscribed: whatever the pid does from now on reaches this stream.
	fmt.Fprintf(os.Stderr, "trace %s on %s\n", trace.TraceId, trace.Backend)
	var streamErr error
	for seen := 0; count == 0 || seen < count; seen++ {
		ev, err := events.Next()
		if err != nil {
			if err != io.EOF && ctx.Err() == nil {
				streamErr = err
			}
			break
		}
		fmt.Println(describe(ev))
		if exit, ok := ev.Kind.(*pb.Event_Exit); ok && exit != nil && ev.GetTask().GetPid() == pid {
			break
		}
	}
	events.Close()
	counters, err := client.StopTrace(context.Background(), trace.TraceId)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "stopped: %d events, lost %d in the kernel, %d in queues\n",
		counters.EventsReceived, counters.LostKernel, counters.LostSubscribers)
	return streamErr
}
