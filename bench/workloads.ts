/**
 * The traced workloads, built at bench time from bench/c with gcc, and the data they read. Each
 * workload has two sizes: `full` for the untraced run and the cheap tracers, `small` for the slow
 * tracers (strace, perf trace, bpftrace printing), so every tool runs for seconds, not minutes.
 * Figures per syscall compare a tool with the untraced run of the same size.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Workload {
  name: string;
  title: string;
  /** argv for a size (the launcher runs it). */
  argv(size: number): string[];
  sizes: { full: number; small: number };
  /** What one unit of size is, for the report. */
  unit: string;
}

/** Paths of what `prepare` built. */
export interface Built {
  bin: string;
  filesDir: string;
  treeDir: string;
  tarOut: string;
}

const SOURCES = ['launch', 'getppid', 'files', 'forkexec'];
const FILES = 256;

/** Compiles the C programs and generates the data the workloads read. */
export function prepare(root: string, workDir: string): Built {
  const bin = path.join(workDir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const src = path.join(root, 'bench/c');
  for (const name of SOURCES) {
    execFileSync('gcc', ['-O2', '-Wall', '-Wextra', '-o', path.join(bin, name), path.join(src, `${name}.c`)], { stdio: 'inherit' });
  }
  // Static, so each exec is the kernel's work and not the dynamic loader's.
  execFileSync('gcc', ['-O2', '-static', '-o', path.join(bin, 'noop'), path.join(src, 'noop.c')], { stdio: 'inherit' });

  const filesDir = path.join(workDir, 'files');
  fs.mkdirSync(filesDir, { recursive: true });
  for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(filesDir, String(i)), Buffer.alloc(512 + ((i * 37) % 1536), 0x61 + (i % 26)));

  // A source-tree-like directory: 40 directories of 50 files, 100 B to 16 KiB.
  const treeDir = path.join(workDir, 'tree');
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let d = 0; d < 40; d++) {
    const dir = path.join(treeDir, `dir${d}`, d % 2 ? 'src' : 'include');
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 50; f++) {
      const size = Math.floor(100 + rand() * rand() * 16_284);
      fs.writeFileSync(path.join(dir, `file${f}.${d % 2 ? 'c' : 'h'}`), Buffer.alloc(size, 0x20 + (f % 90)));
    }
  }
  return { bin, filesDir, treeDir, tarOut: path.join(workDir, 'tree.tar') };
}

export function workloads(b: Built): Workload[] {
  return [
    {
      name: 'getppid',
      title: 'getppid loop',
      unit: 'calls',
      sizes: { full: 2_000_000, small: 40_000 },
      argv: (n) => [path.join(b.bin, 'getppid'), String(n)],
    },
    {
      name: 'files',
      title: 'open/read/close of small files',
      unit: 'open/read/close cycles',
      sizes: { full: 300_000, small: 10_000 },
      argv: (n) => [path.join(b.bin, 'files'), b.filesDir, String(FILES), String(n)],
    },
    {
      name: 'forkexec',
      title: 'fork + exec + wait',
      unit: 'fork/exec cycles',
      sizes: { full: 2_000, small: 300 },
      argv: (n) => [path.join(b.bin, 'forkexec'), path.join(b.bin, 'noop'), String(n)],
    },
    {
      name: 'tar',
      title: 'tar of a 2,000-file tree',
      unit: 'tar runs',
      sizes: { full: 10, small: 2 },
      argv: (n) => ['/bin/sh', '-c', `i=0; while [ $i -lt ${n} ]; do tar -cf '${b.tarOut}' -C '${b.treeDir}' . || exit 1; i=$((i+1)); done`],
    },
  ];
}
