import type { z } from 'zod';

/** One configuration problem: where it is, what was found there, and what is wrong. */
export interface ConfigProblem {
  /** Dotted path into the config, e.g. `developers[3].team`; `(root)` for the whole file. */
  readonly path: string;
  /** The offending value, rendered for humans (truncated). */
  readonly value: string;
  readonly message: string;
}

/** Thrown when a configuration or construct props are invalid; lists every problem. */
export class ConfigError extends Error {
  constructor(
    readonly problems: readonly ConfigProblem[],
    readonly source = 'configuration',
  ) {
    super(formatProblems(problems, source));
    this.name = 'ConfigError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/** Renders a value for an error message: JSON, at most 80 characters. */
export function renderValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  let text: string;
  try {
    text =
      typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key as string];
  }
  return cur;
}

/** Converts zod issues into problems, reading each offending value from the raw input. */
export function problemsFromZod(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        out.push({
          path: formatPath(path),
          value: renderValue(valueAt(input, path)),
          message:
            'is not a known setting (check the spelling; see the configuration reference, docs/configuration.md)',
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union') {
      // Report the branch that got furthest instead of "invalid input".
      const branches = (issue as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
      const best = branches.reduce<z.core.$ZodIssue[] | undefined>(
        (a, b) => (!a || deepest(b) > deepest(a) ? b : a),
        undefined,
      );
      if (best && best.length > 0) {
        out.push(
          ...problemsFromZod(
            best.map((b) => ({ ...b, path: [...issue.path, ...b.path] })),
            input,
          ),
        );
        continue;
      }
    }
    const value =
      'input' in issue && issue.input !== undefined ? issue.input : valueAt(input, issue.path);
    const missing = issue.code === 'invalid_type' && value === undefined;
    out.push({
      path: formatPath(issue.path),
      value: renderValue(value),
      message: missing ? `is required (${issue.expected})` : issue.message,
    });
  }
  return out;
}

function deepest(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(...issues.map((i) => i.path.length + (i.code === 'invalid_type' ? 0 : 0.5)));
}

export function formatProblems(problems: readonly ConfigProblem[], source: string): string {
  const n = problems.length;
  const lines = problems.map((p) => `  - ${p.path}: ${p.message} (got ${p.value})`);
  return [`${source} has ${n} problem${n === 1 ? '' : 's'}:`, ...lines].join('\n');
}

/**
 * Validates props against a schema and throws one {@link ConfigError} listing every problem.
 * Constructs call this so library users get the same errors as the config file.
 */
export function validateWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  source: string,
): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ConfigError(problemsFromZod(result.error.issues, input), source);
  return result.data;
}
