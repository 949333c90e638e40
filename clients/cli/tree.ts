/** `sctrace tree ID`: the processes and threads a trace has seen (GetProcessTree), as a tree. */
import type { GetProcessTreeResponse__Output } from '../../src/api/generated/sctrace/v1/GetProcessTreeResponse';
import type { ProcessNode__Output } from '../../src/api/generated/sctrace/v1/ProcessNode';
import { COMMON_HELP, type Command } from './command';
import { queryCommand } from './query';
import { signalName } from './values';

const NAME = 'tree';

const HELP = `Usage: sctrace tree [options] ID

Prints the processes and threads trace ID has seen (from its process and thread events: start
it with process events, as 'sctrace trace' does), each process under its parent, as pstree
does: pid, name, what it executed, its threads (the main one first; '-' after a tid: exited)
and how it ended. A process whose parent the trace did not see is a root.

Options:
  -o, --output FORMAT   text (default) or json (the GetProcessTree response)

${COMMON_HELP}`;

/** `sctrace tree`. */
export const treeCommand: Command = queryCommand({
  name: NAME,
  summary: "print the process and thread tree a trace has seen",
  help: HELP,
  positional: 'trace ID',
  call: (connection, traceId) => connection.getProcessTree(traceId!),
  text: (response) => formatTree(response),
});

/**
 * One line per process, indented under its parent (`├─ `, `└─ `), e.g.
 * `42 server /usr/bin/server, threads 42 43-` and `└─ 50 worker, threads 50-, exited with 3`.
 */
export function formatTree(tree: GetProcessTreeResponse__Output): string {
  if (tree.processes.length === 0) return dropped(tree) || 'no processes seen (does the trace have process events?)\n';
  const known = new Set(tree.processes.map((p) => p.pid));
  const children = new Map<number, ProcessNode__Output[]>();
  const roots: ProcessNode__Output[] = [];
  for (const p of tree.processes) {
    if (p.ppid !== p.pid && known.has(p.ppid)) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
    else roots.push(p);
  }
  const lines: string[] = [];
  const printed = new Set<ProcessNode__Output>();
  const walk = (p: ProcessNode__Output, prefix: string, branch: string) => {
    // Parents made a cycle out of reused pids: each process is printed once.
    if (printed.has(p)) return;
    printed.add(p);
    lines.push(`${prefix}${branch}${describe(p)}`);
    const kids = (children.get(p.pid) ?? []).filter((k) => !printed.has(k));
    const inner = prefix + (branch === '' ? '' : branch === '└─ ' ? '   ' : '│  ');
    kids.forEach((k, i) => walk(k, inner, i === kids.length - 1 ? '└─ ' : '├─ '));
  };
  for (const r of roots) walk(r, '', '');
  for (const p of tree.processes) walk(p, '', '');
  return `${lines.join('\n')}\n${dropped(tree)}`;
}

function describe(p: ProcessNode__Output): string {
  const parts = [`${p.pid} ${p.comm}${p.exec_filename ? ` ${p.exec_filename}` : ''}`];
  if (p.threads.length > 0) parts.push(`threads ${p.threads.map((t) => `${t.tid}${t.exited ? '-' : ''}`).join(' ')}`);
  if (p.exited) parts.push(p.signal ? `killed by ${signalName(p.signal)}` : `exited with ${p.exit_code}`);
  return parts.join(', ');
}

function dropped(tree: GetProcessTreeResponse__Output): string {
  if (tree.dropped_nodes === '0') return '';
  return `(${tree.dropped_nodes} processes and threads not kept: a trace's tree holds at most ${tree.node_limit}, sctraced --tree-max-nodes)\n`;
}
