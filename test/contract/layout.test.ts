/**
 * The alignment check (after Tetragon's): the TypeScript decoder's offsets and sizes must equal
 * the C structs of bpf/shared/sctrace_event.h as the compiler laid them out in the built object's
 * BTF. A layout change on one side only fails here instead of corrupting events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { Layout } from '../../src/backends/records';
import { ENUMS, STRUCTS } from '../../src/backends/ebpf/generated/bpf';
import { EnterBit, ReadFlag, ReadKind, ReadLen } from '../../src/syscalls/reads';

interface BtfStruct {
  size: number;
  members: Map<string, number>;
}

/** Parses `bpftool btf dump file X format raw` into struct name → size and member byte offsets. */
function btfStructs(objectPath: string): Map<string, BtfStruct> {
  const raw = execFileSync('bpftool', ['btf', 'dump', 'file', objectPath, 'format', 'raw'], { encoding: 'utf8' });
  const structs = new Map<string, BtfStruct>();
  let current: BtfStruct | undefined;
  for (const line of raw.split('\n')) {
    const head = /^\[\d+\] STRUCT '([^']+)' size=(\d+)/.exec(line);
    if (head) {
      current = { size: Number(head[2]), members: new Map() };
      structs.set(head[1], current);
      continue;
    }
    const member = /^\s+'([^']+)' type_id=\d+ bits_offset=(\d+)/.exec(line);
    if (member && current) current.members.set(member[1], Number(member[2]) / 8);
    else if (!line.startsWith('\t') && !line.startsWith(' ')) current = undefined;
  }
  return structs;
}

const objectPath = defaultObjectPath();

test('decoder offsets match the C structs in the BPF object BTF', (t) => {
  if (!fs.existsSync(objectPath)) {
    if (process.env.CI === 'true') assert.fail(`${objectPath} not built (npm run build)`);
    t.skip(`${objectPath} not built: run npm run build`);
    return;
  }
  const structs = btfStructs(objectPath);
  const expect: Array<[string, Record<string, number>]> = [
    ['sct_header', Layout.header],
    ['sct_syscall', Layout.syscall],
    ['sct_exec', Layout.exec],
    ['sct_fork', Layout.fork],
    ['sct_exit', Layout.exit],
    ['sct_usage', Layout.usage],
    ['sct_thread_exit', Layout.threadExit],
    ['sct_switch', Layout.switch],
    ['sct_signal', Layout.signal],
    ['sct_blob', Layout.blob],
    ['sct_ioctl_size', STRUCTS.sct_ioctl_size],
  ];
  let checked = 0;
  for (const [name, layout] of expect) {
    const s = structs.get(name);
    assert.ok(s, `struct ${name} is not in the BTF of ${objectPath}`);
    assert.equal(s.size, layout.SIZE, `sizeof(struct ${name})`);
    for (const [field, offset] of Object.entries(layout)) {
      if (field === 'SIZE') continue;
      // Fields after the embedded header are members of the outer struct; header fields of the
      // outer structs live in sct_header and are checked there.
      const actual = s.members.get(field);
      assert.equal(actual, offset, `offsetof(struct ${name}, ${field})`);
      checked++;
    }
  }
  assert.ok(checked >= 25, `only ${checked} fields checked`);
});

test("the read table's kinds, lengths, flags and enter bits in src/syscalls/reads.ts are the object's enums", () => {
  const expect = (ts: Record<string, number>, c: Record<string, number>, prefix: string) => {
    for (const [name, value] of Object.entries(ts)) assert.equal(value, c[`${prefix}${name}`], `${prefix}${name}`);
    const named = Object.entries(c).filter(([name]) => name !== `${prefix}NONE` && name !== `${prefix}LAST`);
    assert.equal(Object.keys(ts).length, named.length, `every ${prefix}* value has a TypeScript name`);
  };
  expect(ReadKind, ENUMS.sct_read_kind, 'SCT_READ_');
  expect(ReadLen, ENUMS.sct_read_len, 'SCT_LEN_');
  expect(ReadFlag, ENUMS.sct_read_flags, 'SCT_RD_');
  expect(EnterBit, ENUMS.sct_enter, 'SCT_ENTER_');
});
