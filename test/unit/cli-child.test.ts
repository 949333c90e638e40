/**
 * Which descriptors `trace -- CMD` passes on: those the CLI inherited, told apart from Node's own
 * event-loop descriptors by what they name (a stand-in /proc/self/fd of symlinks).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { childStdio, snapshotInheritedFds } from '../../clients/cli/child';

test('inherited descriptors: not libuv\'s anon inodes, not pipes held at both ends', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-fds-'));
  try {
    const links: Record<string, string> = {
      '0': '/dev/null',
      '2': '/dev/pts/0',
      '3': 'anon_inode:[eventpoll]',
      '4': 'pipe:[100]',
      '5': 'pipe:[100]',
      '7': 'pipe:[200]',
      '9': '/dev/full',
      '11': 'anon_inode:[eventfd]',
      '12': 'socket:[300]',
    };
    for (const [fd, target] of Object.entries(links)) fs.symlinkSync(target, path.join(dir, fd));
    assert.deepEqual(snapshotInheritedFds(dir), [7, 9, 12]);
    assert.deepEqual(childStdio(), ['inherit', 'inherit', 'inherit', 'ignore', 'ignore', 'ignore', 'ignore', 7, 'ignore', 9, 'ignore', 'ignore', 12]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    snapshotInheritedFds(path.join(dir, 'gone'));
  }
});

test('a missing fd directory passes nothing on', () => {
  assert.deepEqual(snapshotInheritedFds('/nonexistent-sctrace'), []);
  assert.deepEqual(childStdio(), ['inherit', 'inherit', 'inherit']);
});
