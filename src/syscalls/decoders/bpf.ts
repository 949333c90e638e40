/**
 * bpf(2): the command, and `union bpf_attr` as strace prints it for the common commands, only
 * as far as the size the caller gave reaches (strace stops at the first field a released
 * version of the struct did not have yet), with `...` for non-zero bytes past the struct it knows.
 * The attr is read in the kernel at the call's size (src/syscalls/reads.ts), and the strings its
 * pointers at bytes 0 and 16 point to (OBJ_PIN's pathname, RAW_TRACEPOINT_OPEN's name,
 * PROG_LOAD's license); strace prints the address instead for a size of 0 or above a page, and
 * for memory it cannot read.
 */
import type { ArchTables } from '../arch';
import { extraData, formatFields, type Field, type FieldKind } from './fields';
import { argIndexOf, bytesOf, derivedKey, INNER_PART, type DecoderRegistry } from './registry';
import { fixedXlat, pointer, u32, valueArg, xlat, type Xlat } from './xlat';


const BPF_CMDS = [
  'BPF_MAP_CREATE', 'BPF_MAP_LOOKUP_ELEM', 'BPF_MAP_UPDATE_ELEM', 'BPF_MAP_DELETE_ELEM', 'BPF_MAP_GET_NEXT_KEY', 'BPF_PROG_LOAD',
  'BPF_OBJ_PIN', 'BPF_OBJ_GET', 'BPF_PROG_ATTACH', 'BPF_PROG_DETACH', 'BPF_PROG_TEST_RUN', 'BPF_PROG_GET_NEXT_ID',
  'BPF_MAP_GET_NEXT_ID', 'BPF_PROG_GET_FD_BY_ID', 'BPF_MAP_GET_FD_BY_ID', 'BPF_OBJ_GET_INFO_BY_FD', 'BPF_PROG_QUERY',
  'BPF_RAW_TRACEPOINT_OPEN', 'BPF_BTF_LOAD', 'BPF_BTF_GET_FD_BY_ID', 'BPF_TASK_FD_QUERY', 'BPF_MAP_LOOKUP_AND_DELETE_ELEM',
  'BPF_MAP_FREEZE', 'BPF_BTF_GET_NEXT_ID', 'BPF_MAP_LOOKUP_BATCH', 'BPF_MAP_LOOKUP_AND_DELETE_BATCH', 'BPF_MAP_UPDATE_BATCH',
  'BPF_MAP_DELETE_BATCH', 'BPF_LINK_CREATE', 'BPF_LINK_UPDATE', 'BPF_LINK_GET_FD_BY_ID', 'BPF_LINK_GET_NEXT_ID', 'BPF_ENABLE_STATS',
  'BPF_ITER_CREATE', 'BPF_LINK_DETACH', 'BPF_PROG_BIND_MAP',
];
const MAP_TYPES = [
  'BPF_MAP_TYPE_UNSPEC', 'BPF_MAP_TYPE_HASH', 'BPF_MAP_TYPE_ARRAY', 'BPF_MAP_TYPE_PROG_ARRAY', 'BPF_MAP_TYPE_PERF_EVENT_ARRAY',
  'BPF_MAP_TYPE_PERCPU_HASH', 'BPF_MAP_TYPE_PERCPU_ARRAY', 'BPF_MAP_TYPE_STACK_TRACE', 'BPF_MAP_TYPE_CGROUP_ARRAY', 'BPF_MAP_TYPE_LRU_HASH',
  'BPF_MAP_TYPE_LRU_PERCPU_HASH', 'BPF_MAP_TYPE_LPM_TRIE', 'BPF_MAP_TYPE_ARRAY_OF_MAPS', 'BPF_MAP_TYPE_HASH_OF_MAPS', 'BPF_MAP_TYPE_DEVMAP',
  'BPF_MAP_TYPE_SOCKMAP', 'BPF_MAP_TYPE_CPUMAP', 'BPF_MAP_TYPE_XSKMAP', 'BPF_MAP_TYPE_SOCKHASH', 'BPF_MAP_TYPE_CGROUP_STORAGE',
  'BPF_MAP_TYPE_REUSEPORT_SOCKARRAY', 'BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE', 'BPF_MAP_TYPE_QUEUE', 'BPF_MAP_TYPE_STACK', 'BPF_MAP_TYPE_SK_STORAGE',
  'BPF_MAP_TYPE_DEVMAP_HASH', 'BPF_MAP_TYPE_STRUCT_OPS', 'BPF_MAP_TYPE_RINGBUF', 'BPF_MAP_TYPE_INODE_STORAGE', 'BPF_MAP_TYPE_TASK_STORAGE',
  'BPF_MAP_TYPE_BLOOM_FILTER', 'BPF_MAP_TYPE_USER_RINGBUF',
];
const PROG_TYPES = [
  'BPF_PROG_TYPE_UNSPEC', 'BPF_PROG_TYPE_SOCKET_FILTER', 'BPF_PROG_TYPE_KPROBE', 'BPF_PROG_TYPE_SCHED_CLS', 'BPF_PROG_TYPE_SCHED_ACT',
  'BPF_PROG_TYPE_TRACEPOINT', 'BPF_PROG_TYPE_XDP', 'BPF_PROG_TYPE_PERF_EVENT', 'BPF_PROG_TYPE_CGROUP_SKB', 'BPF_PROG_TYPE_CGROUP_SOCK',
  'BPF_PROG_TYPE_LWT_IN', 'BPF_PROG_TYPE_LWT_OUT', 'BPF_PROG_TYPE_LWT_XMIT', 'BPF_PROG_TYPE_SOCK_OPS', 'BPF_PROG_TYPE_SK_SKB',
  'BPF_PROG_TYPE_CGROUP_DEVICE', 'BPF_PROG_TYPE_SK_MSG', 'BPF_PROG_TYPE_RAW_TRACEPOINT', 'BPF_PROG_TYPE_CGROUP_SOCK_ADDR',
  'BPF_PROG_TYPE_LWT_SEG6LOCAL', 'BPF_PROG_TYPE_LIRC_MODE2', 'BPF_PROG_TYPE_SK_REUSEPORT', 'BPF_PROG_TYPE_FLOW_DISSECTOR',
  'BPF_PROG_TYPE_CGROUP_SYSCTL', 'BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE', 'BPF_PROG_TYPE_CGROUP_SOCKOPT', 'BPF_PROG_TYPE_TRACING',
  'BPF_PROG_TYPE_STRUCT_OPS', 'BPF_PROG_TYPE_EXT', 'BPF_PROG_TYPE_LSM', 'BPF_PROG_TYPE_SK_LOOKUP', 'BPF_PROG_TYPE_SYSCALL',
];
const ATTACH_TYPES = [
  'BPF_CGROUP_INET_INGRESS', 'BPF_CGROUP_INET_EGRESS', 'BPF_CGROUP_INET_SOCK_CREATE', 'BPF_CGROUP_SOCK_OPS', 'BPF_SK_SKB_STREAM_PARSER',
  'BPF_SK_SKB_STREAM_VERDICT', 'BPF_CGROUP_DEVICE', 'BPF_SK_MSG_VERDICT', 'BPF_CGROUP_INET4_BIND', 'BPF_CGROUP_INET6_BIND',
  'BPF_CGROUP_INET4_CONNECT', 'BPF_CGROUP_INET6_CONNECT', 'BPF_CGROUP_INET4_POST_BIND', 'BPF_CGROUP_INET6_POST_BIND',
  'BPF_CGROUP_UDP4_SENDMSG', 'BPF_CGROUP_UDP6_SENDMSG', 'BPF_LIRC_MODE2', 'BPF_FLOW_DISSECTOR', 'BPF_CGROUP_SYSCTL',
  'BPF_CGROUP_UDP4_RECVMSG', 'BPF_CGROUP_UDP6_RECVMSG', 'BPF_CGROUP_GETSOCKOPT', 'BPF_CGROUP_SETSOCKOPT', 'BPF_TRACE_RAW_TP',
  'BPF_TRACE_FENTRY', 'BPF_TRACE_FEXIT', 'BPF_MODIFY_RETURN', 'BPF_LSM_MAC', 'BPF_TRACE_ITER', 'BPF_CGROUP_INET4_GETPEERNAME',
  'BPF_CGROUP_INET6_GETPEERNAME', 'BPF_CGROUP_INET4_GETSOCKNAME', 'BPF_CGROUP_INET6_GETSOCKNAME', 'BPF_XDP_DEVMAP',
  'BPF_CGROUP_INET_SOCK_RELEASE', 'BPF_XDP_CPUMAP', 'BPF_SK_LOOKUP', 'BPF_XDP', 'BPF_SK_SKB_VERDICT', 'BPF_SK_REUSEPORT_SELECT',
  'BPF_SK_REUSEPORT_SELECT_OR_MIGRATE', 'BPF_PERF_EVENT', 'BPF_TRACE_KPROBE_MULTI', 'BPF_LSM_CGROUP',
];
const MAP_FLAGS = [
  'BPF_F_NO_PREALLOC', 'BPF_F_NO_COMMON_LRU', 'BPF_F_NUMA_NODE', 'BPF_F_RDONLY', 'BPF_F_WRONLY', 'BPF_F_STACK_BUILD_ID', 'BPF_F_ZERO_SEED',
  'BPF_F_RDONLY_PROG', 'BPF_F_WRONLY_PROG', 'BPF_F_CLONE', 'BPF_F_MMAPABLE', 'BPF_F_PRESERVE_ELEMS', 'BPF_F_INNER_MAP',
];
const FILE_MODE_FLAGS = ['BPF_F_RDONLY', 'BPF_F_WRONLY'];
const PROG_FLAGS = ['BPF_F_STRICT_ALIGNMENT', 'BPF_F_ANY_ALIGNMENT', 'BPF_F_TEST_RND_HI32', 'BPF_F_TEST_STATE_FREQ', 'BPF_F_SLEEPABLE'];
const ATTACH_FLAGS = ['BPF_F_ALLOW_OVERRIDE', 'BPF_F_ALLOW_MULTI', 'BPF_F_REPLACE'];
const UPDATE_FLAGS = ['BPF_ANY', 'BPF_NOEXIST', 'BPF_EXIST', 'BPF_F_LOCK'];
const LOOKUP_FLAGS = ['BPF_ANY', 'BPF_F_LOCK'];

