/** Plain-text tables for `list`, `stop` and `caps`: left-aligned columns, two spaces apart. */

/** Formats `rows` (a header, if any, is just the first row) into lines ending with a newline. */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => `${row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}\n`).join('');
}
