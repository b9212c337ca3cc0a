import { readFileSync, statSync } from 'fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, ConfigProblem, problemsFromZod, renderValue } from './errors';
import { EnvironmentConfig, EnvironmentConfigSchema } from './schema';

/** Config files larger than this are refused before parsing. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** YAML aliases allowed in one file (stops "billion laughs" anchor bombs). */
export const MAX_YAML_ALIASES = 100;

/**
 * Parses and validates an environment config held in a string. Throws {@link ConfigError} with
 * every problem (YAML syntax errors, then schema problems) — never a partial config.
 */
export function parseConfig(text: string, source = 'config'): EnvironmentConfig {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
    throw new ConfigError(
      [
        {
          path: '(root)',
          value: `${Buffer.byteLength(text, 'utf8')} bytes`,
          message: `is larger than ${MAX_CONFIG_BYTES} bytes; split the roster or generate the config`,
        },
      ],
      source,
    );
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    lineCounter,
  });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        path: `line ${lineCounter.linePos(e.pos[0]).line}, column ${lineCounter.linePos(e.pos[0]).col}`,
        value: e.code,
        message: `YAML: ${e.message.split('\n')[0]}`,
      })),
      source,
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    throw new ConfigError(
      [
        {
          path: '(root)',
          value: 'YAML aliases',
          message: `YAML: ${(err as Error).message} (at most ${MAX_YAML_ALIASES} alias expansions are allowed)`,
        },
      ],
      source,
    );
  }
  return validateConfig(raw, source);
}

/** Validates an already-parsed config object. */
export function validateConfig(raw: unknown, source = 'config'): EnvironmentConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const problem: ConfigProblem = {
      path: '(root)',
      value: renderValue(raw),
      message:
        'must be a YAML mapping with project, environment, region, ... (see docs/configuration.md)',
    };
    throw new ConfigError([problem], source);
  }
  const result = EnvironmentConfigSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new ConfigError(problemsFromZod(result.error.issues, raw), source);
  return result.data;
}

/** Reads, parses and validates a config file. Only environment apps and scripts call this. */
export function loadConfigFile(path: string): EnvironmentConfig {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw new ConfigError(
      [
        {
          path: '(root)',
          value: path,
          message: `cannot be read: ${(err as NodeJS.ErrnoException).code ?? err}`,
        },
      ],
      path,
    );
  }
  if (size > MAX_CONFIG_BYTES) {
    throw new ConfigError(
      [
        {
          path: '(root)',
          value: `${size} bytes`,
          message: `is larger than ${MAX_CONFIG_BYTES} bytes`,
        },
      ],
      path,
    );
  }
  return parseConfig(readFileSync(path, 'utf8'), path);
}