/** The page size: strace decodes no attr larger than a page. */
const PAGE_SIZE = 4096;

/** One command's struct: its fields and the size strace knows (bytes past it are extra data). */
interface AttrLayout {
  fields: readonly Field[];
  size: number;
  /** A field the struct is wrapped in (`{link_create={...}}`). */
  wrap?: string;
}

const U32: FieldKind = { t: 'u32' };
const s32: FieldKind = { t: 's32' };
const addr: FieldKind = { t: 'addr' };
const f = (name: string, at: number, kind: FieldKind, since = false): Field => ({ name, at, kind, since });

/** The layouts of the decoded commands by name (union bpf_attr in include/uapi/linux/bpf.h). */
function layouts(tables: ArchTables): Map<string, AttrLayout> {
  const names = (list: string[]): Xlat => xlat(tables, 'BPF', list);
  const xval = (list: string[], unknown: string): FieldKind => ({ t: 'xval', table: names(list), unknown });
  const flags = (list: string[], unknown: string, width: 32 | 64 = 32): FieldKind => ({ t: 'flags', table: names(list), unknown, width });
  const attachType = xval(ATTACH_TYPES, 'BPF_???');
  const fileFlags = flags(FILE_MODE_FLAGS, 'BPF_F_???');
  const numaFlag = BigInt(tables.constants.BPF?.BPF_F_NUMA_NODE ?? 4);
  const replaceFlag = BigInt(tables.constants.BPF?.BPF_F_REPLACE ?? 4);
  // The kernel's NUMA_NO_NODE (-1) is no UAPI constant: strace names it in a comment beside the number.
  const NUMA_NODE: FieldKind = { t: 'uverbose', table: fixedXlat([['NUMA_NO_NODE', 0xffffffff]]) };
  const mapCreate: Field[] = [
    f('map_type', 0, xval(MAP_TYPES, 'BPF_MAP_TYPE_???')),
    f('key_size', 4, U32),
    f('value_size', 8, U32),
    f('max_entries', 12, U32),
    f('map_flags', 16, flags(MAP_FLAGS, 'BPF_F_???'), true),
    f('inner_map_fd', 20, s32, true),
    { ...f('numa_node', 24, NUMA_NODE, true), when: (v) => (BigInt(v.getUint32(16, true)) & numaFlag) !== 0n },
    f('map_name', 28, { t: 'cstr', size: 16 }, true),
    f('map_ifindex', 44, { t: 'ifindex' }, true),
    f('btf_fd', 48, s32, true),
    f('btf_key_type_id', 52, U32),
    f('btf_value_type_id', 56, U32),
    f('btf_vmlinux_value_type_id', 60, U32, true),
    f('map_extra', 64, { t: 'u64' }, true),
  ];
  const elem = (third: string, flagsKind?: FieldKind, flagsSince = false): Field[] => [
    f('map_fd', 0, s32),
    f('key', 8, addr),
    ...(third ? [f(third, 16, addr)] : []),
    ...(flagsKind ? [f('flags', 24, flagsKind, flagsSince)] : []),
  ];
  const progLoad: Field[] = [
    f('prog_type', 0, xval(PROG_TYPES, 'BPF_PROG_TYPE_???')),
    f('insn_cnt', 4, U32),
    f('insns', 8, addr),
    f('license', 16, { t: 'str' }),
    f('log_level', 24, U32, true),
    f('log_size', 28, U32),
    f('log_buf', 32, addr),
    f('kern_version', 40, { t: 'kver' }, true),
    f('prog_flags', 44, flags(PROG_FLAGS, 'BPF_F_???'), true),
    f('prog_name', 48, { t: 'cstr', size: 16 }, true),
    f('prog_ifindex', 64, { t: 'ifindex' }, true),
    f('expected_attach_type', 68, attachType, true),
    f('prog_btf_fd', 72, s32, true),
    f('func_info_rec_size', 76, U32),
    f('func_info', 80, addr),
    f('func_info_cnt', 88, U32),
    f('line_info_rec_size', 92, U32),
    f('line_info', 96, addr),
    f('line_info_cnt', 104, U32),
    f('attach_btf_id', 108, U32, true),
    f('attach_prog_fd', 112, s32, true),
    f('fd_array', 120, addr, true),
  ];
  const objPin: Field[] = [f('pathname', 0, { t: 'str', path: true }), f('bpf_fd', 8, s32), f('file_flags', 12, fileFlags, true)];
  const nextId: Field[] = [f('start_id', 0, U32), f('next_id', 4, U32), f('open_flags', 8, fileFlags, true)];
  const byId = (id: string): Field[] => [f(id, 0, U32), f('next_id', 4, U32), f('open_flags', 8, fileFlags, true)];
  return new Map<string, AttrLayout>([
    ['BPF_MAP_CREATE', { fields: mapCreate, size: 72 }],
    ['BPF_MAP_LOOKUP_ELEM', { fields: elem('value', flags(LOOKUP_FLAGS, 'BPF_???', 64), true), size: 32 }],
    ['BPF_MAP_LOOKUP_AND_DELETE_ELEM', { fields: elem('value', flags(LOOKUP_FLAGS, 'BPF_???', 64), true), size: 32 }],
    ['BPF_MAP_UPDATE_ELEM', { fields: elem('value', { t: 'xval', table: names(UPDATE_FLAGS), unknown: 'BPF_???' }), size: 32 }],
    ['BPF_MAP_DELETE_ELEM', { fields: elem(''), size: 16 }],
    ['BPF_MAP_GET_NEXT_KEY', { fields: [f('map_fd', 0, s32), f('key', 8, addr), f('next_key', 16, addr)], size: 24 }],
    ['BPF_MAP_FREEZE', { fields: [f('map_fd', 0, s32)], size: 4 }],
    ['BPF_PROG_LOAD', { fields: progLoad, size: 128 }],
    ['BPF_OBJ_PIN', { fields: objPin, size: 16 }],
    ['BPF_OBJ_GET', { fields: objPin, size: 16 }],
    [
      'BPF_PROG_ATTACH',
      {
        fields: [
          f('target_fd', 0, s32),
          f('attach_bpf_fd', 4, s32),
          f('attach_type', 8, attachType),
          f('attach_flags', 12, flags(ATTACH_FLAGS, 'BPF_F_???')),
          f('replace_bpf_fd', 16, s32, true),
        ],
        size: 20,
      },
    ],
    ['BPF_PROG_DETACH', { fields: [f('target_fd', 0, s32), f('attach_type', 8, attachType)], size: 12 }],
    [
      'BPF_PROG_TEST_RUN',
      {
        fields: [
          f('prog_fd', 0, s32),
          ...['retval', 'data_size_in', 'data_size_out'].map((n, i) => f(n, 4 + 4 * i, U32)),
          f('data_in', 16, addr),
          f('data_out', 24, addr),
          f('repeat', 32, U32),
          f('duration', 36, U32),
          f('ctx_size_in', 40, U32, true),
          f('ctx_size_out', 44, U32),
          f('ctx_in', 48, addr),
          f('ctx_out', 56, addr),
          f('flags', 64, flags(['BPF_F_TEST_RUN_ON_CPU', 'BPF_F_TEST_XDP_LIVE_FRAMES'], 'BPF_F_???'), true),
          f('cpu', 68, U32),
          f('batch_size', 72, U32, true),
        ],
        size: 76,
        wrap: 'test',
      },
    ],
    [
      'BPF_LINK_UPDATE',
      {
        fields: [
          f('link_fd', 0, s32),
          f('new_prog_fd', 4, s32),
          f('flags', 8, flags(ATTACH_FLAGS, 'BPF_F_???')),
          { ...f('old_prog_fd', 12, s32), when: (v) => (BigInt(v.getUint32(8, true)) & replaceFlag) !== 0n },
        ],
        size: 16,
        wrap: 'link_update',
      },
    ],
    [
      'BPF_TASK_FD_QUERY',
      {
        fields: [
          f('pid', 0, U32),
          f('fd', 4, s32),
          f('flags', 8, U32),
          f('buf_len', 12, U32),
          f('buf', 16, addr),
          f('prog_id', 24, U32),
          f('fd_type', 28, xval(['BPF_FD_TYPE_RAW_TRACEPOINT', 'BPF_FD_TYPE_TRACEPOINT', 'BPF_FD_TYPE_KPROBE', 'BPF_FD_TYPE_KRETPROBE', 'BPF_FD_TYPE_UPROBE', 'BPF_FD_TYPE_URETPROBE'], 'BPF_FD_TYPE_???')),
          f('probe_offset', 32, { t: 'x64' }),
          f('probe_addr', 40, { t: 'x64' }),
        ],
        size: 48,
        wrap: 'task_fd_query',
      },
    ],
    [
      'BPF_PROG_QUERY',
      {
        fields: [
          f('target_fd', 0, s32),
          f('attach_type', 4, attachType),
          f('query_flags', 8, flags(['BPF_F_QUERY_EFFECTIVE'], 'BPF_F_QUERY_???')),
          f('attach_flags', 12, flags(ATTACH_FLAGS, 'BPF_F_???')),
          f('prog_ids', 16, { t: 'array', countAt: 24 }),
          f('prog_cnt', 24, U32),
        ],
        size: 28,
        wrap: 'query',
      },
    ],
    ['BPF_RAW_TRACEPOINT_OPEN', { fields: [f('name', 0, { t: 'str' }), f('prog_fd', 8, s32)], size: 12, wrap: 'raw_tracepoint' }],
    ['BPF_PROG_GET_NEXT_ID', { fields: nextId, size: 12 }],
    ['BPF_MAP_GET_NEXT_ID', { fields: nextId, size: 12 }],
    ['BPF_BTF_GET_NEXT_ID', { fields: nextId, size: 12 }],
    ['BPF_LINK_GET_NEXT_ID', { fields: nextId, size: 12 }],
    ['BPF_PROG_GET_FD_BY_ID', { fields: byId('prog_id'), size: 12 }],
    ['BPF_MAP_GET_FD_BY_ID', { fields: byId('map_id'), size: 12 }],
    ['BPF_BTF_GET_FD_BY_ID', { fields: [f('btf_id', 0, U32)], size: 4 }],
    ['BPF_LINK_GET_FD_BY_ID', { fields: [f('link_id', 0, U32)], size: 4 }],
    [
      'BPF_LINK_CREATE',
      // The union after flags is decoded by attach type in strace; only its generic head here
      // (BPF_CGROUP_INET_INGRESS's target_btf_id when set), the rest counts as extra data.
      {
        fields: [
          f('prog_fd', 0, s32),
          f('target_fd', 4, s32),
          f('attach_type', 8, attachType),
          f('flags', 12, { t: 'x32' }),
          { ...f('target_btf_id', 16, U32, true), when: (v) => v.getUint32(8, true) === 0 && v.byteLength >= 20 && v.getUint32(16, true) !== 0 },
        ],
        size: 16,
        wrap: 'link_create',
      },
    ],
  ]);
}

