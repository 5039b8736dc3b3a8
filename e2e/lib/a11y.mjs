// axe-core in the page: WCAG 2.0/2.1/2.2 A and AA rules. The app's Content-Security-Policy
// forbids inline scripts, so pages checked with this must come from a context opened with
// `bypassCSP: true` (and only those: everywhere else the CSP stays in force).

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

/** The WCAG tags axe runs. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Runs axe on the page as it is now. Resolves to one entry per offending element:
 * `{ id, impact, target, help }` (target: the element's CSS selector path).
 * @param {import('playwright-core').Page} page
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: AXE });
  }
  const violations = await page.evaluate(
    (options) => window.axe.run(document, options).then((r) => r.violations),
    { runOnly: { type: 'tag', values: WCAG_TAGS }, resultTypes: ['violations'] },
  );
  return violations.flatMap((v) =>
    v.nodes.map((node) => ({
      id: v.id,
      impact: node.impact ?? v.impact,
      target: node.target.flat().join(' '),
      help: v.help,
    })),
  );
}
