import { readFileSync } from 'fs';
import { join } from 'path';
import * as testing from '../src';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const functions = Object.entries(testing)
  .filter(([, value]) => typeof value === 'function')
  .map(([name]) => name);

test('every snippet imports only what the package exports', () => {
  expect(snippets.length).toBeGreaterThanOrEqual(6);
  for (const snippet of snippets) {
    const imports = [
      ...snippet.matchAll(/import \{([^}]*)\} from '@claude-code-bedrock\/testing'/g),
    ];
    expect(imports).toHaveLength(1);
    for (const name of imports[0][1].split(',').map((n) => n.trim())) {
      expect(functions).toContain(name);
    }
  }
});

test.each(functions)('the README documents %s', (name) => {
  expect(readme).toContain(`\`${name}`);
});
