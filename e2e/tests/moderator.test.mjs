// A moderator undoes vandalism by reverting to the last good revision.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clickAndWait, expectVisible, field } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import { editSynthesis, logIn, logInAs, startThread } from '../lib/flows.mjs';

const app = useApp();

test('a moderator reverts a vandalised synthesis to the good revision', (t) =>
  app.scenario(t, async (open) => {
    const good = 'Tidal power is **predictable** but expensive to build.';

    // The thread's curator starts it and writes a good synthesis.
    const curatorPage = await open();
    await logInAs(curatorPage, app, 'curator');
    const { url: threadUrl, slug } = await startThread(curatorPage, 'Is tidal power worth it', 'Does predictability justify the cost?');
    await editSynthesis(curatorPage, threadUrl, { text: good, summary: 'A careful summary' });

    // A second curator of the same thread vandalises it.
    const vandal = await app.user('curator', 'vandal');
    await app.addCurator(slug, vandal);
    const vandalPage = await open();
    await logIn(vandalPage, app, vandal);
    await editSynthesis(vandalPage, threadUrl, { text: 'TIDAL POWER IS A SCAM lol', summary: 'improvements' });
    await expectVisible(vandalPage.getByText('TIDAL POWER IS A SCAM lol'), 'the vandalism is live');

    // The moderator finds the good revision in the history and reverts to it.
    const page = await open();
    const moderator = await logInAs(page, app, 'moderator');
    await page.goto(threadUrl);
    await page.getByRole('link', { name: 'History', exact: true }).click();
    await page.getByRole('link', { name: 'Revision 1', exact: true }).click();
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Revision 1' }), 'the good revision opens');
    await expectVisible(page.locator('strong', { hasText: 'predictable' }), 'the good revision shows its text');
    // Reverting asks first: the confirmation shows what goes and takes the reason.
    await clickAndWait(page, page.getByRole('link', { name: 'Revert to revision 1' }));
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Revert to revision 1?' }), 'the revert asks to confirm');
    await field(page, 'Reason').fill('vandalism');
    await clickAndWait(page, page.getByRole('button', { name: 'Revert to revision 1' }));

    assert.equal(new URL(page.url()).pathname, new URL(threadUrl).pathname, 'the revert returns to the thread');
    const synthesis = page.getByRole('region', { name: 'Canonical Synthesis' });
    await expectVisible(synthesis.locator('strong', { hasText: 'predictable' }), 'the good text is back');
    assert.doesNotMatch(await synthesis.innerText(), /SCAM/, 'the vandalism is gone');
    await expectVisible(synthesis.getByRole('link', { name: 'Revision 3' }), 'the revert is a new revision');

    await page.getByRole('link', { name: 'History', exact: true }).click();
    const rows = page.getByRole('row').filter({ has: page.getByRole('link', { name: /^Revision \d+$/ }) });
    assert.equal(await rows.count(), 3, 'history keeps all three revisions');
    const newest = rows.first();
    assert.match(await newest.innerText(), new RegExp(`Revision 3[\\s\\S]*${moderator}[\\s\\S]*Reverted to revision 1`), 'the newest row is the revert, by the moderator');
    assert.match(await newest.innerText(), /vandalism/, 'the reason is kept in the summary');
    assert.match(await rows.nth(1).innerText(), new RegExp(vandal), 'the vandal\'s revision stays in the history');
  }));

test('a moderator hides a revision whose words the current text still carries, and takes them out in the same step', (t) =>
  app.scenario(t, async (open) => {
    const phone = 'Call 555-0199 for cheap drilling.';
    const curatorPage = await open();
    await logInAs(curatorPage, app, 'curator');
    const title = 'Is geothermal underrated';
    const { url: threadUrl, slug } = await startThread(curatorPage, title, 'Is it cheaper than it looks?');
    await editSynthesis(curatorPage, threadUrl, { text: 'Geothermal heat is steady.', summary: 'Start' });

    // A vandal adds a phone number; the curator, not noticing, adds a paragraph after it.
    const vandal = await app.user('curator', 'vandal');
    await app.addCurator(slug, vandal);
    const vandalPage = await open();
    await logIn(vandalPage, app, vandal);
    await editSynthesis(vandalPage, threadUrl, { append: phone, summary: 'contact' });
    await editSynthesis(curatorPage, threadUrl, { append: 'Drilling costs fall every year.', summary: 'Costs' });

    // The moderator opens the hide form of revision 2: it names the thread and the revision,
    // shows the words, and warns that the current text still carries them.
    const page = await open();
    await logInAs(page, app, 'moderator');
    await page.goto(`${threadUrl}/revisions/2`);
    await clickAndWait(page, page.getByRole('link', { name: 'Hide revision 2' }));
    await expectVisible(page.getByRole('heading', { level: 1, name: `Hide revision 2 of “${title}”` }), 'the form names the revision and thread');
    await expectVisible(page.getByRole('region', { name: 'What will be hidden' }).getByText(phone), 'the form shows the words it hides');
    await expectVisible(page.getByText("The current text still contains this revision's words; hiding does not remove them."), 'the form warns');
    const remove = field(page, 'Also remove it from the current text');
    assert.equal(await remove.isChecked(), true, 'removing is offered, ticked');
    await field(page, 'Reason for hiding').fill('phone number');
    await clickAndWait(page, page.getByRole('button', { name: 'Hide this content' }));
    await expectVisible(page.getByText('Content hidden by a moderator.'), 'the revision is marked hidden');

    // Readers find the words nowhere: not on the thread, not in search, not in blame.
    const reader = await open();
    await reader.goto(threadUrl);
    const synthesis = reader.getByRole('region', { name: 'Canonical Synthesis' });
    await expectVisible(synthesis.getByText('Drilling costs fall every year.'), 'the later edit is kept');
    assert.doesNotMatch(await synthesis.innerText(), /555-0199/, 'the hidden words left the current text');
    await reader.goto(app.url('/search?q=drilling'));
    assert.doesNotMatch(await reader.locator('main').innerText(), /555-0199/, 'search does not find them');
    // Revision 3 still had them, credited to the hidden revision 2: its blame withholds them.
    await reader.goto(`${threadUrl}/blame?rev=3`);
    await expectVisible(reader.getByText('Text from a revision hidden by a moderator.'), 'blame marks the withheld paragraph');
    assert.doesNotMatch(await reader.locator('main').innerText(), /555-0199/, 'blame does not show them');
  }));
