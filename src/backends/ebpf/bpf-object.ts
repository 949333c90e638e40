/**
 * A typed wrapper over one libbpf `struct bpf_object`: open → configure (.rodata globals, map
 * sizes) → load → fill maps → attach every program → close. Each step throws a BackendError naming
 * the step and the kernel's errno; `close()` undoes whatever was built, runs once, and is safe on a
 * half-built object. Load-time only: nothing here is on the per-event path.
 */
import koffi from 'koffi';
import { BackendError } from '../errors';
import type { MapName, ProgramName, RodataName } from './generated/bpf';
import { BTF_KIND_DATASEC, errnoMessage, libbpf, type Ptr } from './libbpf';

/** An attached program: its name (and attach point) and its libbpf link. */
export interface AttachedLink {
  readonly program: string;
  readonly link: bigint;
}

/** One BPF object file, opened through libbpf. */
export class BpfObject {
  private obj: bigint | null;
  private links: AttachedLink[] = [];
  private loaded = false;

  private constructor(obj: bigint, readonly path: string) {
    this.obj = obj;
  }

  /** Opens (parses) an object file; nothing reaches the kernel yet. */
  static open(path: string): BpfObject {
    const lib = libbpf();
    const obj = lib.bpf_object__open_file(path, null) as Ptr;
    if (!obj) throw new BackendError(errnoMessage(`open BPF object ${path}`, koffi.errno()));
    return new BpfObject(obj, path);
  }

  private handle(): bigint {
    if (this.obj === null) throw new BackendError(`BPF object ${this.path} is closed`);
    return this.obj;
  }

  /** The libbpf `struct bpf_map *` named `name` (maps, or ".rodata"/".bss" for the globals). */
  map(name: MapName | '.rodata' | '.bss'): bigint {
    const map = libbpf().bpf_object__find_map_by_name(this.handle(), name) as Ptr;
    if (!map) throw new BackendError(`find map ${name} in ${this.path}: no such map`);
    return map;
  }

  /** File descriptor of a loaded map. */
  mapFd(name: MapName | '.bss'): number {
    const fd = libbpf().bpf_map__fd(this.map(name)) as number;
    if (fd < 0) throw new BackendError(errnoMessage(`map ${name} fd`, -fd));
    return fd;
  }

  /** Sets a map's max_entries; only before load. */
  setMaxEntries(name: MapName, entries: number): void {
    const rc = libbpf().bpf_map__set_max_entries(this.map(name), entries) as number;
    if (rc < 0) throw new BackendError(errnoMessage(`set max_entries of ${name} to ${entries}`, -rc));
  }

  /** A map's value size in bytes. */
  valueSize(name: MapName | '.bss'): number {
    return libbpf().bpf_map__value_size(this.map(name)) as number;
  }

  /**
   * Sets `const volatile` globals in .rodata before load, by name, the way a libbpf skeleton
   * does: the variables' offsets and sizes come from the object's BTF (the .rodata DATASEC), so
   * no layout is duplicated here. The verifier then sees them as constants.
   */
  setReadOnlyGlobals(values: Partial<Record<RodataName, number | bigint | boolean>>): void {
    if (this.loaded) throw new BackendError('set .rodata globals: object already loaded');
    const lib = libbpf();
    const sizeOut = [0];
    const data = lib.bpf_map__initial_value(this.map('.rodata'), sizeOut) as Ptr;
    if (!data) throw new BackendError(`set .rodata globals: ${this.path} has no initial .rodata image`);
    const image = new DataView(koffi.view(data, Number(sizeOut[0])));
    const vars = this.datasecVariables('.rodata');
    for (const [name, value] of Object.entries(values) as [string, number | bigint | boolean][]) {
      const v = vars.get(name);
      if (!v) throw new BackendError(`set .rodata global ${name}: not in ${this.path} (rebuild bpf/?)`);
      writeScalar(image, v.offset, v.size, value, name);
    }
  }

