// Generated regions in Markdown files, and a check of their relative links.
//
// A region is delimited by two comment lines:
//
//   <!-- BEGIN GENERATED <source> (npm run docs) -->
//   ...
//   <!-- END GENERATED -->
//
// where <source> is the name of a generated table (`config-reference`, ...) or a file of the
// repository, optionally narrowed to a named region (`examples/budgets-and-alarms/main.ts#platform`,
// the lines between `#region platform` and `#endregion platform` comments). A file is included as
// a fenced code block, so every snippet a README shows is a file that the build compiles.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';

const REGION = /(<!-- BEGIN GENERATED (\S+) [^>]*-->\n)[\s\S]*?(<!-- END GENERATED -->)/g;
const REGION_MARKER = /^\s*(\/\/|#)\s*#(end)?region\b/;
const FENCE_LANGUAGES = {
  '.ts': 'ts',
  '.mjs': 'js',
  '.js': 'js',
  '.yaml': 'yaml',
  '.json': 'json',
};

/** The sources of a file's generated regions, in order. */
export function regionSources(text) {
  return [...text.matchAll(REGION)].map((m) => m[2]);
}

/**
 * `text` with every generated region's body replaced by `render(source)`. `render` returns the
 * Markdown of a named table, or undefined for a file source (then the file is included).
 */
export function fillRegions(text, { root, render }) {
  return text.replace(REGION, (_, begin, source, end) => {
    const body = render(source) ?? includeFile(root, source);
    return `${begin}\n${body}\n\n${end}`;
  });
}

/** A file of the repository (or a named region of it) as a fenced code block. */
export function includeFile(root, source) {
  const [file, region] = source.split('#');
  const path = join(root, file);
  if (!existsSync(path)) throw new Error(`generated region: ${file} does not exist`);
  const lines = readFileSync(path, 'utf8').replace(/\n$/, '').split('\n');
  const body = region === undefined ? lines : regionLines(lines, region, file);
  const code = dedent(body.filter((line) => !REGION_MARKER.test(line)));
  return `\`\`\`${FENCE_LANGUAGES[extname(file)] ?? ''}\n${code.join('\n')}\n\`\`\``;
}

function regionLines(lines, name, file) {
  const marker = (end) => new RegExp(`^\\s*(//|#)\\s*#${end ? 'end' : ''}region ${name}\\s*$`);
  const start = lines.findIndex((l) => marker(false).test(l));
  const stop = lines.findIndex((l, i) => i > start && marker(true).test(l));
  if (start < 0 || stop < 0) throw new Error(`generated region: ${file} has no region '${name}'`);
  return lines.slice(start + 1, stop);
}

function dedent(lines) {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)[0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut));
}

/** GitHub's anchor for a heading text: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(heading) {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown text's headings (outside code fences), with GitHub's -1, -2 suffixes. */
export function headingAnchors(text) {
  const anchors = new Set();
  const counts = new Map();
  let fence = null;
  for (const line of text.split('\n')) {
    const f = /^\s*(```|~~~)/.exec(line);
    if (f) fence = fence === null ? f[1] : fence === f[1] ? null : fence;
    if (fence !== null || f) continue;
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const slug = headingSlug(h[1]);
    const n = counts.get(slug) ?? 0;
    counts.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/**
 * Relative links of a Markdown file that point nowhere: a missing file, or an anchor that no
 * heading of the target Markdown file has. Returns `[{ link, problem }]`.
 */
export function brokenLinks(root, file, text) {
  const problems = [];
  const withoutCode = text.replace(/^\s*```[\s\S]*?^\s*```/gm, '').replace(/`[^`\n]*`/g, '');
  for (const m of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const link = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:, ...
    const [target, anchor] = link.split('#');
    const path = target === '' ? join(root, file) : resolve(dirname(join(root, file)), target);
    if (!existsSync(path)) {
      problems.push({ link, problem: `${relative(root, path)} does not exist` });
      continue;
    }
    if (anchor !== undefined && path.endsWith('.md')) {
      const anchors = headingAnchors(readFileSync(path, 'utf8'));
      if (!anchors.has(anchor)) {
        problems.push({ link, problem: `${relative(root, path)} has no heading #${anchor}` });
      }
    }
  }
  return problems;
}
