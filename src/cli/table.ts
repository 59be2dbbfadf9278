/**
 * Plain aligned text tables, kubectl style: upper-case headers, no borders,
 * columns separated by three spaces, no trailing whitespace.
 */

const GAP = '   ';

/** Renders rows under headers; every row must have one cell per header. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const lines = all.map((row) =>
    widths
      .map((width, column) => {
        const cell = row[column] ?? '';
        return column === widths.length - 1 ? cell : cell.padEnd(width);
      })
      .join(GAP)
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}
