/** The sctrace package this code runs from, found whether it runs from src/ or dist/src/. */
import fs from 'node:fs';
import path from 'node:path';

let root: string | undefined;

/** The package's root directory (the one holding its package.json). */
export function packageRoot(): string {
  if (root) return root;
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sctrace') {
      root = dir;
      return dir;
    }
  }
  throw new Error(`the sctrace package.json was not found above ${__dirname}`);
}

/** The package's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
