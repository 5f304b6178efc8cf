import { isValidOn } from '../dataset/load.js';
import type { Document } from '../dataset/schema.js';

/**
 * The corpus as an index refreshed on `date` held it: the versions valid that day, without their
 * `validTo` (on that day nobody knew they would be superseded), and nothing that starts later. A
 * question asked after `date` then retrieves what was true on `date`, as a stale index does.
 */
export function corpusAsOf(documents: readonly Document[], date: string): Document[] {
  return documents.filter((d) => isValidOn(d, date)).map(({ validTo: _ended, ...d }) => d);
}
