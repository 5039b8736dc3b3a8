// A moderator deals with vandalism on the demo thread: rolls it back, hides the abusive
// revision, locks the thread and suspends the vandal; readers never see the hidden text.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clickAndWait, expectVisible, field } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import { editSynthesis, logIn, logInAs } from '../lib/flows.mjs';

const DEMO = '/threads/open-vs-closed-weights';
const ABUSE = 'CALL 555-0100 FOR CHEAP WEIGHTS';

const app = useApp({ demo: true });

test('a moderator rolls back vandalism, hides it, locks the thread and suspends the vandal', (t) =>
  app.scenario(t, async (open) => {
    const vandal = await app.user('curator', 'vandal');
    await app.addCurator('open-vs-closed-weights', vandal);

    // The vandal makes two edits in a row, each a paragraph appended in the editor.
    const vandalPage = await open();
    await logIn(vandalPage, app, vandal);
    await editSynthesis(vandalPage, app.url(DEMO), { append: ABUSE, summary: 'more sources' });
    await editSynthesis(vandalPage, app.url(DEMO), { append: 'Closed weights forever, open weights never.', summary: 'balance' });
    const synthesis = (page) => page.getByRole('region', { name: 'Canonical Synthesis' });
    await expectVisible(synthesis(vandalPage).getByText(ABUSE), 'the vandalism is live');

    // The moderator finds it in the review queue and rolls back both edits at once.
    const mod = await open();
    const moderator = await logInAs(mod, app, 'moderator');
    await mod.getByRole('link', { name: 'Review queue' }).click();
    assert.equal(await mod.getByRole('row').filter({ hasText: vandal }).count(), 2, 'both edits wait for review');
    await mod.goto(app.url(`${DEMO}/history`));
    await field(mod, 'Reason for the rollback').fill('vandalism');
    await clickAndWait(mod, mod.getByRole('button', { name: `Roll back the latest edits by ${vandal}` }));
    assert.doesNotMatch(await synthesis(mod).innerText(), /CHEAP WEIGHTS|forever/, 'the rollback removed both edits');

    await mod.getByRole('link', { name: 'History', exact: true }).click();
    const rollbackRow = mod.getByRole('row').filter({ has: mod.getByRole('link', { name: 'Revision 4', exact: true }) });
    assert.match(await rollbackRow.innerText(), new RegExp(`Rolled back 2 edits by ${vandal} to revision 1 by terry-tang: vandalism`));

    // It hides the revision with the phone number.
    await mod.getByRole('link', { name: 'Revision 2', exact: true }).click();
    await clickAndWait(mod, mod.getByRole('link', { name: 'Hide revision 2' }));
    await expectVisible(mod.getByRole('heading', { level: 1, name: /^Hide revision 2 of “/ }), 'the hide form names the revision and thread');
    await expectVisible(mod.getByRole('region', { name: 'What will be hidden' }).getByText(ABUSE), 'the hide form shows what it hides');
    assert.equal(await mod.getByText(/still contains this revision's words/).count(), 0, 'no warning: the rollback took the words out');
    await field(mod, 'Reason for hiding').fill('personal data');
    await clickAndWait(mod, mod.getByRole('button', { name: 'Hide this content' }));
    await expectVisible(mod.getByText('Content hidden by a moderator.'), 'the revision is marked hidden');
    await expectVisible(mod.getByText(ABUSE), 'the moderator can still read it');

    // And locks the thread for a while.
    await mod.goto(app.url(DEMO));
    await mod.getByRole('navigation', { name: 'Thread tools' }).getByRole('link', { name: 'Lock' }).click();
    await field(mod, 'Reason for locking').fill('edit war');
    const lockUntil = field(mod, 'Until (UTC)');
    assert.equal(await lockUntil.getAttribute('type'), 'datetime-local', 'the lock ends at a date and time');
    await lockUntil.fill('2099-01-01T00:00');
    await clickAndWait(mod, mod.getByRole('button', { name: 'Lock thread' }));
    await expectVisible(mod.getByText(/This thread is locked until 2099-01-01 00:00 UTC \(reason: edit war\)/), 'the page says why and until when');

    // A reader sees neither the hidden text nor a way to it.
    const reader = await open();
    await reader.goto(app.url(`${DEMO}/revisions/2`));
    await expectVisible(reader.getByText('Content hidden by a moderator.'), 'readers see that something was hidden');
    assert.doesNotMatch(await reader.locator('main').innerText(), /555-0100|more sources/, 'the text and summary stay hidden');
    const diff = await reader.goto(app.url(`${DEMO}/diff?from=1&to=2`));
    assert.equal(diff.status(), 403, 'the diff of a hidden revision is refused');
    await reader.goto(app.url(`${DEMO}/history`));
    assert.doesNotMatch(await reader.locator('main').innerText(), /555-0100|more sources/, 'the history hides the summary too');

    // The vandal, still a curator, can no longer edit the locked thread.
    await vandalPage.goto(app.url(DEMO));
    await expectVisible(vandalPage.getByText(/This thread is locked/), 'the vandal sees the lock');
    assert.equal(await vandalPage.getByRole('link', { name: 'Edit synthesis' }).count(), 0, 'no edit link while locked');
    const refused = await vandalPage.goto(app.url(`${DEMO}/synthesis/edit`));
    assert.equal(refused.status(), 403, 'the editor is refused');

    // The moderator suspends the vandal, in the same date-time input as the lock.
    await mod.goto(app.url(`/users/${vandal}`));
    await field(mod, 'Reason for suspending').fill('vandalism and personal data');
    const suspendUntil = field(mod, 'Until (UTC)');
    assert.equal(await suspendUntil.getAttribute('type'), 'datetime-local', 'the same input as the lock');
    await suspendUntil.fill('2099-06-30T12:00');
    await clickAndWait(mod, mod.getByRole('button', { name: `Suspend ${vandal}` }));
    await expectVisible(
      mod.getByRole('note').getByText(`${vandal} is suspended until 2099-06-30 12:00 UTC (reason: vandalism and personal data).`),
      'the account page speaks of the vandal in the third person',
    );
    assert.equal(await mod.getByText(/your account/i).count(), 0, 'not to the moderator as if they were suspended');

    // The vandal is not logged out: their next page says why and until when.
    await vandalPage.reload();
    await expectVisible(
      vandalPage.getByRole('alert').getByText(/^Your account is suspended until 2099-06-30 12:00 UTC \(reason: vandalism and personal data\); you can read but not change anything\.$/),
      'the suspended user reads why and until when',
    );
    assert.equal(await vandalPage.locator('button', { hasText: 'Log out' }).count(), 1, 'and is still logged in');
    const refusedNew = await vandalPage.goto(app.url('/threads/new'));
    assert.equal(refusedNew.status(), 403, 'starting a thread is refused');
    assert.match(await vandalPage.locator('main').innerText(), /suspended until 2099-06-30 12:00 UTC/, 'the refusal says why');

    // Everything is in the moderation log.
    await mod.getByRole('link', { name: 'Moderation log' }).click();
    const log = await mod.getByRole('table').innerText();
    for (const entry of [/suspended .*vandalism and personal data/, /locked .*edit war/, /hid revision 2 .*personal data/, /rolled back 2 edits .*vandalism/]) {
      assert.match(log, entry);
    }
    // Each entry links to what it concerns: the suspended user, the hidden revision.
    const logRow = (text) => mod.getByRole('row').filter({ hasText: text });
    await expectVisible(logRow('vandalism and personal data').getByRole('link', { name: vandal }), 'the suspension links to the user');
    await clickAndWait(mod, logRow('personal data').filter({ hasText: 'hid revision 2' }).getByRole('link', { name: 'Revision 2', exact: true }));
    assert.equal(new URL(mod.url()).pathname, `${DEMO}/revisions/2`, 'the hide links to the revision');
  }));
