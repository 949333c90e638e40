/**
 * How clients reach the service: TLS and mutual TLS with certificates made at test time by
 * openssl, and unix sockets whose permissions are the access control (--socket-group). Real gRPC
 * over real sockets; the fake capture engine stands in for the kernel.
 */
import 'reflect-metadata';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { FakeEngine } from '../../src/backends/fake/engine';
import { resolveGroup, SocketGroupError } from '../../src/auth/socket-access';
import { startService, type InProcessService } from '../helpers/in-process';
import { FakeSyscalls } from '../helpers/fake-syscalls';
import { api, connect } from '../helpers/client';
import { makePki, opensslUnavailableReason, type TestPki } from '../helpers/certs';
import { skipUnlessPossible } from '../helpers/privileges';

const noOpenssl = opensslUnavailableReason();
let pki: TestPki;
let mtls: InProcessService;
let tcpAddress: string;

before(async () => {
  if (noOpenssl) return;
  pki = makePki();
  mtls = await startService([new FakeEngine('ebpf')], new FakeSyscalls(), {
    listen: ['127.0.0.1:0'],
    tlsCert: pki.server.cert,
    tlsKey: pki.server.key,
    tlsClientCa: pki.ca,
  });
  tcpAddress = mtls.address;
});

after(async () => {
  await mtls?.close();
  pki?.remove();
});

/** The status of a ListTraces call through `channel`. */
async function listStatus(channel: ReturnType<typeof credentials.createSsl>): Promise<{ code: status; details: string }> {
  const client = connect(tcpAddress, channel);
  try {
    await api(client).list();
    return { code: status.OK, details: '' };
  } catch (err) {
    return { code: (err as ServiceError).code, details: (err as ServiceError).details };
  } finally {
    client.close();
  }
}

test('mutual TLS: a client certificate the CA signed gets in', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const alice = pki.client('alice');
  assert.equal((await listStatus(credentials.createSsl(pki.caPem, alice.keyPem, alice.certPem))).code, status.OK);
});

test('mutual TLS: no client certificate, one from another CA, or plaintext never reach a call', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const foreign = pki.client('mallory', { foreign: true });
  for (const [what, channel] of [
    ['no client certificate', credentials.createSsl(pki.caPem)],
    ['a certificate of another CA', credentials.createSsl(pki.caPem, foreign.keyPem, foreign.certPem)],
    ['plaintext', credentials.createInsecure()],
  ] as const) {
    const { code, details } = await listStatus(channel);
    assert.equal(code, status.UNAVAILABLE, `${what}: ${status[code]} ${details}`);
  }
});

test('the client refuses a server whose certificate its CA did not sign', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const alice = pki.client('alice');
  const { code, details } = await listStatus(credentials.createSsl(fs.readFileSync(pki.otherCa), alice.keyPem, alice.certPem));
  assert.equal(code, status.UNAVAILABLE);
  assert.match(details, /certificate/i);
});

test('TLS files that are missing or do not fit together stop the service at start, naming the flag', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const start = (overrides: Record<string, string>) =>
    startService([new FakeEngine('ebpf')], new FakeSyscalls(), {
      listen: ['127.0.0.1:0'],
      tlsCert: pki.server.cert,
      tlsKey: pki.server.key,
      tlsClientCa: pki.ca,
      ...overrides,
    });
  await assert.rejects(start({ tlsKey: path.join(pki.dir, 'missing.key') }), /--tls-key .*missing\.key: cannot read it/);
  await assert.rejects(start({ tlsCert: pki.server.key }), /--tls-cert .*: no PEM "CERTIFICATE" block/);
  await assert.rejects(start({ tlsKey: pki.client('alice').key }), /not the private key of the --tls-cert certificate/);
});

/**
 * Connects to the unix socket as uid/gid 65534 (nobody), with `groups` as its supplementary
 * groups: connect(2) is where the socket's permissions are checked. A bare Node one-liner, so
 * it runs wherever the checkout lives (a client from the checkout would need nobody to be able to
 * read it, which a private clone directory does not allow).
 */
function connectAsNobody(groups: number[], socket: string): Promise<{ code: number; stderr: string }> {
  const setpriv = ['--reuid=65534', '--regid=65534', groups.length ? `--groups=${groups.join(',')}` : '--clear-groups'];
  const probe = "require('net').connect(process.argv[1]).on('connect', () => process.exit(0)).on('error', (e) => { process.stderr.write(e.code + '\\n'); process.exit(1); })";
  return new Promise((resolve) => {
    execFile('setpriv', [...setpriv, process.execPath, '-e', probe, socket], (err, _stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

test('--socket-group: the socket is 0660 for the group; its members get in, other users do not', async (t) => {
  if (skipUnlessPossible(t, process.getuid?.() === 0 ? null : 'needs root to run clients as another user')) return;
  const gid = 4242;
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-group-'));
  fs.chmodSync(base, 0o755);
  const socket = path.join(base, 'run', 'sctrace.sock');
  const service = await startService([new FakeEngine('ebpf')], new FakeSyscalls(), { listen: [`unix:${socket}`], socketGroup: String(gid) });
  try {
    const st = fs.statSync(socket);
    assert.equal(st.mode & 0o777, 0o660);
    assert.equal(st.gid, gid);
    const dir = fs.statSync(path.dirname(socket));
    assert.equal(dir.mode & 0o777, 0o750, 'the directory the service made lets the group through');
    assert.equal(dir.gid, gid);
    const member = await connectAsNobody([gid], socket);
    assert.equal(member.code, 0, `a member of the group: ${member.stderr}`);
    const stranger = await connectAsNobody([], socket);
    assert.notEqual(stranger.code, 0);
    assert.match(stranger.stderr, /EACCES/);
  } finally {
    await service.close();
    fs.rmSync(base, { recursive: true, force: true });
  }
});

test('without --socket-group the socket is 0600', async () => {
  const service = await startService([new FakeEngine('ebpf')], new FakeSyscalls());
  try {
    assert.equal(fs.statSync(service.address.slice('unix:'.length)).mode & 0o777, 0o600);
  } finally {
    await service.close();
  }
});

test('group names resolve through NSS; an unknown one is an error naming the flag', () => {
  assert.equal(resolveGroup('root'), 0);
  assert.equal(resolveGroup('4242'), 4242);
  assert.throws(() => resolveGroup('no-such-group-sctrace'), (err: Error) => err instanceof SocketGroupError && /--socket-group no-such-group-sctrace: no such group/.test(err.message));
});
