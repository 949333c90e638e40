// Package sctrace is a client of sctraced: start, list and stop traces, and stream their events
// with an iterator that reconnects and resumes by sequence number.
//
// Messages are the generated ones (package sctracev1, from proto/sctrace/v1/tracer.proto).
//
//	c, err := sctrace.Dial("unix:/run/sctrace/sctrace.sock", sctrace.Options{})
//	trace, err := c.StartTrace(ctx, &sctracev1.TraceSpec{Syscalls: []string{"openat"}, Pids: []uint32{pid}})
//	events := c.Events(ctx, trace.TraceId, sctrace.StreamOptions{FromSequence: 1})
//	for {
//		ev, err := events.Next()
//		if err == io.EOF { break } // the trace stopped
//		...
//	}
package sctrace

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	pb "github.com/sctrace/sctrace/clients/go/sctracev1"
)

// DefaultServer is where sctraced listens unless told otherwise.
const DefaultServer = "unix:/run/sctrace/sctrace.sock"

// ServerEnv names the environment variable Dial reads when given no address.
const ServerEnv = "SCTRACE_SERVER"

// UnaryTimeout bounds each unary call; StartTrace may take seconds to load BPF programs.
const UnaryTimeout = 60 * time.Second

// TLS configures TLS for a TCP address. Without CAFile the system's roots verify the server.
type TLS struct {
	// CAFile is a PEM file of the CA(s) that signed the server's certificate.
	CAFile string
	// CertFile and KeyFile are this client's certificate and key, for servers that ask (mutual TLS).
	CertFile, KeyFile string
	// ServerName is checked against the server's certificate instead of the address's host.
	ServerName string
}

// Options of Dial. The zero value connects in plaintext (unix sockets) without a token.
type Options struct {
	TLS *TLS
	// Token is sent as "authorization: Bearer <token>" with every call.
	Token string
}

// Error is a failed call: "<rpc>: <STATUS>: <details>", with a hint when the server was unreachable.
type Error struct {
	RPC     string
	Address string
	Code    codes.Code
	Details string
	Hint    string
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s: %s: %s", e.RPC, strings.ToUpper(strings.ReplaceAll(codeName(e.Code), " ", "_")), e.Details)
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// codeName is the status name as the other clients print it (INVALID_ARGUMENT, not InvalidArgument).
func codeName(c codes.Code) string {
	var b strings.Builder
	for i, r := range c.String() {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func wrap(rpc, address string, err error) error {
	if err == nil {
		return nil
	}
	st, _ := status.FromError(err)
	e := &Error{RPC: rpc, Address: address, Code: st.Code(), Details: st.Message()}
	if st.Code() == codes.Unavailable {
		if strings.Contains(e.Details, "permission denied") {
			e.Hint = "no permission to connect to sctraced at " + address + ": run as root, or ask for access to the socket"
		} else {
			e.Hint = "cannot reach sctraced at " + address + ": start it, or pass the address where it listens (or set $" + ServerEnv + ")"
		}
	}
	return e
}

// Client is a connection to one sctraced; safe for concurrent use.
type Client struct {
	Address  string
	target   string
	dialOpts []grpc.DialOption
	conn     *grpc.ClientConn
	tracer   pb.TracerClient
}

// ResolveAddress is address, else $SCTRACE_SERVER, else DefaultServer; a bare path is a socket.
func ResolveAddress(address string) string {
	if address == "" {
		address = os.Getenv(ServerEnv)
	}
	if address == "" {
		address = DefaultServer
	}
	if strings.HasPrefix(address, "/") {
		address = "unix:" + address
	}
	return address
}

type bearer string

func (t bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(t)}, nil
}

// RequireTransportSecurity is false: a token also goes over the local unix socket.
func (bearer) RequireTransportSecurity() bool { return false }

// Dial connects to address ("unix:/path" or "host:port"; "" for $SCTRACE_SERVER or the default
// socket). The connection is made lazily: an unreachable server fails the first call.
func Dial(address string, opts Options) (*Client, error) {
	address = ResolveAddress(address)
	dialOpts := []grpc.DialOption{grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64 << 20))}
	target := address
	if strings.HasPrefix(address, "unix:") {
		// grpc-go 1.33 (Debian 12) has no unix resolver: dial the socket ourselves.
		path := strings.TrimPrefix(strings.TrimPrefix(address, "unix:"), "//")
		target = "passthrough:///" + path
		// The default :authority would be the socket path, which HTTP/2 servers refuse.
		dialOpts = append(dialOpts, grpc.WithAuthority("localhost"), grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		}))
	}
	if opts.TLS != nil {
		if strings.HasPrefix(address, "unix:") {
			return nil, fmt.Errorf("TLS is for TCP addresses (host:port), not %s", address)
		}
		config, err := tlsConfig(opts.TLS)
		if err != nil {
			return nil, err
		}
		dialOpts = append(dialOpts, grpc.WithTransportCredentials(credentials.NewTLS(config)))
	} else {
		dialOpts = append(dialOpts, grpc.WithInsecure())
	}
	if opts.Token != "" {
		dialOpts = append(dialOpts, grpc.WithPerRPCCredentials(bearer(opts.Token)))
	}
	c := &Client{Address: address, target: target, dialOpts: dialOpts}
	conn, err := c.dial()
	if err != nil {
		return nil, err
	}
	c.conn, c.tracer = conn, pb.NewTracerClient(conn)
	return c, nil
}

