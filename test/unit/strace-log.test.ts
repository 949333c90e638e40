/** The strace log reader the comparison tests use (test/helpers/strace-log.ts), on strace 6.1's own lines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStraceLog } from '../helpers/strace-log';

test('an interrupted call is joined as strace prints it whole, the space before => kept', () => {
  // strace -f, clone3 with CLONE_PARENT_SETTID while the child ran (strace 6.1's tests/clone3.c).
  const log = [
    '12309 clone3({flags=CLONE_PARENT_SETTID, parent_tid=NULL, exit_signal=0, stack=NULL, stack_size=0} <unfinished ...>',
    '12316 exit_group(0)                     = ?',
    '12309 <... clone3 resumed> => {parent_tid=NULL}, 88) = 12316',
    '12309 read(3,  <unfinished ...>',
    '12309 <... read resumed>"abc", 10)      = 3',
  ].join('\n');
  const calls = parseStraceLog(log);
  const lines = calls.filter((c) => c.tid === 12309).map((c) => c.line.replace(/ {2,}/g, ' '));
  assert.deepEqual(lines, [
    'clone3({flags=CLONE_PARENT_SETTID, parent_tid=NULL, exit_signal=0, stack=NULL, stack_size=0} => {parent_tid=NULL}, 88) = 12316',
    'read(3, "abc", 10) = 3',
  ]);
  assert.equal(calls[0].ret, '12316');
  assert.ok(calls[0].joined);
});
