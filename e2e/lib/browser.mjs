// Debian's Chromium driven by playwright-core (no browser is ever downloaded), and `scenario()`,
// which wraps a test body so a failure leaves a screenshot and the page's HTML behind.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { ROOT } from './server.mjs';

const FAILURES = path.join(ROOT, 'target/e2e-failures');

/** How long an action or a wait may take before the test fails (the app answers in ms). */
export const TIMEOUT_MS = 5_000;

/** Launches headless Chromium; the flags keep it off the (closed) network. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

function fileStem(name) {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'test';
}

/** Writes `<test-name>.png` (full page) and `.html` for every page the test opened. */
export async function captureFailure(testName, pages) {
  mkdirSync(FAILURES, { recursive: true });
  const stem = fileStem(testName);
  let n = 0;
  for (const page of pages) {
    if (page.isClosed()) continue;
    n += 1;
    const base = path.join(FAILURES, n === 1 ? stem : `${stem}-${n}`);
    try {
      await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: TIMEOUT_MS });
    } catch (e) {
      writeFileSync(`${base}.png.error.txt`, String(e));
    }
    try {
      writeFileSync(`${base}.html`, `<!-- ${page.url()} -->\n${await page.content()}`);
    } catch (e) {
      writeFileSync(`${base}.html.error.txt`, String(e));
    }
  }
}

/**
 * Runs `body(open)` where `open(contextOptions)` gives a new page in a new browser context
 * (its own cookies and storage: another person). On failure every page opened is saved to
 * target/e2e-failures/ before the error is rethrown; contexts are closed in any case.
 * @param {import('playwright-core').Browser} browser
 * @param {import('node:test').TestContext} t
 */
export async function scenario(browser, t, body) {
  const contexts = [];
  const pages = [];
  const open = async (options = {}) => {
    const context = await browser.newContext(options);
    context.setDefaultTimeout(TIMEOUT_MS);
    contexts.push(context);
    const page = await context.newPage();
    pages.push(page);
    return page;
  };
  try {
    await body(open);
  } catch (error) {
    await captureFailure(t.name, pages);
    throw error;
  } finally {
    for (const context of contexts) await context.close().catch(() => {});
  }
}

/** A form control by its label, allowing the "(optional)" the app appends to some labels. */
export function field(page, label) {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByLabel(new RegExp(`^\\s*${escaped}(\\s*\\(optional\\))?\\s*$`));
}

/** Clicks something that submits a form or follows a link and waits for the next page. */
export async function clickAndWait(page, locator) {
  await Promise.all([page.waitForNavigation(), locator.click()]);
}

/** Waits until `locator` is visible; fails with `message` otherwise. */
export async function expectVisible(locator, message) {
  try {
    await locator.first().waitFor({ state: 'visible' });
  } catch (error) {
    throw new Error(`${message}\n${error.message.split('\n')[0]}`, { cause: error });
  }
}

/** A short random suffix for names that must be unique within one server. */
export function unique(prefix) {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}
