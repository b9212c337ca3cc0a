import { readFileSync } from 'fs';
import { join } from 'path';
import { CHECK_DEFINITIONS, CONTROLS, RULES } from '../src';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8').split('\n');

test.each(RULES.map((r) => [r.id, r.severity]))(
  'the README rules table documents %s with severity %s',
  (id, severity) => {
    const row = readme.find((line) => line.startsWith(`| \`${id}\``));
    expect(row).toMatch(new RegExp(`\\|\\s*${severity}\\s*\\|`));
  },
);

test.each(CHECK_DEFINITIONS.map((c) => [c.title, c]))(
  'the README check table maps %s to its framework references',
  (title, control) => {
    const row = readme.find((line) => line.startsWith(`| ${title} `));
    for (const refs of Object.values(control.frameworks)) {
      for (const ref of refs) expect(row).toContain(ref);
    }
  },
);

test.each(CONTROLS.map((c) => [c.title, c]))(
  'the README control table lists %s with its checks',
  (title, control) => {
    const row = readme.find((line) => line.startsWith(`| ${title} `));
    for (const id of control.checks) {
      const check = CHECK_DEFINITIONS.find((c) => c.id === id);
      expect(row).toContain(check?.title);
    }
  },
);
