/**
 * A bench section run on its own (node dist/bench/sched.js, dist/bench/reads.js): a fresh
 * sctraced in a temporary directory, the section's rows printed as markdown and, with --out DIR,
 * written as NAME.json and NAME.md; the service stopped and the directory removed at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startService, type Service } from './service';

export interface SectionContext {
  root: string;
  workDir: string;
  service: Service;
  /** --runs and the section's own size option (--rounds, --calls), as given. */
  values: Record<string, string | undefined>;
  log: (line: string) => void;
}

export function runStandalone<Row>(name: string, sizeOption: string, measure: (ctx: SectionContext) => Promise<Row[]>, markdown: (rows: Row[]) => string): void {
  const main = async (): Promise<number> => {
    const { values } = parseArgs({ options: { runs: { type: 'string' }, [sizeOption]: { type: 'string' }, out: { type: 'string' } } });
    const root = path.resolve(__dirname, '../../..');
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `sctrace-bench-${name}-`));
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const service = await startService(path.join(workDir, 'service'));
    try {
      const rows = await measure({ root, workDir, service, values: values as Record<string, string | undefined>, log });
      const md = markdown(rows);
      process.stdout.write(`${md}\n`);
      if (typeof values.out === 'string') {
        fs.mkdirSync(values.out, { recursive: true });
        fs.writeFileSync(path.join(values.out, `${name}.json`), `${JSON.stringify(rows, null, 2)}\n`);
        fs.writeFileSync(path.join(values.out, `${name}.md`), `${md}\n`);
      }
      return 0;
    } finally {
      await service.stop();
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  };
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`bench ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
