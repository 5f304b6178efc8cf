/**
 * Who may read what. A document's `access` lists the groups that may read it (absent or empty:
 * public); a question's `askedAs` lists the asker's groups (absent: the asker may read everything,
 * as in a dataset without access control). One rule, used by validation and by retrieval.
 */

/** Whether an asker in `groups` may read a document (or chunk) with this `access` list. */
export function canRead(item: { access?: readonly string[] }, groups: readonly string[] | undefined): boolean {
  if (groups === undefined || item.access === undefined || item.access.length === 0) return true;
  return item.access.some((g) => groups.includes(g));
}

/** Whether a document is readable only by some groups. */
export const isRestricted = (item: { access?: readonly string[] }): boolean => (item.access?.length ?? 0) > 0;
