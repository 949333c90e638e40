/**
 * Argument declarations for syscalls the running kernel's tracefs does not describe: a kernel
 * built without a subsystem (no CONFIG_MODULES: init_module, finit_module, delete_module; no
 * CONFIG_KEXEC: kexec_load, kexec_file_load) still has the numbers, and its raw syscall
 * tracepoints still fire for them (-ENOSYS), but it has no sys_enter_<name> events, so without
 * these the catalog would print six raw registers. Written as tracefs writes them (the kernel's
 * SYSCALL_DEFINE parameters: type and name), so the strings, widths and decoders apply as they
 * would on a kernel that has the events.
 */

/** "type name" per argument, by __NR name. */
const FALLBACK_SIGNATURES: Readonly<Record<string, readonly string[]>> = {
  init_module: ['void * umod', 'unsigned long len', 'const char * uargs'],
  finit_module: ['int fd', 'const char * uargs', 'int flags'],
  delete_module: ['const char * name_user', 'unsigned int flags'],
  kexec_load: ['unsigned long entry', 'unsigned long nr_segments', 'struct kexec_segment * segments', 'unsigned long flags'],
  kexec_file_load: ['int kernel_fd', 'int initrd_fd', 'unsigned long cmdline_len', 'const char * cmdline_ptr', 'unsigned long flags'],
  lookup_dcookie: ['u64 cookie64', 'char * buf', 'size_t len'],
  uselib: ['const char * library'],
  set_thread_area: ['struct user_desc * u_info'],
  get_thread_area: ['struct user_desc * u_info'],
};

/** One fallback argument: its C type and name, as a tracefs field gives them. */
export interface FallbackArg {
  name: string;
  type: string;
}

/** The declared arguments of `syscall` when tracefs lacks it, or undefined for a syscall without a fallback. */
export function fallbackSignature(syscall: string): FallbackArg[] | undefined {
  return FALLBACK_SIGNATURES[syscall]?.map((decl) => {
    const cut = decl.lastIndexOf(' ');
    return { name: decl.slice(cut + 1), type: decl.slice(0, cut) };
  });
}
