import { readFileSync } from 'fs';
import { join } from 'path';
import { CONTROLS, RULES } from '../src';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8').split('\n');

test.each(RULES.map((r) => [r.id, r.severity]))(
  'the README rules table documents %s with severity %s',
  (id, severity) => {
    const row = readme.find((line) => line.startsWith(`| \`${id}\``));
    expect(row).toMatch(new RegExp(`\\|\\s*${severity}\\s*\\|`));
  },
);

test.each(CONTROLS.map((c) => [c.title, c]))(
  'the README control table maps %s to its framework references',
  (title, control) => {
    const row = readme.find((line) => line.startsWith(`| ${title} `));
    for (const refs of Object.values(control.frameworks)) {
      for (const ref of refs) expect(row).toContain(ref);
    }
  },
);
