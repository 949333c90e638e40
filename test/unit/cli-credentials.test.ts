/**
 * The CLI's credentials against the real service graph (fake engine) over real TLS: --tls-ca,
 * --tls-cert/--tls-key for mutual TLS, --token-file and $SCTRACE_TOKEN, as global or command
 * options, and the hints a refused or failed connection prints. Certificates from openssl.
 */
import 'reflect-metadata';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FakeEngine } from '../../src/backends/fake/engine';
import { channelSecurity, CredentialError } from '../../clients/cli/credentials';
import { startService, type InProcessService } from '../helpers/in-process';
import { FakeSyscalls } from '../helpers/fake-syscalls';
import { makePki, opensslUnavailableReason, type TestPki } from '../helpers/certs';
import { skipUnlessPossible } from '../helpers/privileges';

const CLI = path.resolve(__dirname, '../../clients/cli/main.js');
const noOpenssl = opensslUnavailableReason();
const OPERATOR_TOKEN = 'operator-token-0123456789';
const VIEWER_TOKEN = 'viewer-token-abcdef';
let pki: TestPki;
let tokens: InProcessService;
let mutual: InProcessService;
let operatorFile: string;

before(async () => {
  if (noOpenssl) return;
  pki = makePki();
  const hash = (t: string) => createHash('sha256').update(t).digest('hex');
  const ids = path.join(pki.dir, 'ids.json');
  fs.writeFileSync(ids, JSON.stringify({
    identities: [
      { name: 'ops', role: 'operator', token_sha256: hash(OPERATOR_TOKEN) },
      { name: 'viewer', role: 'viewer', token_sha256: hash(VIEWER_TOKEN) },
      { name: 'alice', role: 'operator', cert_cn: 'alice' },
    ],
  }));
  operatorFile = path.join(pki.dir, 'operator.token');
  fs.writeFileSync(operatorFile, `${OPERATOR_TOKEN}\n`, { mode: 0o600 });
  const tls = { tlsCert: pki.server.cert, tlsKey: pki.server.key, authFile: ids };
  const sock = fs.mkdtempSync(path.join(pki.dir, 'sock-'));
  tokens = await startService([new FakeEngine('ebpf')], new FakeSyscalls(), { ...tls, listen: ['127.0.0.1:0', `unix:${sock}/s.sock`] });
  mutual = await startService([new FakeEngine('ebpf')], new FakeSyscalls(), { ...tls, tlsClientCa: pki.ca, listen: ['127.0.0.1:0'] });
});

after(async () => {
  await tokens?.close();
  await mutual?.close();
  pki?.remove();
});

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = { ...process.env };
  delete clean.SCTRACE_TOKEN;
  delete clean.SCTRACE_SERVER;
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...clean, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('TLS with a token file or $SCTRACE_TOKEN, as global or command options', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const server = tokens.address;
  const global = await cli(['--server', server, '--tls-ca', pki.ca, '--token-file', operatorFile, 'list']);
  assert.equal(global.code, 0, global.stderr);
  assert.match(global.stdout, /no running traces/);
  const own = await cli(['caps', `--server=${server}`, `--tls-ca=${pki.ca}`, '--token-file', operatorFile]);
  assert.equal(own.code, 0, own.stderr);
  const env = await cli(['--server', server, '--tls-ca', pki.ca, 'list', '-o', 'json'], { SCTRACE_TOKEN: OPERATOR_TOKEN });
  assert.equal(env.code, 0, env.stderr);
  assert.deepEqual(JSON.parse(env.stdout).traces, []);
});

test('refusals print the status and what to do', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const server = tokens.address;
  const none = await cli(['--server', server, '--tls-ca', pki.ca, 'list']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /ListTraces: UNAUTHENTICATED: no credentials/);
  assert.match(none.stderr, /pass --token-file FILE or set SCTRACE_TOKEN/);
  const wrong = await cli(['--server', server, '--tls-ca', pki.ca, 'list'], { SCTRACE_TOKEN: 'nope' });
  assert.match(wrong.stderr, /UNAUTHENTICATED: unknown bearer token\nsctrace: the service does not know this token/);
  const viewer = await cli(['--server', server, '--tls-ca', pki.ca, 'stop', 'abc'], { SCTRACE_TOKEN: VIEWER_TOKEN });
  assert.match(viewer.stderr, /StopTrace: PERMISSION_DENIED: identity viewer has role viewer, which may not stop traces/);
  const badCa = await cli(['--server', server, '--tls-ca', pki.otherCa, '--token-file', operatorFile, 'list']);
  assert.equal(badCa.code, 1);
  assert.match(badCa.stderr, /UNAVAILABLE/);
  assert.match(badCa.stderr, /the TLS handshake failed: pass the CA that signed sctraced's certificate with --tls-ca/);
});

test('a token over the unix socket is that identity', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const socket = tokens.addresses[1];
  const local = await cli(['--server', socket, 'list']);
  assert.equal(local.code, 0, local.stderr);
  const viewer = await cli(['--server', socket, 'stop', 'abc'], { SCTRACE_TOKEN: VIEWER_TOKEN });
  assert.match(viewer.stderr, /PERMISSION_DENIED: identity viewer/);
});

test('mutual TLS with --tls-cert and --tls-key; the certificate CN is the identity', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const alice = pki.client('alice');
  const args = ['--server', mutual.address, '--tls-ca', pki.ca, '--tls-cert', alice.cert, '--tls-key', alice.key];
  const list = await cli([...args, 'list']);
  assert.equal(list.code, 0, list.stderr);
  const noCert = await cli(['--server', mutual.address, '--tls-ca', pki.ca, 'list']);
  assert.equal(noCert.code, 1);
  assert.match(noCert.stderr, /UNAVAILABLE/);
});

test('contradictory or unreadable credentials are refused before connecting', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const halfPair = await cli(['--server', '127.0.0.1:1', '--tls-cert', pki.server.cert, 'list']);
  assert.equal(halfPair.code, 1);
  assert.match(halfPair.stderr, /--tls-cert needs --tls-key: a client certificate goes with its private key/);
  const unixTls = await cli(['--server', 'unix:/tmp/x.sock', '--tls-ca', pki.ca, 'list']);
  assert.match(unixTls.stderr, /--tls-ca: unix:\/tmp\/x\.sock is a unix socket, which is not encrypted/);
  const missing = await cli(['--server', '127.0.0.1:1', '--token-file', '/nonexistent/token', 'list']);
  assert.match(missing.stderr, /--token-file \/nonexistent\/token: cannot read it/);
  const bare = await cli(['--tls-ca']);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /--tls-ca needs a file name/);
});

test('a socket path that spells "tls" gets the unreachable hint, not a TLS one', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const run = await cli(['--server', `unix:${path.join(pki.dir, 'TLS-certificate-handshake', 'absent.sock')}`, 'list']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /cannot reach sctraced at unix:/);
  assert.doesNotMatch(run.stderr, /TLS handshake|--tls-ca/);
});

test('a token on a TCP address means TLS, so it is never sent in plaintext', () => {
  const security = channelSecurity('10.0.0.1:7070', {}, { SCTRACE_TOKEN: 'abc' });
  assert.equal(security.tls, true);
  assert.equal(security.token, true);
  const plain = channelSecurity('10.0.0.1:7070', {}, {});
  assert.deepEqual([plain.tls, plain.token], [false, false]);
  assert.throws(() => channelSecurity('10.0.0.1:7070', {}, { SCTRACE_TOKEN: 'two words' }), (err: Error) => err instanceof CredentialError && /one word of printable ASCII/.test(err.message));
});
