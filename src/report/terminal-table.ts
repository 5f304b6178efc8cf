import Table from 'cli-table3';

const NONE = '';

/** The width every view of ragvft's terminal output fits. */
export const WIDTH = 100;

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
export function wrap(text: string, width = WIDTH, indent = 2): string {
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

/** One line (line breaks become spaces), at most `width` characters: cut with "…" if longer. */
export function clipLine(s: string, width = WIDTH): string {
  const one = s.replace(/\s*[\r\n]+\s*/g, ' ').trimEnd();
  return one.length > width ? `${one.slice(0, width - 1)}…` : one;
}

/** Columns taken by the widest line of `text`. */
export const widthOf = (text: string) => Math.max(0, ...text.split('\n').map((l) => l.length));
