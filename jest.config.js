/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type-checking is done once by `tsc --noEmit` before jest runs; ts-jest only transpiles. jose is ESM-only:
  // Node 24 loads it with require(esm), Jest's module registry does not, so ts-jest turns it into CommonJS here.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }], '/node_modules/jose/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true } }] },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  // the demo's day is pinned for every test (see test/setup/demo-date.ts)
  setupFiles: ['reflect-metadata', '<rootDir>/test/setup/demo-date.ts'],
  testTimeout: 30000,
};