  /** Offsets and sizes of the variables of a BTF DATASEC (struct btf_type + btf_var_secinfo[]). */
  private datasecVariables(section: string): Map<string, { offset: number; size: number }> {
    const lib = libbpf();
    const btf = lib.bpf_object__btf(this.handle()) as Ptr;
    if (!btf) throw new BackendError(`read BTF of ${this.path}: object has no BTF (build with clang -g)`);
    const id = lib.btf__find_by_name_kind(btf, section, BTF_KIND_DATASEC) as number;
    if (id < 0) throw new BackendError(`find BTF DATASEC ${section} in ${this.path}: not found`);
    const type = lib.btf__type_by_id(btf, id) as bigint;
    // struct btf_type { u32 name_off; u32 info; u32 size; } then vlen × { u32 type; u32 offset; u32 size; }
    const head = new DataView(koffi.view(type, 12));
    const vlen = head.getUint32(4, true) & 0xffff;
    const infos = new DataView(koffi.view(type, 12 + 12 * vlen));
    const out = new Map<string, { offset: number; size: number }>();
    for (let i = 0; i < vlen; i++) {
      const base = 12 + 12 * i;
      const varType = lib.btf__type_by_id(btf, infos.getUint32(base, true)) as bigint;
      const nameOff = new DataView(koffi.view(varType, 4)).getUint32(0, true);
      const name = lib.btf__name_by_offset(btf, nameOff) as string;
      out.set(name, { offset: infos.getUint32(base + 4, true), size: infos.getUint32(base + 8, true) });
    }
    return out;
  }

  /** The libbpf `struct bpf_program *` named `name`. */
  private program(name: ProgramName): bigint {
    const prog = libbpf().bpf_object__find_program_by_name(this.handle(), name) as Ptr;
    if (!prog) throw new BackendError(`find program ${name} in ${this.path}: no such program (rebuild bpf/?)`);
    return prog;
  }

  /** Whether load() loads program `name` (all do by default); only before load. */
  setAutoload(name: ProgramName, autoload: boolean): void {
    if (this.loaded) throw new BackendError(`set autoload of ${name}: object already loaded`);
    const rc = libbpf().bpf_program__set_autoload(this.program(name), autoload) as number;
    if (rc < 0) throw new BackendError(errnoMessage(`set autoload of ${name}`, -rc));
  }

  /** Loads every map and program into the kernel (the verifier runs here). */
  load(): void {
    const rc = libbpf().bpf_object__load(this.handle()) as number;
    if (rc < 0) {
      throw new BackendError(
        `${errnoMessage(`load BPF object ${this.path}`, -rc)}` +
          (rc === -1 ? ' — tracing needs root (CAP_BPF and CAP_PERFMON)' : '') +
          (rc === -13 ? ' — the kernel verifier refused a program (libbpf printed its log on stderr), or the service lacks CAP_BPF/CAP_PERFMON' : ''),
      );
    }
    this.loaded = true;
  }

  /**
   * Attaches program `name` at the attach point its section names (tp_btf/..., raw_tp/...). The
   * link joins the object's, so close() removes it too; detach() removes it earlier.
   */
  attach(name: ProgramName): AttachedLink {
    const link = libbpf().bpf_program__attach(this.program(name)) as Ptr;
    if (!link) throw new BackendError(errnoMessage(`attach ${name}`, koffi.errno()));
    return this.keep(name, link);
  }

  /**
   * Attaches program `name` to the classic tracepoint `category`/`event` (through tracefs, which
   * must be mounted); as attach() otherwise.
   */
  attachTracepoint(name: ProgramName, category: string, event: string): AttachedLink {
    const link = libbpf().bpf_program__attach_tracepoint(this.program(name), category, event) as Ptr;
    if (!link) throw new BackendError(errnoMessage(`attach ${name} to tracepoint ${category}/${event}`, koffi.errno()));
    return this.keep(`${name}@${event}`, link);
  }

  private keep(program: string, link: bigint): AttachedLink {
    const attached = { program, link };
    this.links.push(attached);
    return attached;
  }

