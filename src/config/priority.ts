/**
 * The service's scheduling priority (--nice). Linux keeps a nice value per thread, and Node has
 * started its V8 and libuv threads before any of our code runs, so every thread in
 * /proc/self/task is changed; threads created later inherit the value from their creator.
 */
import fs from 'node:fs';
import os from 'node:os';

/** Sets every thread of this process to `nice`. Returns how many threads were changed. */
export function applyNice(nice: number): number {
  let changed = 0;
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      os.setPriority(Number(tid), nice);
      changed++;
    } catch (err) {
      // A thread may have exited meanwhile; anything else (EACCES for a negative value) is real.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH' && !/ESRCH|no such process/i.test((err as Error).message)) {
        throw new Error(`set nice ${nice} on thread ${tid}: ${(err as Error).message}`);
      }
    }
  }
  return changed;
}
