/**
 * Records the module's raw output for test/unit/kmod-reader.test.ts (test/kmod/fixtures/). Not part
 * of any test run: to regenerate the fixture, run it in the guest and copy the base64 between the
 * markers from .cache/kmod/guest.log:
 *
 *   SCTRACE_KMOD_TESTS=dist/test/kmod/record-fixture.js npm run test:kmod
 *   sed -n '/^SCTRACE-FIXTURE-BEGIN/,/^SCTRACE-FIXTURE-END/p' .cache/kmod/guest.log | sed '1d;$d' \
 *     | tr -d '\r' > test/kmod/fixtures/cat-trace.b64
 *
 * The workload: `/bin/cat /proc/version /no/such/file` traced by pid with process events and
 * every syscall, strings as sctraced configures them.
 */
import { test } from 'node:test';
import fs from 'node:fs';
import { kernelMeta, SyscallCatalog } from '../../src/syscalls/catalog';
import { setupText } from '../../src/backends/kmod/protocol';
import { spawnStopped } from '../helpers/service-process';

test('record the module output of a small workload', async () => {
  const catalog = SyscallCatalog.load();
  const child = await spawnStopped(['/bin/cat', '/proc/version', '/no/such/file']);
  // One trace in slot 0: every syscall of the child, with process events, as sctraced writes it.
  const control = fs.openSync('/proc/sctrace/control', fs.constants.O_RDWR);
  fs.writeSync(control, setupText({ exclude: [process.pid], ringBytes: 1 << 20, wakeupBytes: 1 }, kernelMeta(catalog)));
  fs.writeSync(control, `sys 0-511 0x1\ntgid ${child.pid} 0x1\nset comm_any 0x1 uid_any 0x1 cgroup_any 0x1 proc_events 0x1 string_max 256 active 0x1\n`);
  const events = fs.openSync('/proc/sctrace/events', fs.constants.O_RDONLY);
  child.resume();
  await child.exited;
  fs.closeSync(control);
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(1 << 20);
  for (let n; (n = fs.readSync(events, buf, 0, buf.length, null)) > 0; ) chunks.push(Buffer.from(buf.subarray(0, n)));
  fs.closeSync(events);
  const b64 = Buffer.concat(chunks).toString('base64');
  process.stdout.write(`SCTRACE-FIXTURE-BEGIN\n${b64.replace(/(.{76})/g, '$1\n')}\nSCTRACE-FIXTURE-END\n`);
});
