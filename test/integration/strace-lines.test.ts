/**
 * The comparison corpus, line for line: C programs that make one family's system calls each
 * (test/corpus/*.c, built here with gcc) and everyday programs run under `strace -f -o LOG`
 * and under the sctrace CLI (`sctrace trace -f -o LOG`, the real service, eBPF backend), with
 * strace's default options on both sides, and the two logs compared line by line
 * (test/helpers/strace-lines.ts says what is normalized). Prints the identical-line figure per
 * family, the calls that differ most, and fails when a family drops below its floor in
 * test/corpus/floors.json (the figures in the README). SCT_SHOW=1 prints the differing lines.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { commandUnavailableReason, ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';
import { ROOT, spawnService, type ServiceProcess } from '../helpers/service-process';
import { agreementText, compareRuns, straceRun } from '../helpers/strace-compare';
import { compareLines, linesRun, linesText, type LineComparison } from '../helpers/strace-lines';
import { parseStraceLog } from '../helpers/strace-log';
import { makeFixture, runTracer, workloadEnv, type Workload } from '../helpers/strace-runs';

const reason = ebpfUnavailableReason(defaultObjectPath()) ?? commandUnavailableReason(['strace', '-V'], 'as the reference to compare with') ?? commandUnavailableReason(['gcc', '--version'], 'to build the corpus');
const CORPUS = path.join(ROOT, 'test/corpus');
const FLOORS: Record<string, number> = JSON.parse(fs.readFileSync(path.join(CORPUS, 'floors.json'), 'utf8'));
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-lines-'));
const bin = path.join(workdir, 'bin');
let service: ServiceProcess | undefined;

/** Per family: lines compared and identical; per program: whether it was identical throughout. */
const families = new Map<string, LineComparison>();
const programs: Array<{ label: string; identical: boolean }> = [];
const names = { fields: 0, agreeing: 0 };
const differing = new Map<string, number>();

before(async () => {
  if (reason) return;
  fs.mkdirSync(bin);
  for (const file of fs.readdirSync(CORPUS).filter((f) => f.endsWith('.c'))) {
    execFileSync('gcc', ['-O1', '-o', path.join(bin, file.slice(0, -2)), path.join(CORPUS, file)]);
  }
  service = await spawnService(['--idle-timeout', '60']);
});

after(async () => {
  if (families.size > 0) {
    const total: LineComparison = { lines: 0, identical: 0, straceLines: 0, mismatches: [] };
    for (const [family, c] of families) {
      process.stdout.write(`# family ${family}: ${linesText(c)}\n`);
      total.lines += c.lines;
      total.identical += c.identical;
    }
    const same = programs.filter((p) => p.identical).length;
    process.stdout.write(`# all families: ${linesText(total)}; ${same} of ${programs.length} programs identical\n`);
    process.stdout.write(`# names and returns: ${agreementText(names)}\n`);
    const top = [...differing].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([n, c]) => `${n} ${c}`);
    process.stdout.write(`# most differing: ${top.join(', ')}\n`);
  }
  if (service) assert.equal(await service.stop(), 0, `sctraced exit code; log:\n${service.log()}`);
  fs.rmSync(workdir, { recursive: true, force: true });
});

/** Runs `argv` in a fresh `dir` under both tracers (with `options` besides -f -o); returns both logs' comparison. */
async function compareProgram(family: string, label: string, argv: (dir: string) => string[], options: string[] = []): Promise<void> {
  const dir = path.join(workdir, 'run');
  const fresh = () => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    makeFixture(dir);
  };
  const w: Workload = { argv: argv(dir), cwd: dir, env: workloadEnv(dir) };
  const straceLog = path.join(workdir, 'strace.log');
  const sctraceLog = path.join(workdir, 'sctrace.log');
  fresh();
  const s = await runTracer('strace', ['-f', ...options, '-o', straceLog], w, straceLog);
  fresh();
  const cli = [path.join(ROOT, 'dist/clients/cli/main.js'), '--server', service!.address, 'trace', '-f', ...options, '-o', sctraceLog];
  const t = await runTracer(process.execPath, cli, w, sctraceLog);
  assert.equal(t.output.code, s.output.code, `${label}: the same exit code under both (sctrace stderr: ${t.output.stderr})`);
  const mine = linesRun(t.log, t.stracePid);
  const theirs = linesRun(s.log, s.stracePid);
  const result = compareLines(mine, theirs);
  const base = compareRuns(namesRun(t.log, t.stracePid), straceRun(parseStraceLog(s.log), s.stracePid));
  names.fields += base.fields;
  names.agreeing += base.agreeing;
  const sum = families.get(family) ?? { lines: 0, identical: 0, straceLines: 0, mismatches: [] };
  sum.lines += result.lines;
  sum.identical += result.identical;
  families.set(family, sum);
  programs.push({ label, identical: result.identical === result.lines });
  for (const m of result.mismatches) differing.set(m.name, (differing.get(m.name) ?? 0) + 1);
  process.stdout.write(`# ${family}/${label}: ${linesText(result)}; names and returns ${agreementText(base)}\n`);
  if (process.env.SCT_SHOW) {
    for (const m of result.mismatches.slice(0, 60)) process.stdout.write(`#   [${m.thread}] ${m.name}\n#     sctrace: ${m.sctrace}\n#     strace:  ${m.strace}\n`);
  }
}

