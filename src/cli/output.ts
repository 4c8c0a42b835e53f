/** stdout carries results (JSON with --json); stderr carries messages and progress. */
export class Output {
  constructor(readonly json: boolean) {}

  /** Prints `value` as JSON (--json) or through `human`. */
  result(value: unknown, human: () => string): void {
    process.stdout.write(this.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
  }

  /** Prints a bare string on stdout in both modes (e.g. a token secret with --quiet). */
  raw(text: string): void {
    process.stdout.write(`${text}\n`);
  }

  message(text: string): void {
    process.stderr.write(`${text}\n`);
  }
}

/** A plain text table: a header row, then rows, columns padded to their widest cell. */
export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = [headers, ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  return cells.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}
