/**
 * How much a piece of work holds up the calling thread's event loop: a 1 ms interval timer runs
 * while it does, and the longest gap between its ticks is the longest stall. Work that blocks the
 * thread gives a stall close to its whole duration; work done elsewhere (a worker) gives small ones.
 */
export async function measureStall(work: () => Promise<unknown>): Promise<{ elapsedMs: number; longestStallMs: number }> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const t0 = performance.now();
  last = t0;
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const end = performance.now();
  return { elapsedMs: end - t0, longestStallMs: Math.max(longest, end - last) };
}
