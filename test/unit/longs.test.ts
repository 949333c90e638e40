/** The internal event model's 64-bit values (src/util/longs.ts) against bigint arithmetic. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EpochClock, longValue } from '../../src/util/longs';

test('longValue: numbers while exact, decimal text beyond 2^53 either way', () => {
  assert.equal(longValue(0n), 0);
  assert.equal(longValue(-2n), -2);
  assert.equal(longValue(2n ** 53n - 1n), Number.MAX_SAFE_INTEGER);
  assert.equal(longValue(-(2n ** 53n - 1n)), -Number.MAX_SAFE_INTEGER);
  assert.equal(longValue(2n ** 53n), '9007199254740992');
  assert.equal(longValue(2n ** 53n + 1n), '9007199254740993');
  assert.equal(longValue(-(2n ** 53n) - 1n), '-9007199254740993');
  assert.equal(longValue(2n ** 64n - 100n), '18446744073709551516');
});

test('EpochClock adds the offset with the carry between the halves', () => {
  const view = new DataView(new ArrayBuffer(8));
  const cases: Array<[bigint, bigint]> = [
    [0n, 0n],
    [1_000_000n, 1_796_110_369_587_000_000n],
    [0xffff_fff0n, 0x1_0000_0020n], // the low halves carry
    [0x1234_5678_ffff_ffffn, 1n], // a carry into a non-zero high half
    [123_456_789_012_345n, 1_700_000_000_000_000_000n],
  ];
  for (const [mono, offset] of cases) {
    view.setBigUint64(0, mono, true);
    const ts = new EpochClock(offset).read(view, 0);
    assert.equal(ts.toString(), (mono + offset).toString(), `${mono} + ${offset}`);
    assert.equal(ts.unsigned, true);
  }
});
