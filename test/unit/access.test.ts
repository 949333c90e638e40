/**
 * Access control over real gRPC: TLS with bearer tokens, mutual TLS with certificate CNs and the
 * unix socket, against identities of every role, with and without scopes. Certificates come from
 * openssl at test time; the fake capture engine stands in for the kernel. Checks the statuses
 * and messages clients get, the effective spec of scoped traces, what each identity may see and
 * stop, and the audit log lines.
 */
import 'reflect-metadata';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { credentials, loadPackageDefinition, Metadata, status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { FakeEngine } from '../../src/backends/fake/engine';
import type { TracerClient } from '../../src/api/generated/sctrace/v1/Tracer';
import type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';
import type { StartTraceResponse__Output } from '../../src/api/generated/sctrace/v1/StartTraceResponse';
import type { GetProcessTreeResponse__Output } from '../../src/api/generated/sctrace/v1/GetProcessTreeResponse';
import type { ListTracesResponse__Output } from '../../src/api/generated/sctrace/v1/ListTracesResponse';
import { startService, type InProcessService } from '../helpers/in-process';
import { FakeSyscalls } from '../helpers/fake-syscalls';
import { collect, connect, settle } from '../helpers/client';
import { makePki, opensslUnavailableReason, type TestPki } from '../helpers/certs';
import { RecordingLogger } from '../helpers/recording-log';
import { skipUnlessPossible } from '../helpers/privileges';

const noOpenssl = opensslUnavailableReason();
const token = (name: string) => `${name}-${randomBytes(16).toString('hex')}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const TOKENS = { admin: token('admin'), ops: token('ops'), ops2: token('ops2'), viewer: token('viewer'), tenant: token('tenant'), tenantViewer: token('tv') };

let pki: TestPki;
const engine = new FakeEngine('ebpf');
const log = new RecordingLogger();
/** TLS with tokens, plus a unix socket. */
let tokens: InProcessService;
/** Mutual TLS with certificate identities and tokens. */
let mutual: InProcessService;
let mutualAnonymous: InProcessService;

before(async () => {
  if (noOpenssl) return;
  pki = makePki();
  const yaml = path.join(pki.dir, 'identities.yaml');
  fs.writeFileSync(yaml, `identities:
  - { name: root-token, role: admin, token_sha256: ${sha256(TOKENS.admin)} }
  - { name: ops, role: operator, token_sha256: ${sha256(TOKENS.ops)} }
  - { name: ops2, role: operator, token_sha256: ${sha256(TOKENS.ops2)} }
  - { name: watcher, role: viewer, token_sha256: ${sha256(TOKENS.viewer)} }
  - name: tenant
    role: operator
    token_sha256: ${sha256(TOKENS.tenant)}
    scope: { uids: [1000], cgroup_ids: ["4242"] }
  - name: tenant-viewer
    role: viewer
    token_sha256: ${sha256(TOKENS.tenantViewer)}
    scope: { uids: [1000] }
`);
  const json = path.join(pki.dir, 'identities.json');
  fs.writeFileSync(json, JSON.stringify({ identities: [{ name: 'alice', role: 'operator', cert_cn: 'alice' }, { name: 'watcher', role: 'viewer', token_sha256: sha256(TOKENS.viewer) }] }));
  const tls = { tlsCert: pki.server.cert, tlsKey: pki.server.key };
  const unixDir = fs.mkdtempSync(path.join(pki.dir, 'sock-'));
  tokens = await startService([engine], new FakeSyscalls(), { ...tls, authFile: yaml, listen: ['127.0.0.1:0', `unix:${unixDir}/s.sock`] }, log);
  mutual = await startService([engine], new FakeSyscalls(), { ...tls, tlsClientCa: pki.ca, authFile: json, listen: ['127.0.0.1:0'] }, log);
  mutualAnonymous = await startService([engine], new FakeSyscalls(), { ...tls, tlsClientCa: pki.ca, listen: ['127.0.0.1:0'] }, log);
});

after(async () => {
  for (const s of [tokens, mutual, mutualAnonymous]) await s?.close();
  pki?.remove();
});

/** Promise wrappers that send `metadata` with every call. */
function rpcs(client: TracerClient, metadata = new Metadata()) {
  const unary = <T>(fn: (cb: (err: ServiceError | null, res?: T) => void) => void) =>
    new Promise<T>((resolve, reject) => fn((err, res) => (err ? reject(err) : resolve(res as T))));
  return {
    start: (spec: TraceSpec) => unary<StartTraceResponse__Output>((cb) => client.StartTrace({ spec }, metadata, cb)),
    stop: (id: string) => unary<unknown>((cb) => client.StopTrace({ trace_id: id }, metadata, cb)),
    list: () => unary<ListTracesResponse__Output>((cb) => client.ListTraces({}, metadata, cb)),
    caps: () => unary<unknown>((cb) => client.GetCapabilities({}, metadata, cb)),
    tree: (id: string) => unary<GetProcessTreeResponse__Output>((cb) => client.GetProcessTree({ trace_id: id }, metadata, cb)),
    /** The status StreamEvents ends with (the test stops the trace or cancels). */
    stream: (id: string) => {
      const call = client.StreamEvents({ trace_id: id }, metadata);
      const done = new Promise<ServiceError | null>((resolve) => {
        call.on('data', () => undefined);
        call.on('error', resolve);
        call.on('end', () => resolve(null));
      });
      return { done, cancel: () => call.cancel() };
    },
  };
}

const bearer = (t: string) => {
  const md = new Metadata();
  md.set('authorization', `Bearer ${t}`);
  return md;
};
const tlsChannel = (): ChannelCredentials => credentials.createSsl(pki.caPem);
/** Calls as the identity with token `t`, over TLS. */
function as(t: string | null, service = tokens, channel = tlsChannel()) {
  const client = connect(service.address, channel);
  return { client, rpc: rpcs(client, t === null ? new Metadata() : bearer(t)) };
}

async function expectStatus(promise: Promise<unknown>, code: status, pattern: RegExp): Promise<ServiceError> {
  let caught: ServiceError | undefined;
  await assert.rejects(promise, (err: ServiceError) => {
    caught = err;
    assert.equal(status[err.code], status[code], `${err.details}`);
    assert.match(err.details, pattern);
    return true;
  });
  return caught!;
}

test('no credentials, unknown or malformed ones: UNAUTHENTICATED for every call, and nothing else', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  for (const [what, metadata, pattern] of [
    ['no token', new Metadata(), /no credentials: send "authorization: Bearer TOKEN"/],
    ['an unknown token', bearer('not-a-token'), /unknown bearer token/],
    ['a malformed header', (() => { const m = new Metadata(); m.set('authorization', 'Basic abc'); return m; })(), /must be "Bearer TOKEN"/],
  ] as const) {
    const client = connect(tokens.address, tlsChannel());
    const rpc = rpcs(client, metadata);
    try {
      await expectStatus(rpc.list(), status.UNAUTHENTICATED, pattern);
      await expectStatus(rpc.caps(), status.UNAUTHENTICATED, pattern);
      await expectStatus(rpc.start({}), status.UNAUTHENTICATED, pattern);
      await expectStatus(rpc.stop('x'), status.UNAUTHENTICATED, pattern);
      await expectStatus(rpc.tree('x'), status.UNAUTHENTICATED, pattern);
      const stream = rpc.stream('x');
      const err = await stream.done;
      assert.equal(err?.code, status.UNAUTHENTICATED, `${what}: StreamEvents`);
    } finally {
      client.close();
    }
  }
  assert.equal(engine.sessions.filter((s) => !s.closed).length, 0, 'no trace was started');
  // The health service answers without credentials: load balancers and probes need it.
  const health = loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { enums: String })) as any;
  const hc = new health.grpc.health.v1.Health(tokens.address, tlsChannel());
  const res = await new Promise<any>((resolve, reject) => hc.Check({ service: 'sctrace.v1.Tracer' }, (err: Error | null, r: unknown) => (err ? reject(err) : resolve(r))));
  assert.equal(res.status, 'SERVING');
  hc.close();
});

test('a viewer lists and streams; StartTrace and StopTrace are PERMISSION_DENIED naming the role and the call', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const admin = as(TOKENS.admin);
  const viewer = as(TOKENS.viewer);
  try {
    const { trace_id } = await admin.rpc.start({ pids: [10] });
    assert.ok((await viewer.rpc.list()).traces.some((tr) => tr.trace_id === trace_id));
    await viewer.rpc.caps();
    assert.deepEqual((await viewer.rpc.tree(trace_id)).processes, [], 'a viewer may ask for the process tree (nothing seen yet)');
    const stream = viewer.rpc.stream(trace_id);
    await expectStatus(viewer.rpc.start({ pids: [11] }), status.PERMISSION_DENIED, /identity watcher has role viewer, which may not start traces \(StartTrace\)/);
    await expectStatus(viewer.rpc.stop(trace_id), status.PERMISSION_DENIED, /role viewer, which may not stop traces \(StopTrace\)/);
    await admin.rpc.stop(trace_id);
    assert.equal(await stream.done, null, 'the viewer streamed until the trace stopped');
    const refused = log.audit().find((a) => a.call === 'StartTrace' && a.identity === 'watcher');
    assert.deepEqual(refused && { result: refused.result, spec: refused.spec, role: refused.role }, { result: 'PERMISSION_DENIED', spec: { pids: [11] }, role: 'viewer' });
  } finally {
    admin.client.close();
    viewer.client.close();
  }
});

test('an operator starts traces and stops its own; an admin stops anyone\'s', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const [admin, ops, ops2] = [as(TOKENS.admin), as(TOKENS.ops), as(TOKENS.ops2)];
  try {
    const mine = await ops.rpc.start({ pids: [20] });
    const theirs = await ops2.rpc.start({ pids: [21] });
    const root = await admin.rpc.start({ pids: [22] });
    const owners = new Map((await ops.rpc.list()).traces.map((tr) => [tr.trace_id, tr.owner]));
    assert.deepEqual([owners.get(mine.trace_id), owners.get(theirs.trace_id), owners.get(root.trace_id)], ['ops', 'ops2', 'root-token']);
    await expectStatus(ops.rpc.stop(theirs.trace_id), status.PERMISSION_DENIED, /identity ops has role operator, which may stop only the traces it started/);
    await expectStatus(ops.rpc.stop(root.trace_id), status.PERMISSION_DENIED, /may stop only the traces it started/);
    await ops.rpc.stop(mine.trace_id);
    await admin.rpc.stop(theirs.trace_id);
    await admin.rpc.stop(root.trace_id);
    const stops = log.audit().filter((a) => a.call === 'StopTrace' && [mine.trace_id, theirs.trace_id].includes(a.trace_id as string));
    assert.deepEqual(stops.map((a) => [a.identity, a.result]), [['ops', 'PERMISSION_DENIED'], ['ops', 'OK'], ['root-token', 'OK']]);
    const started = log.audit().find((a) => a.call === 'StartTrace' && a.trace_id === mine.trace_id);
    assert.deepEqual(started && [started.identity, started.role, started.credential, started.result], ['ops', 'operator', 'token', 'OK']);
    assert.deepEqual(started?.spec, { pids: [20] }, 'the spec as sent, without its empty fields');
    assert.match(String(started?.peer), /^127\.0\.0\.1:\d+$/);
    const record = log.lines.find((l) => l.component === 'audit' && l.message.includes(`"trace_id":"${mine.trace_id}"`) && l.message.includes('"call":"StartTrace"'));
    assert.deepEqual(record?.fields, { identity: 'ops', trace_id: mine.trace_id }, 'identity and trace id are structured fields too');
  } finally {
    for (const c of [admin, ops, ops2]) c.client.close();
  }
});

test('a scoped identity: unfiltered fields take the scope (effective spec), values outside it are PERMISSION_DENIED naming the field', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const tenant = as(TOKENS.tenant);
  try {
    const everything = await tenant.rpc.start({});
    assert.deepEqual(everything.effective_spec?.uids, [1000]);
    assert.deepEqual(everything.effective_spec?.cgroup_ids, ['4242']);
    const session = engine.sessions.at(-1)!;
    assert.deepEqual(session.spec.uids, [1000], 'the kernel filter gets the scope');
    assert.deepEqual(session.spec.cgroupIds, [4242n]);
    const narrower = await tenant.rpc.start({ uids: [1000], pids: [1], follow_children: true });
    const eff = narrower.effective_spec!;
    assert.deepEqual([eff.uids, eff.cgroup_ids, eff.pids, eff.follow_children], [[1000], ['4242'], [1], true]);
    await expectStatus(tenant.rpc.start({ uids: [1000, 0] }), status.PERMISSION_DENIED, /spec\.uids: 0 outside the scope of identity tenant, which may trace uids 1000 only/);
    await expectStatus(tenant.rpc.start({ cgroup_ids: ['1'] }), status.PERMISSION_DENIED, /spec\.cgroup_ids: "1" outside the scope/);
    const audit = log.audit().find((a) => a.trace_id === everything.trace_id && a.call === 'StartTrace');
    assert.deepEqual(audit?.effective_spec && (audit.effective_spec as TraceSpec).uids, [1000], 'the audit line shows the effective spec');
    await tenant.rpc.stop(everything.trace_id);
    await tenant.rpc.stop(narrower.trace_id);
  } finally {
    tenant.client.close();
  }
});

test('a scoped viewer sees and streams only traces confined to its scope', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const [admin, tenant, viewer] = [as(TOKENS.admin), as(TOKENS.tenant), as(TOKENS.tenantViewer)];
  try {
    const wide = await admin.rpc.start({});
    const otherUser = await admin.rpc.start({ uids: [1000, 1001] });
    const inside = await tenant.rpc.start({});
    const visible = (await viewer.rpc.list()).traces.map((tr) => tr.trace_id);
    assert.deepEqual(visible, [inside.trace_id]);
    const denied = viewer.rpc.stream(wide.trace_id);
    const err = await denied.done;
    assert.equal(err?.code, status.PERMISSION_DENIED);
    assert.match(err?.details ?? '', /not confined to the scope of identity tenant-viewer \(its spec\.uids reaches outside it\)/);
    const denied2 = await viewer.rpc.stream(otherUser.trace_id).done;
    assert.equal(denied2?.code, status.PERMISSION_DENIED);
    await expectStatus(viewer.rpc.tree(wide.trace_id), status.PERMISSION_DENIED, /not confined to the scope of identity tenant-viewer/);
    assert.equal((await viewer.rpc.tree(inside.trace_id)).node_limit, 10_000, 'the tree of a trace in its scope');
    const allowed = viewer.rpc.stream(inside.trace_id);
    await settle();
    await tenant.rpc.stop(inside.trace_id);
    assert.equal(await allowed.done, null);
    assert.equal((await admin.rpc.list()).traces.length, 2, 'the admin sees every trace');
    await admin.rpc.stop(wide.trace_id);
    await admin.rpc.stop(otherUser.trace_id);
  } finally {
    for (const c of [admin, tenant, viewer]) c.client.close();
  }
});

test('the unix socket: no token is the local admin; a token there is that identity', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const unix = tokens.addresses[1];
  const local = as(null, tokens, credentials.createInsecure());
  const localClient = connect(unix);
  const viewer = connect(unix);
  try {
    const local = rpcs(localClient);
    const { trace_id } = await local.start({ pids: [30] });
    assert.equal((await local.list()).traces.find((tr) => tr.trace_id === trace_id)?.owner, 'local');
    await expectStatus(rpcs(viewer, bearer(TOKENS.viewer)).start({}), status.PERMISSION_DENIED, /identity watcher has role viewer/);
    await expectStatus(rpcs(viewer, bearer('bogus')).list(), status.UNAUTHENTICATED, /unknown bearer token/);
    await local.stop(trace_id);
    const line = log.audit().find((a) => a.trace_id === trace_id && a.call === 'StartTrace');
    assert.equal(line?.credential, 'unix-socket');
    assert.equal(line?.peer, unix);
  } finally {
    local.client.close();
    localClient.close();
    viewer.close();
  }
});

test('mutual TLS: the certificate CN is the identity; an unknown CN is UNAUTHENTICATED; a token still decides', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const alice = pki.client('alice');
  const bob = pki.client('bob');
  const aliceChannel = () => credentials.createSsl(pki.caPem, alice.keyPem, alice.certPem);
  const a = as(null, mutual, aliceChannel());
  const b = as(null, mutual, credentials.createSsl(pki.caPem, bob.keyPem, bob.certPem));
  const watcher = as(TOKENS.viewer, mutual, aliceChannel());
  const anon = as(null, mutualAnonymous, credentials.createSsl(pki.caPem, bob.keyPem, bob.certPem));
  try {
    const { trace_id } = await a.rpc.start({ pids: [40] });
    assert.equal((await a.rpc.list()).traces.find((tr) => tr.trace_id === trace_id)?.owner, 'alice');
    await expectStatus(b.rpc.list(), status.UNAUTHENTICATED, /client certificate CN "bob" is no identity of this service/);
    await expectStatus(watcher.rpc.start({}), status.PERMISSION_DENIED, /identity watcher has role viewer/);
    await a.rpc.stop(trace_id);
    // Without --auth, the CA is the whole access control: every certificate it signed is an admin named by its CN.
    const other = await anon.rpc.start({ pids: [41] });
    assert.equal((await anon.rpc.list()).traces.find((tr) => tr.trace_id === other.trace_id)?.owner, 'bob');
    await anon.rpc.stop(other.trace_id);
    const refused = log.audit().find((x) => x.result === 'UNAUTHENTICATED' && /"bob"/.test(String(x.detail)));
    assert.equal(refused?.identity, null);
    assert.match(String(refused?.peer), /^127\.0\.0\.1:\d+$/);
  } finally {
    for (const c of [a, b, watcher, anon]) c.client.close();
  }
});

test('reflection needs an identity too', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const reflectionProto = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
  const refl = loadPackageDefinition(protoLoader.loadSync(reflectionProto, { keepCase: true })) as any;
  const ask = (metadata: Metadata) => {
    const rc = new refl.grpc.reflection.v1.ServerReflection(tokens.address, tlsChannel());
    const call = rc.ServerReflectionInfo(metadata);
    return new Promise<any>((resolve) => {
      call.on('data', (d: unknown) => resolve(d));
      call.on('error', (err: ServiceError) => resolve(err));
      call.write({ list_services: '' });
    }).finally(() => {
      call.end();
      rc.close();
    });
  };
  const refused = await ask(new Metadata());
  assert.equal(refused.code, status.UNAUTHENTICATED);
  const reply = await ask(bearer(TOKENS.viewer));
  assert.ok(reply.list_services_response.service.some((s: { name: string }) => s.name === 'sctrace.v1.Tracer'));
});

test('a subscription is audited with identity and trace id', async (t) => {
  if (skipUnlessPossible(t, noOpenssl)) return;
  const admin = as(TOKENS.admin);
  try {
    const { trace_id } = await admin.rpc.start({ pids: [50] });
    const sub = collect(admin.client, trace_id);
    sub.cancel();
    await sub.done;
    await admin.rpc.stop(trace_id);
  } finally {
    admin.client.close();
  }
  assert.ok(log.audit().some((a) => a.call === 'StreamEvents' && a.result === 'UNAUTHENTICATED'), 'refused subscription logged');
});
