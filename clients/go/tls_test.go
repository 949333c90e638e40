package sctrace_test

// The client's TLS and token options over real TLS, with certificates made here. sctraced on
// main serves no TLS yet (issue 12 brings it), so these run against an in-process gRPC server
// that serves GetCapabilities only and checks the bearer token; the handshake is the real one.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	sctrace "github.com/sctrace/sctrace/clients/go"
	pb "github.com/sctrace/sctrace/clients/go/sctracev1"
)

const testToken = "s3cret-token"

type capsOnly struct {
	pb.UnimplementedTracerServer
}

func (capsOnly) GetCapabilities(ctx context.Context, _ *pb.GetCapabilitiesRequest) (*pb.GetCapabilitiesResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get("authorization"); len(v) != 1 || v[0] != "Bearer "+testToken {
		return nil, status.Error(codes.Unauthenticated, "missing or wrong bearer token")
	}
	return &pb.GetCapabilitiesResponse{Kernel: "tls-test"}, nil
}

type pki struct {
	dir                 string
	ca                  *x509.Certificate
	caKey               *ecdsa.PrivateKey
	server, client      tls.Certificate
	caFile, otherCAFile string
}

func newPKI(t *testing.T) *pki {
	p := &pki{dir: t.TempDir()}
	p.ca, p.caKey, p.caFile = p.issue(t, "ca", &x509.Certificate{IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}, nil, nil)
	_, _, p.otherCAFile = p.issue(t, "other", &x509.Certificate{IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}, nil, nil)
	p.server = p.leaf(t, "server", &x509.Certificate{DNSNames: []string{"sctrace.test"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	p.client = p.leaf(t, "client", &x509.Certificate{DNSNames: []string{"client.test"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	return p
}

// issue makes a certificate from tmpl signed by parent (self-signed when nil) and writes NAME.pem/.key.
func (p *pki) issue(t *testing.T, name string, tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	tmpl.Subject = pkix.Name{CommonName: name}
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	keyDER, _ := x509.MarshalECPrivateKey(key)
	file := filepath.Join(p.dir, name+".pem")
	os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(filepath.Join(p.dir, name+".key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	return cert, key, file
}

func (p *pki) leaf(t *testing.T, name string, tmpl *x509.Certificate) tls.Certificate {
	p.issue(t, name, tmpl, p.ca, p.caKey)
	cert, err := tls.LoadX509KeyPair(filepath.Join(p.dir, name+".pem"), filepath.Join(p.dir, name+".key"))
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func serveTLS(t *testing.T, p *pki, requireClientCert bool) string {
	config := &tls.Config{Certificates: []tls.Certificate{p.server}}
	if requireClientCert {
		config.ClientCAs = x509.NewCertPool()
		config.ClientCAs.AddCert(p.ca)
		config.ClientAuth = tls.RequireAndVerifyClientCert
	}
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(config)))
	pb.RegisterTracerServer(srv, capsOnly{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(srv.Stop)
	return ln.Addr().String()
}

func capabilities(t *testing.T, address string, opts sctrace.Options) (*pb.GetCapabilitiesResponse, error) {
	c, err := sctrace.Dial(address, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.GetCapabilities(ctx)
}

func wantCode(t *testing.T, err error, code codes.Code) {
	t.Helper()
	var e *sctrace.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("want %v, got %v", code, err)
	}
}

func TestTLSWithCAServerNameAndToken(t *testing.T) {
	p := newPKI(t)
	address := serveTLS(t, p, false)
	if caps, err := capabilities(t, address, sctrace.Options{TLS: &sctrace.TLS{CAFile: p.caFile}, Token: testToken}); err != nil || caps.Kernel != "tls-test" {
		t.Fatalf("TLS with CA and token: %v %v", caps, err)
	}
	_, port, _ := net.SplitHostPort(address)
	if _, err := capabilities(t, "localhost:"+port, sctrace.Options{TLS: &sctrace.TLS{CAFile: p.caFile, ServerName: "sctrace.test"}, Token: testToken}); err != nil {
		t.Fatalf("server name override: %v", err)
	}
	_, err := capabilities(t, address, sctrace.Options{TLS: &sctrace.TLS{CAFile: p.caFile}})
	wantCode(t, err, codes.Unauthenticated)
	_, err = capabilities(t, address, sctrace.Options{TLS: &sctrace.TLS{CAFile: p.otherCAFile}, Token: testToken})
	wantCode(t, err, codes.Unavailable)
}

func TestTLSClientCertificate(t *testing.T) {
	p := newPKI(t)
	address := serveTLS(t, p, true)
	withCert := &sctrace.TLS{CAFile: p.caFile, CertFile: filepath.Join(p.dir, "client.pem"), KeyFile: filepath.Join(p.dir, "client.key")}
	if _, err := capabilities(t, address, sctrace.Options{TLS: withCert, Token: testToken}); err != nil {
		t.Fatalf("with a client certificate: %v", err)
	}
	_, err := capabilities(t, address, sctrace.Options{TLS: &sctrace.TLS{CAFile: p.caFile}, Token: testToken})
	wantCode(t, err, codes.Unavailable)
}

func TestOptionErrors(t *testing.T) {
	if _, err := sctrace.Dial("unix:/tmp/x.sock", sctrace.Options{TLS: &sctrace.TLS{}}); err == nil {
		t.Fatal("TLS on a unix socket was accepted")
	}
	if _, err := sctrace.Dial("127.0.0.1:1", sctrace.Options{TLS: &sctrace.TLS{CertFile: "x.pem"}}); err == nil {
		t.Fatal("a certificate without its key was accepted")
	}
}
