/**
 * Progress on stderr, so stdout stays for the table and JSON. On a terminal one line updates in
 * place; in CI logs (no TTY) a line is printed every 10%, so logs stay short but show movement.
 */
export interface Progress {
  log(msg: string): void;
  start(label: string, total: number): { tick(note?: string): void; done(): void };
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  const tty = Boolean(stream.isTTY);
  const write = (s: string) => {
    if (!quiet) stream.write(s);
  };
  return {
    log: (msg) => write(`${msg}\n`),
    start(label, total) {
      let n = 0;
      let lastDecile = -1;
      const t0 = performance.now();
      const line = () => {
        const secs = (performance.now() - t0) / 1000;
        const eta = n > 0 ? ((total - n) * secs) / n : 0;
        return `${label} ${n}/${total} (${total ? Math.floor((100 * n) / total) : 100}%) ${secs.toFixed(1)}s elapsed, ~${eta.toFixed(0)}s left`;
      };
      return {
        tick(note) {
          n++;
          if (note) write(`${tty ? '\r\x1b[K' : ''}  ${note}\n`);
          if (tty) write(`\r\x1b[K${line()}`);
          else {
            const decile = Math.floor((10 * n) / Math.max(1, total));
            if (decile !== lastDecile) {
              lastDecile = decile;
              write(`${line()}\n`);
            }
          }
        },
        done() {
          if (tty) write(`\r\x1b[K${line()}\n`);
        },
      };
    },
  };
}
