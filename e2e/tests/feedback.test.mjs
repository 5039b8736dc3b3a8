// Issue 15 items 8 and 9: every change is confirmed in a status region screen readers announce;
// deleting, reverting and undoing ask first (with a preview and a reason), and "Revert to" and
// "Undo" are two separate, explained choices.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clickAndWait, expectVisible, field } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import { editSynthesis, logInAs, startThread } from '../lib/flows.mjs';

const app = useApp();

/** The page's status region (always there, so assistive technology is watching it). */
const flash = (page) => page.locator('main > .flash[role=status][aria-live=polite]');

test('a saved synthesis is confirmed once, in the status region', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    await logInAs(page, app, 'curator');
    const { url } = await startThread(page, 'Is the flash heard');
    await expectVisible(flash(page).getByText('Created.'), 'starting a thread is confirmed');

    await editSynthesis(page, url, { text: 'A first synthesis.', summary: 'start' });
    await expectVisible(flash(page).getByText('Saved.', { exact: true }), 'the save is confirmed on the thread page');
    assert.equal(await page.getByRole('status').filter({ hasText: 'Saved.' }).count(), 1, 'exposed with the status role');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Is the flash heard' }).waitFor();
    assert.equal(await flash(page).count(), 1, 'the region stays on the page');
    assert.equal((await flash(page).innerText()).trim(), '', 'the message is shown once');
  }));

test('deleting an item asks for a reason first, then confirms it was deleted', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    await logInAs(page, app, 'curator');
    const { url } = await startThread(page, 'Is deleting confirmed');
    await page.getByRole('link', { name: 'Add a controversy' }).click();
    await field(page, 'Title').fill('A doubtful dispute');
    await page.locator('main textarea[name=body]').fill('Nobody disputes this.');
    await clickAndWait(page, page.getByRole('button', { name: 'Add' }));
    await expectVisible(flash(page).getByText('Added.'), 'adding is confirmed');

    await clickAndWait(page, page.getByRole('link', { name: 'Delete controversy A doubtful dispute' }));
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Delete this controversy?' }), 'delete asks first');
    await expectVisible(page.locator('.item-preview').getByText('Nobody disputes this.'), 'the item to delete is shown');

    // A blank reason (spaces pass the browser's check) is refused by the server, text kept.
    await field(page, 'Reason').fill('   ');
    await clickAndWait(page, page.getByRole('button', { name: 'Delete controversy' }));
    await expectVisible(page.getByRole('alert').getByText('a reason for deleting is required'), 'the reason is required');

    await field(page, 'Reason').fill('not a real dispute');
    await clickAndWait(page, page.getByRole('button', { name: 'Delete controversy' }));
    assert.equal(new URL(page.url()).pathname, new URL(url).pathname, 'back on the thread');
    await expectVisible(flash(page).getByText(/^Deleted\./), 'the deletion is confirmed');
    assert.equal(await page.getByText('A doubtful dispute').count(), 0, 'the item is gone');
  }));

test('revert and undo are separate, explained choices, and undo asks before it acts', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    await logInAs(page, app, 'curator');
    const { url, slug } = await startThread(page, 'Are revert and undo apart');
    // Revision 2 changes the first paragraph and revision 3 the last, so undoing 2 keeps 3.
    const [first, middle, last] = ['First paragraph.', 'Second paragraph.', 'Third paragraph.'];
    await editSynthesis(page, url, { text: `${first}\n\n${middle}\n\n${last}`, summary: 'one' });
    await editSynthesis(page, url, { text: `${first} A doubtful claim.\n\n${middle}\n\n${last}`, summary: 'two' });
    await editSynthesis(page, url, { text: `${first} A doubtful claim.\n\n${middle}\n\n${last} A later addition.`, summary: 'three' });

    await page.goto(app.url(`/threads/${slug}/revisions/2`));
    const revert = page.getByRole('link', { name: 'Revert to revision 2' });
    const undo = page.getByRole('link', { name: 'Undo revision 2' });
    await expectVisible(revert, 'a Revert to link');
    await expectVisible(page.getByText("Revert to: make a new revision whose text is this revision's text."), 'revert explained');
    await expectVisible(page.getByText("Undo: remove only this revision's changes, keeping later edits."), 'undo explained');
    const [a, b] = [await revert.boundingBox(), await undo.boundingBox()];
    assert.ok(b.y >= a.y + a.height + 16, `the two choices are spaced apart (${JSON.stringify({ a, b })})`);

    await clickAndWait(page, undo);
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Undo revision 2?' }), 'undo asks first');
    await expectVisible(page.locator('.confirm-preview ins', { hasText: 'A doubtful claim.' }), 'the change to take out is shown');
    await field(page, 'Reason').fill('unsourced');
    await clickAndWait(page, page.getByRole('button', { name: 'Undo revision 2' }));

    await expectVisible(flash(page).getByText(/^Undone:/), 'the undo is confirmed');
    const synthesis = page.getByRole('region', { name: 'Canonical Synthesis' });
    await expectVisible(synthesis.getByText('A later addition.'), 'the later edit stays');
    assert.equal(await synthesis.getByText('A doubtful claim.').count(), 0, 'the undone change is gone');
  }));
