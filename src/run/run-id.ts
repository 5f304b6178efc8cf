import { randomBytes } from 'node:crypto';

/** `20250101T000000Z-1a2b3c`: sortable by start time, unique across runners. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}
