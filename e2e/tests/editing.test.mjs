// What the synthesis editor does for text the user has not saved yet: drafts and conflicts.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clickAndWait, expectVisible, field, unique } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import { logInAs, openSynthesisEditor, saveSynthesis, startThread, synthesisBox, waitForEditor } from '../lib/flows.mjs';

const app = useApp();

/** A curator logged in on `page` with a thread of their own; resolves to the thread's URL. */
async function curatorWithThread(page, title) {
  await logInAs(page, app, 'curator');
  const { url } = await startThread(page, title, 'Which way will it go?');
  return url;
}

/**
 * Waits until the editor has kept `text` as a draft in the browser's storage (it does so half a
 * second after the last keystroke), so that a reload finds it.
 */
async function waitForDraft(page, text) {
  await page.waitForFunction((wanted) => {
    for (let i = 0; i < localStorage.length; i += 1) {
      const key = localStorage.key(i);
      if (!key.startsWith('agora:draft:')) continue;
      const fields = JSON.parse(localStorage.getItem(key)).fields ?? {};
      if (Object.values(fields).some((values) => values.includes(wanted))) return true;
    }
    return false;
  }, text);
}

test('a draft typed in the synthesis editor survives a reload and can be restored', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    await curatorWithThread(page, unique('Draft thread'));
    const draft = 'An unsaved thought about **drafts**.';
    await (await openSynthesisEditor(page)).pressSequentially(draft);
    await waitForDraft(page, draft);
    await page.reload();

    const restore = page.getByRole('button', { name: 'Restore draft' });
    await expectVisible(restore, 'after a reload the editor offers "Restore draft"');
    await expectVisible(page.getByRole('button', { name: 'Discard draft' }), 'and "Discard draft"');
    await restore.click();
    assert.equal(await synthesisBox(page).inputValue(), draft, 'the draft text is back');
  }));

test('a discarded draft is not offered again', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    await curatorWithThread(page, unique('Discard thread'));
    await (await openSynthesisEditor(page)).pressSequentially('Throw me away');
    await waitForDraft(page, 'Throw me away');
    await page.reload();
    await page.getByRole('button', { name: 'Discard draft' }).click();
    assert.equal(await synthesisBox(page).inputValue(), '', 'the editor shows the saved text');
    await page.reload();
    await waitForEditor(page);
    assert.equal(await page.getByRole('button', { name: 'Restore draft' }).count(), 0, 'no draft is offered after discarding');
  }));

test('an edit conflict keeps the second editor\'s text and lets them save it', (t) =>
  app.scenario(t, async (open) => {
    const first = await open();
    const threadUrl = await curatorWithThread(first, unique('Conflict thread'));
    const second = await open();
    await logInAs(second, app, 'moderator');

    // Both open the editor on the same base revision.
    for (const page of [first, second]) await openSynthesisEditor(page, threadUrl);
    await synthesisBox(first).fill('The first editor was quicker.');
    await saveSynthesis(first);

    const mine = 'The second editor wrote this\nover two lines.';
    await synthesisBox(second).fill(mine);
    await field(second, 'Edit summary').fill('My take');
    await saveSynthesis(second);

    await expectVisible(second.getByRole('heading', { level: 1, name: 'Edit conflict' }), 'the second save is an edit conflict');
    await expectVisible(second.getByRole('alert'), 'the conflict is announced');
    assert.equal(await second.getByRole('textbox', { name: 'Your text', exact: true }).inputValue(), mine, 'the second editor\'s text is kept');
    assert.equal(await field(second, 'Edit summary').inputValue(), 'My take', 'so is their summary');
    assert.match(
      await second.getByRole('textbox', { name: /^Text of revision 1/ }).inputValue(),
      /The first editor was quicker\./,
      'the newer revision is shown beside it',
    );
    await expectVisible(second.getByRole('table').locator('ins', { hasText: 'over two lines.' }), 'the diff shows what they would add');

    await clickAndWait(second, second.getByRole('button', { name: /^Save my version over revision 1/ }));
    assert.equal(new URL(second.url()).pathname, new URL(threadUrl).pathname, 'saving the merged text returns to the thread');
    await expectVisible(
      second.getByRole('region', { name: 'Canonical Synthesis' }).getByText('The second editor wrote this'),
      'the second editor\'s text is now the synthesis',
    );
  }));

// Someone on a slow connection can start typing before the deferred editor script arrives;
// the script moves the textarea into its widget and must give the focus and caret back. The
// script is held back here so the move happens between the two halves of the typing.
test(
  'keys typed while the editor script loads all reach the textarea',
  (t) =>
    app.scenario(t, async (open) => {
      const page = await open();
      await curatorWithThread(page, unique('Early thread'));
      let release;
      const scriptHeld = new Promise((resolve) => {
        release = resolve;
      });
      await page.route(/\/static\/editor\.[0-9a-f]+\.js$/, async (route) => {
        await scriptHeld;
        await route.continue();
      });
      await page.getByRole('link', { name: 'Edit synthesis' }).click();
      const box = synthesisBox(page);
      await box.pressSequentially('Typed early, ');
      release();
      await waitForEditor(page);
      await page.keyboard.type('and after.');
      assert.equal(await box.inputValue(), 'Typed early, and after.', 'every key reached the textarea');
    }),
);
