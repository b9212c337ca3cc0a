// Shared Jest settings: SWC transpiles TypeScript (no type-checking at test time; `tsc` does that
// in `build`), and workspace packages resolve to their sources so tests never need a prior build.
const path = require('path');

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  moduleNameMapper: {
    '^@claude-code-bedrock/([a-z-]+)$': path.join(__dirname, 'packages/$1/src'),
  },
  setupFilesAfterEnv: [path.join(__dirname, 'jest.setup.js')],
};
