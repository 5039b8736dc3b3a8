// Every kind of page passes axe (WCAG 2.2 A/AA rules, in light and dark colour schemes) and the
// Nu Html Checker. All pages are visited first; then one test per page type lists every problem
// found on it, so one run reports them all.
//
// axe checks the page as the browser shows it (after any script ran); vnu checks the HTML as the
// server sent it, saved under target/e2e-pages/.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { axeViolations } from '../lib/a11y.mjs';
import { TIMEOUT_MS, captureFailure, field, launchBrowser, logIn, unique } from '../lib/browser.mjs';
import { ROOT, startServer } from '../lib/server.mjs';
import { vnuErrors } from '../lib/vnu.mjs';

const DEMO = '/threads/open-vs-closed-weights';
const PAGES_DIR = path.join(ROOT, 'target/e2e-pages');
const PAGE_TYPES = [
  'home', 'thread', 'history', 'revision', 'diff', 'blame', 'recent', 'user', 'item-history', 'event', 'login', 'signup',
  'editor', 'conflict', 'queue', 'log', 'curators', 'error', 'notifications', 'digest', 'account-feed',
  'following', 'search',
];
const testName = (type) => `${type} page has no axe violations and no vnu errors`;

/** Problems by page type, as readable lines. */
const problems = new Map(PAGE_TYPES.map((type) => [type, []]));
/** The HTML files saved for vnu: `{ file, type, variant }`. */
const files = [];
let server;
let browser;

/**
 * Opens a page with `navigate` (which resolves to the main response), saves the HTML the server
 * sent for vnu (unless `validate` is false: the same HTML was saved already) and runs axe in both
 * colour schemes. `variant` says who is looking, and how.
 */
async function check(page, type, variant, navigate, { status = 200, validate = true } = {}) {
  const found = problems.get(type);
  try {
    const response = await navigate();
    if (response.status() !== status) found.push(`${variant}: HTTP ${response.status()}, expected ${status} (${page.url()})`);
    if (validate) {
      const file = path.join(PAGES_DIR, `${type}-${variant}.html`);
      writeFileSync(file, await response.text());
      files.push({ file, type, variant });
    }

    const byRule = new Map();
    for (const colorScheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme });
      for (const v of await axeViolations(page)) {
        const key = `${v.id}|${v.target}`;
        if (byRule.has(key)) byRule.get(key).schemes.push(colorScheme);
        else byRule.set(key, { ...v, schemes: [colorScheme] });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    for (const v of byRule.values()) {
      found.push(`${variant}: axe ${v.id} (${v.impact}; ${v.schemes.join('+')}) at \`${v.target}\`: ${v.help}`);
    }
    if (byRule.size > 0) await captureFailure(`${testName(type)}-${variant}`, [page]);
  } catch (error) {
    found.push(`${variant}: could not check the page: ${error.message.split('\n')[0]}`);
    await captureFailure(`${testName(type)}-${variant}`, [page]).catch(() => {});
  }
}

const goto = (page, pathname) => () => page.goto(`${server.baseUrl}${pathname}`);
const submit = (page, button) => async () => (await Promise.all([page.waitForNavigation(), button.click()]))[0];

