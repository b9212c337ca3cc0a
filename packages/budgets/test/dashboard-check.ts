/*
 * What the dashboard tests read a body with: the metrics its widgets name (metric rows and the
 * search expressions inside metric math) and a structural check of what CloudWatch renders (grid
 * placement, metric rows, expression ids, log and alarm widgets). The emulator's PutDashboard
 * (emulator/ext_cloudwatch.py) checks the documented schema itself; this checks what a schema
 * cannot: overlaps, and math that names an id no row defines.
 */

/** A metric a widget names: `namespace` / `name`, and the dimension names it is read with. */
export interface NamedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: readonly string[];
  /** `/widgets/<i>/properties/metrics/<j>` */
  readonly where: string;
}

type Json = Record<string, unknown>;

const SEARCH = /SEARCH\('\{([^,}]+)((?:,[^,}]+)*)\} MetricName="([^"]+)"', '[^']+', \d+\)/g;
/** Metric math this reader understands: ids, FILL/SUM, numbers, operators, parentheses, commas. */
const MATH_WORD = /[A-Za-z_][A-Za-z0-9_]*/g;
const MATH_FUNCTIONS = new Set(['FILL', 'SUM']);

function widgetsOf(body: Json): Json[] {
  if (!Array.isArray(body.widgets)) throw new Error('the body has no widgets array');
  return body.widgets as Json[];
}

/** Every metric the body's widgets name. Throws on a metric row or expression it cannot read. */
export function namedMetrics(body: Json): NamedMetric[] {
  const named: NamedMetric[] = [];
  widgetsOf(body).forEach((w, i) => {
    if (w.type !== 'metric') return;
    const rows = (w.properties as Json).metrics as unknown[][];
    rows.forEach((row, j) => {
      const where = `/widgets/${i}/properties/metrics/${j}`;
      const first = row[0];
      if (typeof first === 'object' && first !== null && 'expression' in first) {
        const expression = String((first as Json).expression);
        const searches = [...expression.matchAll(SEARCH)];
        for (const m of searches) {
          const dimensions = m[2] ? m[2].slice(1).split(',') : [];
          named.push({ namespace: m[1], name: m[3], dimensions, where });
        }
        const math = expression.replace(SEARCH, '0');
        for (const [word] of math.matchAll(MATH_WORD)) {
          if (!MATH_FUNCTIONS.has(word) && !/^[a-z]/.test(word)) {
            throw new Error(`${where}: cannot read '${word}' in ${expression}`);
          }
        }
        return;
      }
      const [namespace, name, ...rest] = row;
      if (
        typeof namespace !== 'string' ||
        typeof name !== 'string' ||
        namespace === '.' ||
        name === '.'
      ) {
        throw new Error(`${where}: not a [namespace, metric name, ...] row`);
      }
      const strings = rest.filter((x): x is string => typeof x === 'string');
      named.push({
        namespace,
        name,
        dimensions: strings.filter((_, k) => k % 2 === 0),
        where,
      });
    });
  });
  return named;
}

/** The problems CloudWatch would render badly or refuse, as `path: message`; [] when none. */
export function structuralProblems(body: Json): string[] {
  const problems: string[] = [];
  const cells = new Map<string, number>();
  widgetsOf(body).forEach((w, i) => {
    const at = `/widgets/${i}`;
    const { x, y, width, height } = w as Record<string, number>;
    const integers = [x, y, width, height].every((n) => Number.isInteger(n));
    if (!integers || x < 0 || y < 0 || width < 1 || height < 1 || x + width > 24) {
      problems.push(`${at}: not placed inside the 24-column grid`);
    } else {
      for (let cx = x; cx < x + width; cx++) {
        for (let cy = y; cy < y + height; cy++) {
          const other = cells.get(`${cx},${cy}`);
          if (other !== undefined) problems.push(`${at}: overlaps /widgets/${other}`);
          cells.set(`${cx},${cy}`, i);
        }
      }
    }
    const p = (w.properties ?? {}) as Json;
    switch (w.type) {
      case 'metric':
        problems.push(...metricProblems(at, p));
        break;
      case 'log':
        if (typeof p.region !== 'string') problems.push(`${at}: log widget without a region`);
        if (typeof p.query !== 'string' || !/^SOURCE '[^']+' \| /.test(p.query)) {
          problems.push(`${at}: log query does not start with SOURCE '<log group>' |`);
        }
        break;
      case 'alarm': {
        const alarms = p.alarms as unknown[];
        if (!Array.isArray(alarms) || alarms.length < 1 || alarms.length > 100) {
          problems.push(`${at}: an alarm widget lists 1-100 alarms`);
        }
        break;
      }
      case 'text':
        if (typeof p.markdown !== 'string') problems.push(`${at}: text widget without markdown`);
        break;
      default:
        problems.push(`${at}: unexpected widget type ${String(w.type)}`);
    }
  });
  return [...new Set(problems)];
}

function metricProblems(at: string, p: Json): string[] {
  const problems: string[] = [];
  if (typeof p.region !== 'string') problems.push(`${at}: metric widget without a region`);
  const rows = p.metrics as unknown[][];
  if (!Array.isArray(rows) || rows.length === 0) return [...problems, `${at}: no metrics`];
  const ids = new Set<string>();
  const expressions: [string, string][] = [];
  rows.forEach((row, j) => {
    const where = `${at}/properties/metrics/${j}`;
    const options = row.find((x) => typeof x === 'object' && x !== null) as Json | undefined;
    const id = options?.id;
    if (id !== undefined) {
      if (typeof id !== 'string' || !/^[a-z][A-Za-z0-9_]*$/.test(id)) {
        problems.push(`${where}: id must start with a lowercase letter`);
      } else if (ids.has(id)) problems.push(`${where}: duplicate id ${id}`);
      else ids.add(id);
    }
    if (options && 'expression' in options) {
      if (row.length !== 1) problems.push(`${where}: an expression row holds one object`);
      expressions.push([where, String(options.expression)]);
    } else if (typeof row[0] !== 'string' || typeof row[1] !== 'string') {
      problems.push(`${where}: not a [namespace, metric name, ...] row`);
    }
  });
  for (const [where, expression] of expressions) {
    const math = expression.replace(SEARCH, '0');
    for (const [word] of math.matchAll(MATH_WORD)) {
      if (/^[a-z]/.test(word) && !ids.has(word)) problems.push(`${where}: no row has id ${word}`);
    }
  }
  return problems;
}