/** strace's sizes for commands whose known size depends on the attr (LINK_CREATE's union). */
function knownSize(cmd: string, layout: AttrLayout, data: Uint8Array, len: number): number {
  if (cmd === 'BPF_LINK_CREATE' && len > 16 && data.length >= 12 && new DataView(data.buffer, data.byteOffset).getUint32(8, true) === 0) return 20;
  return layout.size;
}

/** Registers the decoders of this module. */
export function registerBpfDecoders(registry: DecoderRegistry): void {
  registry.register('bpf', 'cmd', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'BPF', BPF_CMDS), 'BPF_???'));
  registry.register('bpf', 'uattr', (ctx) => {
    const cmdIndex = argIndexOf(ctx, 'cmd');
    const sizeIndex = argIndexOf(ctx, 'size');
    const byValue = new Map<bigint, [string, AttrLayout]>();
    const all = layouts(ctx.tables);
    for (const [name, value] of xlat(ctx.tables, 'BPF', BPF_CMDS)) {
      const layout = all.get(name);
      if (layout) byValue.set(value, [name, layout]);
    }
    const verbose = ctx.style.verbose;
    return (args, call) => {
      const reg = args[ctx.argIndex] ?? 0n;
      const size = Number(u32(args[sizeIndex]));
      const entry = byValue.get(u32(args[cmdIndex]));
      const b = bytesOf(call.blobs, ctx.argIndex);
      if (!entry || size === 0 || size > PAGE_SIZE || !b || b.data.length < size) return pointer(reg);
      const [cmd, layout] = entry;
      const data = b.data.subarray(0, size);
      // strace copies what the size covers into a zeroed struct: a field the size cuts keeps its low bytes.
      const padded = size >= layout.size ? data : new Uint8Array(layout.size);
      if (padded !== data) padded.set(data);
      const inner = (at: number) => call.strings.get(derivedKey(ctx.argIndex, INNER_PART + ((at / 8) & 3)));
      const body = formatFields(padded, layout.fields, size, inner, call.options.stringMax);
      const extra = extraData(data, knownSize(cmd, layout, data, size), verbose);
      return layout.wrap ? `{${layout.wrap}={${body}}${extra}}` : `{${body}${extra}}`;
    };
  });
}
