import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global_setup.ts'],
    // Two cores: run files in forked workers, two at a time; servers in tests bind port 0.
    pool: 'forks',
    maxWorkers: 2,
    // The AWS SDK's notice that its 2027 lines need Node 22 (its documented switch, read by
    // @aws-sdk/core's emitWarningIfUnsupportedVersion) would print once per test file on Node 20; child
    // processes the tests start inherit it with the rest of the environment.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', 'junit'],
    outputFile: { junit: '.rolebridge-test-report.xml' },
  },
});
