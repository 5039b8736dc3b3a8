// The flows the specs repeat, done as a person would through the pages: logging in, starting a
// thread, and writing the synthesis in its editor. Each flow ends by waiting for what the person
// would see next, so the step after it never races the page.

import { clickAndWait, expectVisible, field } from './browser.mjs';
import { PASSWORD } from './server.mjs';

/**
 * A link of the site's navigation, opening the header's Menu first where a narrow screen folds
 * the links behind it.
 * @param {import('playwright-core').Page} page
 */
export async function siteLink(page, name) {
  const link = page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name });
  const menu = page.locator('.site-header summary', { hasText: 'Menu' });
  if (!(await link.isVisible()) && (await menu.count()) && (await menu.isVisible())) await menu.click();
  return link;
}

/**
 * Logs in through the login page and waits to be sent on, logged in.
 * @param {import('playwright-core').Page} page
 * @param {import('./fixture.mjs').App} app
 */
export async function logIn(page, app, username, password = PASSWORD) {
  await page.goto(app.url('/'));
  await (await siteLink(page, 'Log in')).click();
  await field(page, 'Username').fill(username);
  await field(page, 'Password').fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.getByRole('button', { name: 'Log in' }).click()]);
  // Attached, not visible: on a narrow screen it sits behind the Menu.
  await page.locator('button', { hasText: 'Log out' }).waitFor({ state: 'attached' });
}

/** A new user with `role` (named `prefix-xxxxxx`), logged in on `page`; resolves to the name. */
export async function logInAs(page, app, role, prefix = role) {
  const username = await app.user(role, prefix);
  await logIn(page, app, username);
  return username;
}

/**
 * Starts a thread through "New thread" (the page must show the site's navigation, as any page
 * of a logged-in curator does) and waits for its page; resolves to its `url` and `slug`.
 */
export async function startThread(page, title, framingQuestion = `Is “${title}” settled?`) {
  await (await siteLink(page, 'New thread')).click();
  await field(page, 'Title').fill(title);
  await field(page, 'Framing question').fill(framingQuestion);
  await clickAndWait(page, page.getByRole('button', { name: 'Create thread' }));
  await expectVisible(page.getByRole('heading', { level: 1, name: title }), 'the new thread page shows its title');
  const url = page.url();
  return { url, slug: new URL(url).pathname.split('/').pop() };
}

/** The synthesis editor's textarea. */
export function synthesisBox(page) {
  return page.getByRole('textbox', { name: /^Synthesis/ });
}

/** The editor's live preview (visible beside the textarea on wide screens). */
export function previewRegion(page) {
  return page.getByRole('region', { name: 'Preview' });
}

/**
 * Waits until the editor's script has set the editor up: it shows the word count under the
 * text. Before that, the script moves the textarea into its widget, which takes the focus
 * away, so keys typed earlier can land nowhere.
 */
export async function waitForEditor(page) {
  await expectVisible(page.getByText(/^\d+ words?$/), 'the editor shows its word count (its script is ready)');
}

/**
 * Opens the synthesis editor through "Edit synthesis" on the thread page (at `threadUrl`, or
 * the page shown now) and waits until it is ready to type in; resolves to the textarea.
 */
export async function openSynthesisEditor(page, threadUrl) {
  if (threadUrl) await page.goto(threadUrl);
  await page.getByRole('link', { name: 'Edit synthesis' }).click();
  await waitForEditor(page);
  return synthesisBox(page);
}

/** Waits until the live preview shows `text` (a string or RegExp). */
export async function expectPreview(page, text, message = `the preview shows “${text}”`) {
  await expectVisible(previewRegion(page).getByText(text), message);
}

/** Saves the form of the open synthesis editor with "Save synthesis" and waits for the next page. */
export async function saveSynthesis(page) {
  await clickAndWait(page, page.getByRole('button', { name: 'Save synthesis' }));
}

/**
 * One whole edit of the synthesis: opens the editor from the thread page, replaces the text
 * with `text` (typed in one go) or types `append` as a new paragraph at its end, fills the edit
 * summary, looks at the preview until it shows the new words, and saves.
 * Looking at the preview first is what a person does; it also lets the layout settle, so the
 * click lands on the button rather than where it was before the preview grew.
 */
export async function editSynthesis(page, threadUrl, { text, append, summary }) {
  const box = await openSynthesisEditor(page, threadUrl);
  if (append !== undefined) {
    await box.press('Control+End');
    await page.keyboard.type(`\n\n${append}`);
  } else {
    await box.fill(text);
  }
  if (summary !== undefined) await field(page, 'Edit summary').fill(summary);
  const words = (append ?? text).replace(/[*_`]/g, '').slice(0, 20);
  await expectPreview(page, words);
  await saveSynthesis(page);
}
