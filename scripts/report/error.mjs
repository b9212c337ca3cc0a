/** A failure of `npm run report`, reported as one line (exit 2: usage, 1: anything else). */
export class ReportError extends Error {
  constructor(message, code = 1) {
    super(message);
    this.name = 'ReportError';
    this.code = code;
  }
}
