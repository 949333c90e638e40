/** Files the service reads its settings from. */
import fs from 'node:fs';
import { parse } from 'yaml';

/**
 * Reads a YAML or JSON file of settings (the `yaml` library reads JSON as the YAML subset it is
 * and, unlike JSON.parse, refuses a key given twice). A file anybody on the host may write is
 * refused: its settings decide who may trace what. Errors say what is wrong, without the file
 * name (callers put it in front with the flag that named it).
 */
export function readSettingsFile(file: string): unknown {
  if (fs.statSync(file).mode & 0o002) throw new Error('anyone on this host can write to it (chmod o-w it)');
  const text = fs.readFileSync(file, 'utf8');
  try {
    return parse(text);
  } catch (err) {
    throw new Error(`not JSON or YAML: ${(err as Error).message}`);
  }
}
