import Table from 'cli-table3';

const NONE = '';

/**
 * The one terminal table style: no colours (output is piped into files and CI logs), no box
 * lines, a rule under the header only and two spaces between columns, so the default views fit
 * 100 columns and read like `ps`/`kubectl` output.
 */
export function terminalTable(head: string[]): Table.Table {
  return new Table({
    head,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    chars: {
      top: NONE, 'top-mid': NONE, 'top-left': NONE, 'top-right': NONE,
      bottom: NONE, 'bottom-mid': NONE, 'bottom-left': NONE, 'bottom-right': NONE,
      left: NONE, 'left-mid': NONE, mid: '─', 'mid-mid': '──', right: NONE, 'right-mid': NONE,
      middle: '  ',
    },
  });
}

/**
 * Word-wraps a paragraph to `width` columns; its own leading spaces are kept, continuation lines
 * are indented `indent` spaces more.
 */
export function wrap(text: string, width = 100, indent = 2): string {
  const lead = /^ */.exec(text)![0];
  const lines: string[] = [];
  let line = lead;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line.trim() ? `${line} ${word}` : `${line}${word}`;
    if (next.length > width && line.trim()) {
      lines.push(line);
      line = `${lead}${' '.repeat(indent)}${word}`;
    } else line = next;
  }
  if (line.trim()) lines.push(line);
  return lines.join('\n');
}
