/**
 * Bad input from the user (dataset, config, result file). The CLI prints `message` alone and
 * exits with code 2; nothing is written. `file`/`line`/`field` locate the problem.
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly where: { file?: string; line?: number; field?: string } = {},
  ) {
    const loc = [where.file, where.line !== undefined ? `line ${where.line}` : undefined, where.field ? `field "${where.field}"` : undefined]
      .filter(Boolean)
      .join(', ');
    super(loc ? `${loc}: ${message}` : message);
    this.name = 'InputError';
  }
}