  /**
   * Detaches links from worker threads, several at once. Closing a tracepoint's perf event waits
   * for RCU grace periods in the kernel (tens of milliseconds each on the reference VM,
   * docs/kernel-costs.md), so detaching per-syscall tracepoints on the main thread would stall
   * every trace and the gRPC server; concurrent closes share grace periods.
   */
  async detach(links: readonly AttachedLink[]): Promise<void> {
    const gone = new Set(links);
    const mine = this.links.filter((l) => gone.has(l));
    this.links = this.links.filter((l) => !gone.has(l));
    const destroy = libbpf().bpf_link__destroy;
    await Promise.all(mine.map(({ link }) => new Promise<void>((resolve) => destroy.async(link, () => resolve()))));
  }

  /** Detaches every attached program, off the main thread (see detach). */
  detachAllAsync(): Promise<void> {
    return this.detach([...this.links]);
  }

  /** Detaches every attached program. Blocks: see detach. */
  detachAll(): void {
    const lib = libbpf();
    for (const { link } of this.links.splice(0)) lib.bpf_link__destroy(link);
  }

  /**
   * Writes one element into a loaded map; key and value are raw bytes in the C layout. `flags`
   * BPF_NOEXIST/BPF_EXIST: returns false when the element exists/does not exist instead.
   */
  update(fd: number, mapName: MapName, key: Uint8Array, value: Uint8Array, flags = 0): boolean {
    const rc = libbpf().bpf_map_update_elem(fd, key, value, flags) as number;
    if ((rc === -EEXIST && flags === BPF_NOEXIST) || (rc === -ENOENT && flags === BPF_EXIST)) return false;
    if (rc < 0) throw new BackendError(errnoMessage(`update map ${mapName}`, -rc));
    return true;
  }

  /** Reads one element of a loaded map into `value` (sized by the caller); false if absent. */
  lookup(fd: number, mapName: MapName, key: Uint8Array, value: Uint8Array): boolean {
    const rc = libbpf().bpf_map_lookup_elem(fd, key, value) as number;
    if (rc === -ENOENT) return false;
    if (rc < 0) throw new BackendError(errnoMessage(`look up map ${mapName}`, -rc));
    return true;
  }

  /** Deletes one element; false if it was absent. */
  delete(fd: number, mapName: MapName, key: Uint8Array): boolean {
    const rc = libbpf().bpf_map_delete_elem(fd, key) as number;
    if (rc === -ENOENT) return false;
    if (rc < 0) throw new BackendError(errnoMessage(`delete from map ${mapName}`, -rc));
    return true;
  }

  /** Every key of a hash map, each `keySize` bytes (a snapshot: the map may change meanwhile). */
  keys(fd: number, mapName: MapName, keySize: number): Uint8Array[] {
    const lib = libbpf();
    const out: Uint8Array[] = [];
    let prev: Uint8Array | null = null;
    for (;;) {
      const next = new Uint8Array(keySize);
      const rc = lib.bpf_map_get_next_key(fd, prev, next) as number;
      if (rc === -ENOENT) return out;
      if (rc < 0) throw new BackendError(errnoMessage(`list the keys of map ${mapName}`, -rc));
      out.push(next);
      prev = next;
    }
  }

  /** Detaches every program and frees the object and its maps. Runs once. */
  close(): void {
    if (this.obj === null) return;
    this.detachAll();
    libbpf().bpf_object__close(this.obj);
    this.obj = null;
  }
}

/** errno values (include/uapi/asm-generic/errno-base.h) and map update flags (include/uapi/linux/bpf.h). */
const ENOENT = 2;
const EEXIST = 17;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;

function writeScalar(view: DataView, offset: number, size: number, value: number | bigint | boolean, name: string): void {
  const n = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  switch (size) {
    case 1:
      view.setUint8(offset, Number(n));
      return;
    case 2:
      view.setUint16(offset, Number(n), true);
      return;
    case 4:
      view.setUint32(offset, Number(n), true);
      return;
    case 8:
      view.setBigUint64(offset, BigInt(n), true);
      return;
    default:
      throw new BackendError(`set .rodata global ${name}: unsupported size ${size}`);
  }
}
