/** --auth FILE: the identities format, JSON and YAML, and the errors that stop the service at start. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IdentitiesError, loadIdentities, parseIdentities } from '../../src/auth/identities-file';

const HASH = 'a'.repeat(64);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-ids-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string, mode = 0o600) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
  return file;
};
const invalid = (doc: unknown, pattern: RegExp) => assert.throws(() => parseIdentities(doc, 'ids'), (err: Error) => err instanceof IdentitiesError && pattern.test(err.message));

test('JSON and YAML files give the same identities', () => {
  const json = write('ids.json', JSON.stringify({
    identities: [
      { name: 'ops', role: 'operator', token_sha256: HASH.toUpperCase() },
      { name: 'tenant', role: 'viewer', cert_cn: 'tenant.example', scope: { uids: [1000], cgroup_ids: [42, '18446744073709551615'], comms: ['nginx'] } },
    ],
  }));
  const yaml = write('ids.yaml', `identities:
  - name: ops
    role: operator
    token_sha256: ${HASH.toUpperCase()}
  - name: tenant
    role: viewer
    cert_cn: tenant.example
    scope: { uids: [1000], cgroup_ids: [42, "18446744073709551615"], comms: [nginx] }
`);
  for (const file of [json, yaml]) {
    const [ops, tenant] = loadIdentities(file);
    assert.equal(ops.name, 'ops');
    assert.equal(ops.role, 'operator');
    assert.equal(ops.tokenSha256?.toString('hex'), HASH);
    assert.deepEqual(tenant.scope, { uids: [1000], cgroupIds: ['42', '18446744073709551615'], comms: ['nginx'] });
    assert.equal(tenant.certCn, 'tenant.example');
  }
});

test('mistakes name the entry and the field', () => {
  invalid({}, /expected \{"identities": \[\.\.\.\]\}/);
  invalid({ identities: [] }, /is empty/);
  invalid({ identities: [], extra: 1 }, /unknown key "extra"/);
  invalid({ identities: [{ name: 'x', role: 'root', token_sha256: HASH }] }, /identities\[0\] \("x"\): "role" must be viewer, operator, admin; got "root"/);
  invalid({ identities: [{ name: 'x', role: 'viewer', token_sha256: 'abc' }] }, /"token_sha256" must be 64 hex digits/);
  invalid({ identities: [{ name: 'x', role: 'viewer' }] }, /give "token_sha256" or "cert_cn"/);
  invalid({ identities: [{ name: 'x', role: 'viewer', token_sha256: HASH, scopes: {} }] }, /unknown key "scopes"/);
  invalid({ identities: [{ name: 'x', role: 'viewer', token_sha256: HASH, scope: { uid: [1] } }] }, /scope: unknown key "uid"/);
  invalid({ identities: [{ name: 'x', role: 'viewer', token_sha256: HASH, scope: { uids: [] } }] }, /scope\.uids: must be a non-empty list/);
  invalid({ identities: [{ name: 'x', role: 'viewer', token_sha256: HASH, scope: {} }] }, /scope: is empty/);
  invalid({ identities: [{ name: 'x', role: 'viewer', token_sha256: HASH, scope: { uids: [-1] } }] }, /scope\.uids: -1 is not a uid/);
  invalid({ identities: [{ name: 'x', role: 'viewer', token_sha256: HASH, scope: { cgroup_ids: [2 ** 60] } }] }, /must be quoted strings/);
  invalid({ identities: [{ name: 'x', role: 'viewer', token_sha256: HASH, scope: { comms: ['a-very-long-task-name'] } }] }, /1 to 15 bytes/);
  invalid({ identities: [{ name: 'x', role: 'admin', token_sha256: HASH, scope: { uids: [1] } }] }, /an admin may do everything/);
  invalid({ identities: [{ name: 'local', role: 'viewer', token_sha256: HASH }] }, /reserved for the service's built-in identity/);
  invalid({ identities: [{ name: 'bad\nname', role: 'viewer', token_sha256: HASH }] }, /"name" must be 1 to 64 printable ASCII/);
  invalid({ identities: [{ name: 'a', role: 'viewer', token_sha256: HASH }, { name: 'b', role: 'admin', token_sha256: HASH }] }, /"a" and "b" have the same token_sha256/);
  invalid({ identities: [{ name: 'a', role: 'viewer', cert_cn: 'c' }, { name: 'a', role: 'admin', cert_cn: 'd' }] }, /"a" and "a" have the same name/);
});

test('a key given twice (which JSON.parse would silently resolve) and a world-writable file are refused', () => {
  const twice = write('twice.json', `{"identities": [{"name": "x", "role": "viewer", "role": "admin", "token_sha256": "${HASH}"}]}`);
  assert.throws(() => loadIdentities(twice), /not JSON or YAML: .*unique/i);
  const open = write('open.json', JSON.stringify({ identities: [{ name: 'x', role: 'viewer', token_sha256: HASH }] }), 0o666);
  assert.throws(() => loadIdentities(open), /anyone on this host can write to it/);
  assert.throws(() => loadIdentities(path.join(dir, 'missing.yaml')), /--auth .*missing\.yaml: ENOENT/);
});
