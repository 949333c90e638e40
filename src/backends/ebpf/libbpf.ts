/**
 * Raw declarations of the libbpf 1.1 functions sctrace uses (Debian's libbpf1, `libbpf.so.1`),
 * called through koffi, plus the few libc calls the ring reader needs. Each function is declared
 * once, with its C prototype; typed wrappers that turn libbpf's error convention into exceptions
 * live in bpf-object.ts. Nothing here is called per event.
 *
 * Error conventions (libbpf 1.0+ "strict" mode): functions returning an int return -errno;
 * functions returning a pointer return NULL (koffi: null) and set errno (read with koffi.errno()).
 * koffi 3 represents pointers as BigInt and they carry no type: keep them behind the wrappers.
 */
import koffi from 'koffi';

/** A pointer as koffi 3 returns it: a BigInt address, or null for NULL. */
export type Ptr = bigint | null;

let loaded: ReturnType<typeof declare> | undefined;
let loadError: Error | undefined;

function declare() {
  const lib = koffi.load('libbpf.so.1');
  const libc = koffi.load('libc.so.6');
  return {
    bpf_object__open_file: lib.func('void *bpf_object__open_file(const char *path, void *opts)'),
    bpf_object__load: lib.func('int bpf_object__load(void *obj)'),
    bpf_object__close: lib.func('void bpf_object__close(void *obj)'),
    bpf_object__btf: lib.func('void *bpf_object__btf(void *obj)'),
    bpf_object__find_map_by_name: lib.func('void *bpf_object__find_map_by_name(void *obj, const char *name)'),
    bpf_object__next_program: lib.func('void *bpf_object__next_program(void *obj, void *prev)'),
    bpf_program__name: lib.func('const char *bpf_program__name(void *prog)'),
    bpf_object__find_program_by_name: lib.func('void *bpf_object__find_program_by_name(void *obj, const char *name)'),
    bpf_program__attach: lib.func('void *bpf_program__attach(void *prog)'),
    bpf_program__attach_tracepoint: lib.func(
      'void *bpf_program__attach_tracepoint(void *prog, const char *category, const char *name)',
    ),
    bpf_program__set_autoload: lib.func('int bpf_program__set_autoload(void *prog, bool autoload)'),
    bpf_program__autoload: lib.func('bool bpf_program__autoload(void *prog)'),
    bpf_link__destroy: lib.func('int bpf_link__destroy(void *link)'),
    bpf_map__fd: lib.func('int bpf_map__fd(void *map)'),
    bpf_map__set_max_entries: lib.func('int bpf_map__set_max_entries(void *map, uint32_t max_entries)'),
    bpf_map__max_entries: lib.func('uint32_t bpf_map__max_entries(void *map)'),
    bpf_map__value_size: lib.func('uint32_t bpf_map__value_size(void *map)'),
    bpf_map__initial_value: lib.func('void *bpf_map__initial_value(void *map, _Out_ size_t *psize)'),
    bpf_map_update_elem: lib.func('int bpf_map_update_elem(int fd, const void *key, const void *value, uint64_t flags)'),
    bpf_map_lookup_elem: lib.func('int bpf_map_lookup_elem(int fd, const void *key, _Out_ void *value)'),
    bpf_map_delete_elem: lib.func('int bpf_map_delete_elem(int fd, const void *key)'),
    bpf_map_get_next_key: lib.func('int bpf_map_get_next_key(int fd, const void *key, _Out_ void *next_key)'),
    btf__load_vmlinux_btf: lib.func('void *btf__load_vmlinux_btf(void)'),
    btf__free: lib.func('void btf__free(void *btf)'),
    btf__find_by_name_kind: lib.func('int32_t btf__find_by_name_kind(void *btf, const char *name, uint32_t kind)'),
    btf__type_by_id: lib.func('void *btf__type_by_id(void *btf, uint32_t id)'),
    btf__name_by_offset: lib.func('const char *btf__name_by_offset(void *btf, uint32_t offset)'),
    libbpf_num_possible_cpus: lib.func('int libbpf_num_possible_cpus(void)'),
    mmap: libc.func('void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)'),
    munmap: libc.func('int munmap(void *addr, size_t length)'),
    getpagesize: libc.func('int getpagesize(void)'),
  };
}

/** The declared functions; throws (once, with the cause) if libbpf.so.1 cannot be loaded. */
export function libbpf(): ReturnType<typeof declare> {
  if (loaded) return loaded;
  if (loadError) throw loadError;
  try {
    loaded = declare();
    return loaded;
  } catch (err) {
    loadError = new Error(
      `load libbpf.so.1: ${(err as Error).message} (install Debian's libbpf1: apt-get install libbpf1)`,
    );
    throw loadError;
  }
}

/** mmap's failure value, MAP_FAILED, as koffi returns it. */
export const MAP_FAILED = 0xffffffffffffffffn;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const MAP_SHARED = 1;
/** BTF_KIND_TYPEDEF, from include/uapi/linux/btf.h. */
export const BTF_KIND_TYPEDEF = 8;
/** BTF_KIND_DATASEC and BTF_KIND_VAR, from include/uapi/linux/btf.h. */
export const BTF_KIND_VAR = 14;
export const BTF_KIND_DATASEC = 15;

/** Name of a (positive) errno value, e.g. "EPERM". */
export function errnoName(errno: number): string {
  for (const [name, value] of Object.entries(koffi.os.errno)) {
    if (value === errno) return name;
  }
  return `errno ${errno}`;
}

/** Builds "STEP: ENAME (message)" from a positive errno. */
export function errnoMessage(step: string, errno: number): string {
  const map = (require('node:util') as typeof import('node:util')).getSystemErrorMap();
  const entry = map.get(-errno);
  return `${step}: ${entry ? `${entry[0]} (${entry[1]})` : errnoName(errno)}`;
}