// dial opens a connection with the client's options. Event streams get one of their own, so a
// stream can drop a stalled connection and dial anew without touching the client's.
func (c *Client) dial() (*grpc.ClientConn, error) {
	conn, err := grpc.Dial(c.target, c.dialOpts...)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", c.Address, err)
	}
	return conn, nil
}

func tlsConfig(t *TLS) (*tls.Config, error) {
	config := &tls.Config{ServerName: t.ServerName, MinVersion: tls.VersionTLS12}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("TLS CA file: %w", err)
		}
		config.RootCAs = x509.NewCertPool()
		if !config.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TLS CA file %s holds no PEM certificate", t.CAFile)
		}
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		return nil, fmt.Errorf("TLS client authentication needs both CertFile and KeyFile")
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("TLS client certificate: %w", err)
		}
		config.Certificates = []tls.Certificate{cert}
	}
	return config, nil
}

// Close releases the connection.
func (c *Client) Close() error { return c.conn.Close() }

func unaryContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, UnaryTimeout)
}

// StartTrace starts a trace of spec.
func (c *Client) StartTrace(ctx context.Context, spec *pb.TraceSpec) (*pb.StartTraceResponse, error) {
	ctx, cancel := unaryContext(ctx)
	defer cancel()
	res, err := c.tracer.StartTrace(ctx, &pb.StartTraceRequest{Spec: spec})
	return res, wrap("StartTrace", c.Address, err)
}

// StopTrace stops a trace and returns its final counters.
func (c *Client) StopTrace(ctx context.Context, traceID string) (*pb.TraceCounters, error) {
	ctx, cancel := unaryContext(ctx)
	defer cancel()
	res, err := c.tracer.StopTrace(ctx, &pb.StopTraceRequest{TraceId: traceID})
	if err != nil {
		return nil, wrap("StopTrace", c.Address, err)
	}
	return res.GetCounters(), nil
}

// ListTraces lists the running traces.
func (c *Client) ListTraces(ctx context.Context) ([]*pb.TraceInfo, error) {
	ctx, cancel := unaryContext(ctx)
	defer cancel()
	res, err := c.tracer.ListTraces(ctx, &pb.ListTracesRequest{})
	if err != nil {
		return nil, wrap("ListTraces", c.Address, err)
	}
	return res.GetTraces(), nil
}

// GetCapabilities reports which capture backends the node can use, and why not.
func (c *Client) GetCapabilities(ctx context.Context) (*pb.GetCapabilitiesResponse, error) {
	ctx, cancel := unaryContext(ctx)
	defer cancel()
	res, err := c.tracer.GetCapabilities(ctx, &pb.GetCapabilitiesRequest{})
	return res, wrap("GetCapabilities", c.Address, err)
}
