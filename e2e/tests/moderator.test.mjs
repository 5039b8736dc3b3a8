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
    await page.getByRole('link', { name: 'History' }).click();
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

    await page.getByRole('link', { name: 'History' }).click();
    const rows = page.getByRole('row').filter({ has: page.getByRole('link', { name: /^Revision \d+$/ }) });
    assert.equal(await rows.count(), 3, 'history keeps all three revisions');
    const newest = rows.first();
    assert.match(await newest.innerText(), new RegExp(`Revision 3[\\s\\S]*${moderator}[\\s\\S]*Reverted to revision 1`), 'the newest row is the revert, by the moderator');
    assert.match(await newest.innerText(), /vandalism/, 'the reason is kept in the summary');
    assert.match(await rows.nth(1).innerText(), new RegExp(vandal), 'the vandal\'s revision stays in the history');
  }));
