"""The client's TLS and token options, over real TLS with certificates made here by openssl.

sctraced on main serves no TLS yet (issue 12 brings it), so these run against a small gRPC server
in this process that serves GetCapabilities only: it checks what reaches it (the bearer token) and
the TLS handshake is the real one. Once sctraced serves TLS, test_client.py covers it live.
"""

from __future__ import annotations

import subprocess
from concurrent import futures
from pathlib import Path

import grpc
import pytest

import sctrace
from sctrace.v1 import tracer_pb2 as pb
from sctrace.v1 import tracer_pb2_grpc as pb_grpc

TOKEN = "s3cret-token"


def openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("certs")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=sctrace test CA",
            "-keyout", str(d / "ca.key"), "-out", str(d / "ca.pem"))
    for name, san in (("server", "DNS:sctrace.test,IP:127.0.0.1"), ("client", "DNS:client.test")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}", "-keyout", str(d / f"{name}.key"),
                "-out", str(d / f"{name}.csr"))
        (d / f"{name}.ext").write_text(f"subjectAltName={san}\n")
        openssl("x509", "-req", "-in", str(d / f"{name}.csr"), "-CA", str(d / "ca.pem"), "-CAkey", str(d / "ca.key"),
                "-CAcreateserial", "-days", "1", "-extfile", str(d / f"{name}.ext"), "-out", str(d / f"{name}.pem"))
    # A second CA that signed nothing here: a client trusting only it must refuse the server.
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=other CA",
            "-keyout", str(d / "other.key"), "-out", str(d / "other.pem"))
    return d


class Capabilities(pb_grpc.TracerServicer):
    def GetCapabilities(self, request, context):
        if dict(context.invocation_metadata()).get("authorization") != f"Bearer {TOKEN}":
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong bearer token")
        return pb.GetCapabilitiesResponse(arch="x86_64", kernel="tls-test")


def serve(certs: Path, require_client_cert: bool):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    pb_grpc.add_TracerServicer_to_server(Capabilities(), server)
    credentials = grpc.ssl_server_credentials(
        [((certs / "server.key").read_bytes(), (certs / "server.pem").read_bytes())],
        root_certificates=(certs / "ca.pem").read_bytes() if require_client_cert else None,
        require_client_auth=require_client_cert,
    )
    port = server.add_secure_port("127.0.0.1:0", credentials)
    server.start()
    return server, f"127.0.0.1:{port}"


@pytest.fixture(params=[False], ids=["server-auth"])
def tls_server(certs, request):
    server, address = serve(certs, require_client_cert=request.param)
    yield address
    server.stop(None)


def test_tls_with_ca_and_token(certs, tls_server):
    with sctrace.connect(tls_server, tls=sctrace.TLS(ca_file=str(certs / "ca.pem")), token=TOKEN) as client:
        assert client.get_capabilities().kernel == "tls-test"


def test_server_name_override(certs, tls_server):
    port = tls_server.rsplit(":", 1)[1]
    tls = sctrace.TLS(ca_file=str(certs / "ca.pem"), server_name="sctrace.test")
    with sctrace.connect(f"localhost:{port}", tls=tls, token=TOKEN) as client:
        assert client.get_capabilities().kernel == "tls-test"


def test_missing_token_is_refused(certs, tls_server):
    with sctrace.connect(tls_server, tls=sctrace.TLS(ca_file=str(certs / "ca.pem"))) as client:
        with pytest.raises(sctrace.Error) as err:
            client.get_capabilities()
    assert err.value.code == grpc.StatusCode.UNAUTHENTICATED


def test_untrusted_server_is_refused(certs, tls_server):
    with sctrace.connect(tls_server, tls=sctrace.TLS(ca_file=str(certs / "other.pem")), token=TOKEN, timeout=5) as client:
        with pytest.raises(sctrace.Error) as err:
            client.get_capabilities()
    assert err.value.code == grpc.StatusCode.UNAVAILABLE


@pytest.mark.parametrize("tls_server", [True], ids=["mutual"], indirect=True)
def test_client_certificate(certs, tls_server):
    mtls_server = tls_server
    tls = sctrace.TLS(ca_file=str(certs / "ca.pem"), cert_file=str(certs / "client.pem"), key_file=str(certs / "client.key"))
    with sctrace.connect(mtls_server, tls=tls, token=TOKEN) as client:
        assert client.get_capabilities().kernel == "tls-test"
    with sctrace.connect(mtls_server, tls=sctrace.TLS(ca_file=str(certs / "ca.pem")), token=TOKEN, timeout=5) as client:
        with pytest.raises(sctrace.Error) as err:
            client.get_capabilities()
    assert err.value.code == grpc.StatusCode.UNAVAILABLE


def test_option_errors():
    with pytest.raises(ValueError, match="TCP addresses"):
        sctrace.connect("unix:/tmp/x.sock", tls=sctrace.TLS())
    with pytest.raises(ValueError, match="both cert_file and key_file"):
        sctrace.connect("127.0.0.1:1", tls=sctrace.TLS(cert_file="x.pem"))
