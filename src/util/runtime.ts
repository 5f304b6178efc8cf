/** The Node line ragvft supports (package.json `engines`); older lines still run, untested beyond 20. */
export const SUPPORTED_NODE_MAJOR = 22;

/** A run warning on a Node older than the supported line (null on a supported one). */
export function runtimeWarning(version: string = process.versions.node): string | null {
  const major = Number(version.split('.')[0]);
  if (major >= SUPPORTED_NODE_MAJOR) return null;
  return `Node ${version} is past end of life; ragvft supports Node >= ${SUPPORTED_NODE_MAJOR} (it still runs here; see README, Node versions)`;
}
