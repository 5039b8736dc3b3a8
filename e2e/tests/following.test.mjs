// A reader follows the demo thread; a curator edits a paragraph and adds an event; the reader
// comes back to a "since you last read" summary with the changed paragraph marked.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clickAndWait, expectVisible, field } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import { logInAs, openSynthesisEditor, saveSynthesis } from '../lib/flows.mjs';

const DEMO = '/threads/open-vs-closed-weights';

const app = useApp({ demo: true });

test('a returning reader sees what changed since the last visit and marks it as read', (t) =>
  app.scenario(t, async (open) => {
    const reader = await open();
    await logInAs(reader, app, 'reader');
    await reader.goto(app.url(DEMO));
    await clickAndWait(reader, reader.getByRole('button', { name: 'Follow' }));
    await expectVisible(reader.getByRole('button', { name: 'Unfollow' }), 'the thread is followed');
    assert.equal(await reader.getByRole('heading', { name: /^Since you last read/ }).count(), 0, 'nothing new yet');

    // A moderator (who may edit any thread) extends the third paragraph and records an event.
    const curator = await open();
    await logInAs(curator, app, 'moderator', 'mod');
    const box = await openSynthesisEditor(curator, app.url(DEMO));
    const text = await box.inputValue();
    const paragraphs = text.split('\n\n');
    paragraphs[2] += ' By late 2026 the gap had narrowed to months.';
    await box.fill(paragraphs.join('\n\n'));
    await field(curator, 'Edit summary').fill('The gap narrowed');
    await saveSynthesis(curator);
    await curator.goto(app.url(`${DEMO}/events/new`)); // recorded in this thread
    await field(curator, 'Date').fill('2026-11-20');
    await field(curator, 'Title').fill('Open model matches the frontier');
    await field(curator, 'Significance').selectOption('landmark');
    await clickAndWait(curator, curator.getByRole('button', { name: 'Save event' }));

    // The reader's Following page counts both changes; the thread page says what they were.
    await reader.goto(app.url('/following'));
    await expectVisible(reader.getByText(/^2 changes/), 'two changes since the last read');
    await clickAndWait(reader, reader.getByRole('link', { name: /^Open vs\. Closed Weights/ }));
    const summary = reader.getByRole('complementary', { name: /^Since you last read/ });
    await expectVisible(summary, 'the summary opens the page');
    assert.match(await summary.innerText(), /The synthesis changed in 1 place and 1 new event/);
    const marked = reader.locator('.since-changed');
    assert.equal(await marked.count(), 1, 'one changed place is marked');
    assert.match(await marked.innerText(), /narrowed to months/);

    await summary.getByRole('link', { name: 'Full diff between what you read and now' }).click();
    await expectVisible(reader.getByRole('heading', { level: 1, name: 'Changes from revision 1 to revision 2' }), 'the diff opens');
    await reader.goBack();
    await clickAndWait(reader, reader.getByRole('button', { name: 'Mark as read' }));
    assert.equal(await reader.getByRole('heading', { name: /^Since you last read/ }).count(), 0, 'cleared');
    assert.equal(await reader.locator('.since-changed').count(), 0, 'no paragraph marked any more');
  }));