before(async () => {
  mkdirSync(PAGES_DIR, { recursive: true });
  server = await startServer({ demo: true });
  browser = await launchBrowser();
  // Only these contexts bypass the app's CSP, so that axe can be injected.
  const anonymous = await browser.newContext({ bypassCSP: true });
  const signedIn = await browser.newContext({ bypassCSP: true });
  const readerContext = await browser.newContext({ bypassCSP: true });
  for (const context of [anonymous, signedIn, readerContext]) context.setDefaultTimeout(TIMEOUT_MS);

  // A reader who follows the demo thread now and comes back after the moderator's edits below.
  const readerName = unique('reader');
  await server.createUser(readerName, 'reader');
  const reader = await readerContext.newPage();
  await logIn(reader, server.baseUrl, readerName);
  await goto(reader, DEMO)();
  await submit(reader, reader.getByRole('button', { name: 'Follow' }))();

  // Someone not logged in.
  const page = await anonymous.newPage();
  await check(page, 'home', 'anonymous', goto(page, '/'));
  await check(page, 'thread', 'anonymous', goto(page, DEMO));
  const eventHref = await page.getByRole('region', { name: 'Events in this thread' }).getByRole('link').first().getAttribute('href');
  await check(page, 'event', 'anonymous', goto(page, eventHref));
  await check(page, 'history', 'anonymous', goto(page, `${DEMO}/history`));
  await check(page, 'revision', 'anonymous', goto(page, `${DEMO}/revisions/2`));
  await check(page, 'diff', 'anonymous', goto(page, `${DEMO}/diff?from=1&to=3`));
  await check(page, 'diff', 'anonymous-side-by-side', goto(page, `${DEMO}/diff?from=1&to=3&view=side`));
  await check(page, 'blame', 'anonymous', goto(page, `${DEMO}/blame`));
  await check(page, 'recent', 'anonymous', goto(page, '/recent'));
  await check(page, 'home', 'anonymous-filtered', goto(page, '/?status=active&stance=contested&sort=title'));
  await check(page, 'events', 'anonymous', goto(page, '/events'));
  await check(page, 'events', 'anonymous-filtered', goto(page, '/events?significance=landmark&year=2024'));
  await check(page, 'events', 'anonymous-unknown-thread', goto(page, '/events?thread=no-such-thread'), { status: 404 });
  await check(page, 'user', 'anonymous', goto(page, '/users/terry-tang'));
  await check(page, 'login', 'anonymous', goto(page, '/login'));
  await check(page, 'signup', 'anonymous', goto(page, '/signup'));
  await check(page, 'error', 'anonymous', goto(page, '/threads/no-such-thread'), { status: 404 });
  await check(page, 'search', 'anonymous', goto(page, '/search?q=open+weights'));
  await check(page, 'search', 'anonymous-empty', goto(page, '/search'));
  await check(page, 'search', 'anonymous-no-words', goto(page, '/search?q=the'));
  await check(page, 'search', 'anonymous-too-long', goto(page, `/search?q=${'x'.repeat(201)}`), { status: 422 });

  // A moderator, who sees every editing control.
  const moderator = unique('moderator');
  await server.createUser(moderator, 'moderator');
  const mod = await signedIn.newPage();
  await logIn(mod, server.baseUrl, moderator);
  await check(mod, 'home', 'moderator', goto(mod, '/'));
  await check(mod, 'thread', 'moderator', goto(mod, DEMO));
  await check(mod, 'history', 'moderator', goto(mod, `${DEMO}/history`));
  await check(mod, 'revision', 'moderator', goto(mod, `${DEMO}/revisions/2`));
  await check(mod, 'recent', 'moderator', goto(mod, '/recent'));
  await check(mod, 'queue', 'moderator', goto(mod, '/moderation/queue'));
  await check(mod, 'log', 'moderator', goto(mod, '/moderation/log'));
  await check(mod, 'notifications', 'moderator', goto(mod, '/notifications'));
  await check(mod, 'digest', 'moderator', goto(mod, '/account/digest'));
  await check(mod, 'user', 'moderator', goto(mod, '/users/terry-tang'));
  await check(mod, 'curators', 'moderator', goto(mod, `${DEMO}/curators`));
  await check(mod, 'account-feed', 'moderator', goto(mod, '/account/feed'));
  await check(mod, 'account-feed', 'moderator-new-url', submit(mod, mod.getByRole('button', { name: 'Create feed URL' })));
  // An item with a history: the moderator renames the first arc period, then opens its versions.
  await check(mod, 'item-history', 'moderator', async () => {
    await goto(mod, DEMO)();
    await mod.getByRole('region', { name: 'The Arc' }).getByRole('link', { name: /^Edit period/ }).first().click();
    await field(mod, 'Title').fill('A renamed period');
    await Promise.all([mod.waitForNavigation(), mod.getByRole('button', { name: 'Save' }).click()]);
    await mod.getByRole('region', { name: 'The Arc' }).getByRole('link', { name: /^Versions of period/ }).first().click();
    return mod.reload();
  });
  await check(mod, 'error', 'moderator', goto(mod, '/no/such/page'), { status: 404 });
  await check(mod, 'editor', 'moderator', async () => {
    const response = await goto(mod, `${DEMO}/synthesis/edit`)();
    // Give an enhanced editor something to preview before axe looks at it.
    await mod.getByRole('textbox', { name: /^Synthesis/ }).press('Control+End');
    await mod.keyboard.type('\n\nA **new** paragraph.');
    await mod.waitForTimeout(500);
    return response;
  });
  // The same editor with the draft just typed waiting to be restored, and on a narrow screen.
  await check(mod, 'editor', 'moderator-with-draft', async () => {
    const response = await goto(mod, `${DEMO}/synthesis/edit`)();
    await mod.getByRole('button', { name: 'Restore draft' }).waitFor();
    return response;
  }, { validate: false });
  await mod.setViewportSize({ width: 375, height: 740 });
  await check(mod, 'editor', 'moderator-narrow', async () => {
    const response = await goto(mod, `${DEMO}/synthesis/edit`)();
    await mod.getByRole('button', { name: 'Discard draft' }).click();
    await mod.getByRole('tab', { name: 'Preview' }).click();
    return response;
  }, { validate: false });
  await mod.setViewportSize({ width: 1280, height: 720 });

  // The conflict page: two tabs edit from the same base; the second save conflicts.
  const other = await signedIn.newPage();
  await check(mod, 'conflict', 'moderator', async () => {
    await goto(mod, `${DEMO}/synthesis/edit`)();
    await other.goto(`${server.baseUrl}${DEMO}/synthesis/edit`);
    await other.getByRole('textbox', { name: /^Synthesis/ }).fill('Saved first, in another tab.');
    await Promise.all([other.waitForNavigation(), other.getByRole('button', { name: 'Save synthesis' }).click()]);
    await mod.getByRole('textbox', { name: /^Synthesis/ }).fill('Saved second: this conflicts.');
    await field(mod, 'Edit summary').fill('conflicting');
    return submit(mod, mod.getByRole('button', { name: 'Save synthesis' }))();
  }, { status: 409 });

  await check(reader, 'thread', 'reader-since-last-visit', async () => {
    const response = await goto(reader, DEMO)();
    await reader.getByRole('heading', { name: /^Since you last read/ }).waitFor();
    return response;
  });
  await check(reader, 'following', 'reader', goto(reader, '/following'));

  await anonymous.close();
  await signedIn.close();
  await readerContext.close();

  try {
    // One line per distinct message on a page, with every place it occurs.
    const grouped = new Map();
    for (const e of await vnuErrors(files.map((f) => f.file))) {
      const key = `${e.file}|${e.message}`;
      if (!grouped.has(key)) grouped.set(key, { ...e, at: [] });
      grouped.get(key).at.push(`${e.line}:${e.column}`);
    }
    for (const e of grouped.values()) {
      const saved = files.find((f) => f.file === e.file);
      const extract = (e.extract ?? '').replace(/\s+/g, ' ').trim();
      (saved ? problems.get(saved.type) : problems.get('error')).push(
        `${saved?.variant ?? e.file}: vnu: ${e.message} ${e.at.length}× at ${path.relative(ROOT, e.file)}:${e.at.join(', ')}; first «${extract}»`,
      );
    }
  } catch (error) {
    for (const list of problems.values()) list.push(`vnu could not run: ${error.message.split('\n')[0]}`);
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const type of PAGE_TYPES) {
  test(testName(type), () => {
    const found = problems.get(type);
    assert.ok(files.some((f) => f.type === type) || found.length > 0, `no ${type} page was checked`);
    if (found.length > 0) {
      assert.fail(`${found.length} problem(s) on the ${type} page:\n  - ${found.join('\n  - ')}`);
    }
  });
}