/** The sctrace log as strace-compare reads strace logs (names and return values). */
function namesRun(log: string, parent: number) {
  return straceRun(parseStraceLog(log), parent);
}

function floorCheck(family: string): void {
  const c = families.get(family);
  const floor = FLOORS[family];
  assert.ok(c, `family ${family} ran`);
  assert.ok(floor !== undefined, `test/corpus/floors.json has a floor for ${family}`);
  const pct = (100 * c.identical) / c.lines;
  assert.ok(pct >= floor, `${family}: ${linesText(c)} is below its floor of ${floor}%`);
}

const CORPUS_PROGRAMS = ['files', 'strings', 'io', 'memory', 'process', 'signals', 'deliveries', 'net', 'ioctl', 'ioctl-dev', 'time', 'netlink', 'misc', 'kobj', 'kernelapi'];

for (const name of CORPUS_PROGRAMS) {
  test(`corpus: ${name}`, async (t) => {
    if (skipUnlessPossible(t, reason)) return;
    await compareProgram(name, name, (dir) => [path.join(bin, name), dir]);
    floorCheck(name);
  });
}

/**
 * Corpus programs run with options: fdpaths with -y on a trace of some calls (the fds they use
 * were opened by calls it does not select).
 */
const OPTION_PROGRAMS: Array<[string, string[]]> = [
  ['fdpaths', ['-y', '-e', 'trace=execve,fspick,open_tree,move_mount,fsmount,fsconfig,io_uring_setup,io_uring_enter,openat']],
];

for (const [name, options] of OPTION_PROGRAMS) {
  test(`corpus: ${name} (${options.join(' ')})`, async (t) => {
    if (skipUnlessPossible(t, reason)) return;
    await compareProgram(name, name, (dir) => [path.join(bin, name), dir], options);
    floorCheck(name);
  });
}

/** Everyday programs: what the corpus programs do not cover, as users run it. */
const EVERYDAY: Array<[string, (dir: string) => string[]]> = [
  ['cat', (d) => ['/usr/bin/cat', path.join(d, 'hello.txt')]],
  ['ls -l', (d) => ['/usr/bin/ls', '-l', path.join(d, 'sub')]],
  ['sh pipeline', (d) => ['/bin/sh', '-c', `cat ${path.join(d, 'hello.txt')} | wc -c`]],
  ['sh fork+exec', (d) => ['/bin/sh', '-c', `/usr/bin/true; /usr/bin/ls ${path.join(d, 'sub')} > /dev/null; echo done`]],
  ['date -u', () => ['/usr/bin/date', '-u', '-d', '@0']],
  ['sort', (d) => ['/usr/bin/sort', path.join(d, 'sub', 'b.txt'), path.join(d, 'sub', 'a.txt')]],
  ['grep', (d) => ['/usr/bin/grep', '-r', 'a', path.join(d, 'sub')]],
  ['find', (d) => ['/usr/bin/find', d, '-name', '*.txt']],
  ['stat', (d) => ['/usr/bin/stat', '-c', '%n %s %F', path.join(d, 'hello.txt')]],
  ['cp mv rm', (d) => ['/bin/sh', '-c', `cp ${d}/hello.txt ${d}/x && mv ${d}/x ${d}/y && rm ${d}/y`]],
  ['tar', (d) => ['/usr/bin/tar', '-cf', path.join(d, 'out.tar'), '-C', d, 'sub']],
  ['gzip', (d) => ['/usr/bin/gzip', '-kf', path.join(d, 'hello.txt')]],
  ['mkdir rmdir', (d) => ['/bin/sh', '-c', `mkdir -p ${d}/p/q && rmdir ${d}/p/q ${d}/p`]],
  ['id', () => ['/usr/bin/id']],
  ['dd', (d) => ['/usr/bin/dd', `if=${path.join(d, 'hello.txt')}`, 'of=/dev/null', 'bs=4', 'status=none']],
];

for (const [label, argv] of EVERYDAY) {
  test(`everyday: ${label}`, async (t) => {
    if (skipUnlessPossible(t, reason)) return;
    await compareProgram('programs', label, argv);
  });
}

test('everyday programs stay above their floor', (t) => {
  if (skipUnlessPossible(t, reason)) return;
  floorCheck('programs');
});
