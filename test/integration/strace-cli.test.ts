/**
 * The CLI end to end against the real service: `sctrace trace -f -y -e %file -- cat FILE`
 * prints only the syscalls of strace's %file class, in strace's syntax, with fd paths.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { SYSCALL_CLASSES } from '../../src/syscalls/classes';
import { ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';
import { ROOT, spawnService, type ServiceProcess } from '../helpers/service-process';

const reason = ebpfUnavailableReason(defaultObjectPath());
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-cli-'));
let service: ServiceProcess | undefined;

before(async () => {
  if (reason) return;
  service = await spawnService(['--idle-timeout', '30']);
});

after(async () => {
  if (service) assert.equal(await service.stop(), 0, `sctraced exit code; log:\n${service.log()}`);
  fs.rmSync(workdir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'dist/clients/cli/main.js'), '--server', service!.address, ...args], { cwd: workdir }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('trace -e %file -y prints only %file syscalls, strace-style, with fd paths', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const file = path.join(workdir, 'hello.txt');
  fs.writeFileSync(file, 'hello\n');
  const out = path.join(workdir, 'trace.txt');
  const run = await cli(['trace', '-f', '-y', '-e', '%file', '-o', out, '--', '/usr/bin/cat', file]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'hello\n');
  // strace -f -o FILE: every line starts with the thread id, left-aligned in five columns.
  const lines = fs.readFileSync(out, 'utf8').split('\n').filter((l) => /^\d+ +[a-z_0-9]+\(/.test(l));
  const names = new Set(lines.map((l) => /^\d+ +([a-z_0-9]+)\(/.exec(l)![1]));
  const fileClass = new Set(SYSCALL_CLASSES['%file']);
  assert.ok(lines.length > 5, `some syscalls: ${lines.length}`);
  assert.deepEqual([...names].filter((n) => !fileClass.has(n)), [], 'only %file members');
  // The mode of an openat without O_CREAT is not printed; the returned fd is named.
  const open = lines.find((l) => l.includes('openat(') && l.includes(`"${file}"`));
  assert.ok(open, `openat of ${file}`);
  assert.match(open, new RegExp(`openat\\(AT_FDCWD<[^>]+>, "${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}", O_RDONLY\\) += 3<${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}>$`));
  assert.ok(!fs.readFileSync(out, 'utf8').includes('--- exec'), 'no exec notices: strace prints none');
  assert.match(fs.readFileSync(out, 'utf8'), /^\d+ +\+\+\+ exited with 0 \+\+\+$/m);
  assert.ok(lines.some((l) => /execve\("\/usr\/bin\/cat", \["\/usr\/bin\/cat", ".*"(\.\.\.)?\], 0x[0-9a-f]+ \/\* \d+ vars \*\/\) = 0/.test(l) || /execve\("\/usr\/bin\/cat", 0x/.test(l)), 'execve line');
});

test('trace -e chdir shows the command\'s chdir calls (the launcher start-up ends at its exec event)', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const run = await cli(['trace', '-e', 'chdir', '--', '/bin/sh', '-c', 'cd /tmp; cd /nonexistent-sctrace-dir']);
  assert.equal(run.code, 2, run.stderr);
  const calls = run.stdout.split('\n').filter((l) => /^chdir\(/.test(l));
  assert.deepEqual(
    calls,
    ['chdir("/tmp")                           = 0', 'chdir("/nonexistent-sctrace-dir")       = -1 ENOENT (No such file or directory)'],
    run.stdout,
  );
});

test('trace -e openat -- cat shows cat\'s openat of the file', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const run = await cli(['trace', '-e', 'openat', '--', 'cat', '/etc/hostname']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^openat\(AT_FDCWD, "\/etc\/hostname", O_RDONLY\) = 3$/m);
  const timed = await cli(['trace', '-T', '-e', 'openat', '--', 'cat', '/etc/hostname']);
  assert.match(timed.stdout, /^openat\(AT_FDCWD, "\/etc\/hostname", O_RDONLY\) = 3 <\d+\.\d{6}>$/m, '-T shows the time spent');
});

test('CMD inherits the descriptors the CLI inherited from 3 up', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const script = `exec 9>>/dev/full; ls /proc/$$/fd >caller-fds; exec "${process.execPath}" "${path.join(ROOT, 'dist/clients/cli/main.js')}" --server "${service!.address}" trace -e execve -- /bin/sh -c 'ls -l /proc/self/fd/' </dev/null`;
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    execFile('/bin/bash', ['-c', script], { cwd: workdir }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })),
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, / 9 -> \/dev\/full$/m, run.stdout);
  // Exactly those: with stdin /dev/null as here, Node opens a /dev/null of its own while the CLI's
  // modules load, which CMD must not get (strace's test programs count /proc/self/fd).
  const caller = fs.readFileSync(path.join(workdir, 'caller-fds'), 'utf8').split('\n').filter(Boolean).map(Number);
  const fds = [...run.stdout.matchAll(/ (\d+) -> /g)].map((m) => Number(m[1]));
  const extra = fds.filter((fd) => !caller.includes(fd));
  assert.ok(caller.every((fd) => fds.includes(fd)), `every descriptor of the caller (${caller.join(' ')}): ${run.stdout}`);
  assert.equal(extra.length, 1, `only ls's own directory fd besides the caller's (${caller.join(' ')}): ${run.stdout}`);
});
