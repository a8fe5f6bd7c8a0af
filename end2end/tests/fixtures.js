// The `test` every spec uses: Playwright's, plus one automatic fixture that closes every browser
// context a test opened. Tests open their contexts on the worker's shared `browser` (two members
// in two contexts), which Playwright does not close between tests; left open, their pages kept
// syncing with servers that were gone and the machine slowed until a late test timed out.
import { test as base, expect } from "@playwright/test";

export const test = base.extend({
  closeContexts: [
    async ({ browser }, use) => {
      await use();
      await Promise.all(browser.contexts().map((context) => context.close()));
    },
    { auto: true },
  ],
});

export { expect };
