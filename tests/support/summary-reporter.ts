import type { Reporter, TestModule } from 'vitest/node';

/**
 * Closes the run with one plain line, "tests: N passed, N failed, N skipped", which CI logs and
 * other tools read without knowing vitest's own summary format.
 */
export default class SummaryReporter implements Reporter {
  /** `label` names the run (the browser tests say "Browser"); by default, the database. */
  constructor(private readonly options: { label?: string } = {}) {}

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
    }
    failed += unhandledErrors.length;
    const label = this.options.label ?? (process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite');
    process.stdout.write(`\n${label}: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
