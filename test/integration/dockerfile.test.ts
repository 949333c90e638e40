/**
 * The Dockerfile without a container engine: every path it copies exists (from the build context,
 * and, for the runtime stage, after `npm run build`), and the runtime stage's install works: the
 * production packages installed from the lockfile (as `npm ci` + `npm prune --omit=dev` leave
 * them) include koffi's native binary, which is an optional dependency, and sctraced runs from a
 * directory laid out as the image's /opt/sctrace. deploy/image/build.sh builds the real image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/service-process';

interface Copy {
  from: string | undefined;
  sources: string[];
  dest: string;
}

/** COPY instructions of the Dockerfile, with --from=STAGE when given. */
function copies(): Copy[] {
  const text = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const out: Copy[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*COPY\s+(.*)$/i.exec(line);
    if (!m) continue;
    const words = m[1].trim().split(/\s+/);
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const paths = words.filter((w) => !w.startsWith('--'));
    out.push({ from, sources: paths.slice(0, -1), dest: paths[paths.length - 1] });
  }
  return out;
}

test('every path the Dockerfile copies exists: context files, and build outputs after npm run build', () => {
  const all = copies();
  assert.ok(all.length >= 5, `found ${all.length} COPY lines`);
  const ignored = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  for (const c of all) {
    for (const source of c.sources) {
      // The build stage works in /src: its outputs are this checkout's, built.
      const local = c.from === 'build' ? path.relative('/src', source) : source;
      assert.ok(!local.startsWith('..'), `${source} is outside the build stage's /src`);
      assert.ok(fs.existsSync(path.join(ROOT, local)), `COPY ${c.from ? `--from=${c.from} ` : ''}${source}: ${local} does not exist`);
      if (!c.from && local !== '.') assert.ok(!ignored.includes(local), `${local} is copied from the context but .dockerignore excludes it`);
    }
  }
});

test('the runtime stage’s install works: production packages with koffi’s binary, sctraced runs from /opt/sctrace’s layout', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-image-'));
  try {
    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, stdio: 'pipe' });
    assert.ok(!fs.existsSync(path.join(dir, 'node_modules/typescript')), 'dev packages are not installed');
    // The runtime stage copies these from the build stage (the Dockerfile test above checks the list).
    for (const c of copies().filter((x) => x.from === 'build')) {
      for (const source of c.sources) {
        const local = path.relative('/src', source);
        if (local === 'node_modules' || local === 'package.json') continue;
        fs.cpSync(path.join(ROOT, local), path.join(dir, c.dest === './' ? local : c.dest), { recursive: true });
      }
    }
    const koffi = execFileSync(process.execPath, ['-e', "const k = require('koffi'); k.load('libc.so.6'); console.log(k.version)"], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.match(koffi, /^\d+\.\d+/, 'koffi loads its native binary');
    const help = execFileSync(process.execPath, ['dist/src/main.js', '--help'], { cwd: dir, encoding: 'utf8' });
    assert.match(help, /usage: sctraced/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
