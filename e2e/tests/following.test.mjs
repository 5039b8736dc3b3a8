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

test('events, answered questions and interpretations changed since the last visit carry a badge', (t) =>
  app.scenario(t, async (open) => {
    const reader = await open();
    await logInAs(reader, app, 'reader', 'badges');
    await reader.goto(app.url(DEMO)); // the first visit is the baseline
    await expectVisible(reader.getByRole('heading', { level: 1, name: /^Open vs\. Closed Weights/ }), 'the thread opens');
    assert.equal(await reader.locator('.since-badge').count(), 0, 'nothing is new on a first visit');

    const mod = await open();
    await logInAs(mod, app, 'moderator', 'badger');
    await mod.goto(app.url(DEMO));
    await mod.getByRole('link', { name: 'Mark answered: question 1' }).click();
    await field(mod, 'Answer').fill('Nobody has drawn it yet.');
    await clickAndWait(mod, mod.getByRole('button', { name: 'Mark answered' }));
    await mod.goto(app.url(DEMO));
    await mod.getByRole('link', { name: 'Edit interpretation Democratization reading' }).click();
    const body = field(mod, 'The reading');
    await body.fill(`${await body.inputValue()}\n\nA late addition about community fine-tunes.`);
    await clickAndWait(mod, mod.getByRole('button', { name: 'Save' }));
    await mod.goto(app.url(`${DEMO}/events/new`));
    await field(mod, 'Date').fill('2026-11-21');
    await field(mod, 'Title').fill('Badge test event');
    await field(mod, 'Significance').selectOption('notable');
    await clickAndWait(mod, mod.getByRole('button', { name: 'Save event' }));

    await reader.reload();
    const events = reader.getByRole('region', { name: 'Events in this thread' });
    await expectVisible(events.getByRole('listitem').filter({ hasText: 'Badge test event' }).getByText('New since you last read'), 'the new event is badged');
    const interpretations = reader.getByRole('region', { name: 'Interpretations' });
    await expectVisible(
      interpretations.getByRole('heading', { name: /^Democratization reading/ }).getByText('Changed since you last read'),
      'the edited interpretation is badged'
    );
    assert.equal(await interpretations.locator('.since-badge').count(), 1, 'only the edited interpretation');
    await reader.getByText(/^Answered questions/).click();
    await expectVisible(
      reader.locator('details.answered li').filter({ hasText: 'Nobody has drawn it yet.' }).getByText('Answered since you last read'),
      'the answered question is badged'
    );
    await clickAndWait(reader, reader.getByRole('button', { name: 'Mark as read' }));
    assert.equal(await reader.locator('.since-badge').count(), 0, 'marking as read clears the badges');
  }));

test('a stance change reads as words, and dates name their exact moment', (t) =>
  app.scenario(t, async (open) => {
    const reader = await open();
    await logInAs(reader, app, 'reader', 'words');
    await reader.goto(app.url(DEMO));
    await clickAndWait(reader, reader.getByRole('button', { name: 'Follow' }));

    const mod = await open();
    await logInAs(mod, app, 'moderator', 'stancer');
    // The stance changes by proposal: the demo's pending one (by its curator) is approved.
    await mod.goto(app.url(`${DEMO}/stance`));
    await clickAndWait(mod, mod.getByRole('button', { name: 'Approve the change to emerging consensus' }));

    await reader.goto(app.url(DEMO));
    const summary = reader.getByRole('complementary', { name: /^Since you last read/ });
    assert.match(await summary.innerText(), /stance changed from contested to emerging consensus, approved by /i);
    await reader.goto(app.url(`${DEMO}/history`));
    await expectVisible(
      reader.getByText('approved the stance change from contested to emerging consensus proposed by terry-tang'),
      'the history says it in words'
    );
    await reader.goto(app.url('/notifications'));
    await expectVisible(reader.getByRole('link', { name: /^Open vs\. Closed Weights/ }), 'the change is notified');
    for (const path of [DEMO, `${DEMO}/history`, '/notifications', '/recent']) {
      await reader.goto(app.url(path));
      const text = await reader.locator('main').innerText();
      assert.doesNotMatch(text, /\b[a-z]+_[a-z_]+\b/, `${path}: no stored code in the text`);
      assert.doesNotMatch(text, /\d{4}-\d\d-\d\d/, `${path}: no machine date shown`);
      const untitled = await reader.locator('time[datetime*="T"]:not([title])').count();
      assert.equal(untitled, 0, `${path}: every moment names its exact time in its title`);
    }
  }));
