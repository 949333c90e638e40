/**
 * Questions about the running kernel answered from its BTF (/sys/kernel/btf/vmlinux), so the
 * object can leave out programs whose attach point an older kernel lacks instead of failing to
 * load: a tp_btf program attaches to tracepoint NAME through the typedef btf_trace_NAME.
 */
import { BackendError } from '../errors';
import { BTF_KIND_TYPEDEF, libbpf } from './libbpf';

const answers = new Map<string, boolean>();

/** Whether the kernel has raw tracepoint `name` (e.g. "sched_prepare_exec", Linux 6.10+); cached. */
export function hasBtfTracepoint(name: string): boolean {
  const known = answers.get(name);
  if (known !== undefined) return known;
  const lib = libbpf();
  const btf = lib.btf__load_vmlinux_btf() as bigint | null;
  if (!btf) throw new BackendError('read the kernel BTF (/sys/kernel/btf/vmlinux): libbpf could not load it');
  try {
    const found = (lib.btf__find_by_name_kind(btf, `btf_trace_${name}`, BTF_KIND_TYPEDEF) as number) > 0;
    answers.set(name, found);
    return found;
  } finally {
    lib.btf__free(btf);
  }
}
