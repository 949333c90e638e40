/**
 * The TypeScript client library's TLS and token options, against a grpc-js server in this test
 * that serves the Tracer service over mutual TLS with certificates made at test time (openssl)
 * and answers GetCapabilities with the authorization metadata it received: the library checks
 * the server against the CA, presents its client certificate, sends `authorization: Bearer
 * TOKEN`, and fails (with the gRPC status and a message) when a piece is missing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, RpcError } from '../../clients/ts';
import { tracerGrpc } from '../../src/api/proto';
import type { TracerHandlers } from '../../src/api/generated/sctrace/v1/Tracer';
import { makePki, opensslUnavailableReason, type TestPki } from '../helpers/certs';
import { skipUnlessPossible } from '../helpers/privileges';

const reason = opensslUnavailableReason();
let pki: TestPki;
let server: grpc.Server;
let address = '';

const unimplemented = (_call: unknown, callback: grpc.sendUnaryData<never>) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'not in this test' });

before(async () => {
  if (reason) return;
  pki = makePki();
  server = new grpc.Server();
  const handlers: TracerHandlers = {
    GetCapabilities: (call, callback) =>
      callback(null, { node: String(call.metadata.get('authorization')[0] ?? 'no token'), backends: [], default_backend: '', kernel: '', arch: '' }),
    StartTrace: unimplemented,
    StopTrace: unimplemented,
    ListTraces: unimplemented,
    GetProcessTree: unimplemented,
    StreamEvents: (call) => call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'not in this test' }),
  };
  server.addService(tracerGrpc().sctrace.v1.Tracer.service, handlers);
  const credentials = grpc.ServerCredentials.createSsl(pki.caPem, [{ private_key: pki.server.keyPem, cert_chain: pki.server.certPem }], true);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))));
  address = `127.0.0.1:${port}`;
});

after(() => {
  server?.forceShutdown();
  pki?.remove();
});

test('mutual TLS with a CA, a client certificate and a bearer token', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const client = pki.client('tester');
  const node = connect(address, { tls: { ca: pki.caPem, cert: client.certPem, key: client.keyPem }, token: 's3cret' });
  try {
    const caps = await node.getCapabilities();
    assert.equal(caps.node, 'Bearer s3cret', 'the server saw the token over the TLS channel');
  } finally {
    node.close();
  }
});

test('a server name other than the address is checked with serverName', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const client = pki.client('tester');
  const byName = connect(address, { tls: { ca: pki.caPem, cert: client.certPem, key: client.keyPem, serverName: 'localhost' } });
  const wrongName = connect(address, { tls: { ca: pki.caPem, cert: client.certPem, key: client.keyPem, serverName: 'elsewhere.example' }, unaryTimeoutMs: 3000 });
  try {
    assert.equal((await byName.getCapabilities()).node, 'no token');
    await assert.rejects(wrongName.getCapabilities(), (err: RpcError) => err instanceof RpcError && err.code === grpc.status.UNAVAILABLE);
  } finally {
    byName.close();
    wrongName.close();
  }
});

test('without the client certificate, or trusting another CA, the call fails with UNAVAILABLE', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const client = pki.client('tester');
  const noCert = connect(address, { tls: { ca: pki.caPem }, unaryTimeoutMs: 3000 });
  const otherCa = connect(address, { tls: { ca: fs.readFileSync(pki.otherCa), cert: client.certPem, key: client.keyPem }, unaryTimeoutMs: 3000 });
  const plaintext = connect(address, { unaryTimeoutMs: 3000 });
  try {
    for (const [what, c] of [['no client certificate', noCert], ['another CA', otherCa], ['plaintext', plaintext]] as const) {
      await assert.rejects(c.getCapabilities(), (err: RpcError) => {
        assert.ok(err instanceof RpcError, what);
        assert.equal(err.code, grpc.status.UNAVAILABLE, `${what}: ${err.message}`);
        assert.match(err.message, /^GetCapabilities: UNAVAILABLE: /);
        return true;
      });
    }
  } finally {
    noCert.close();
    otherCa.close();
    plaintext.close();
  }
});
