// A curator starts a thread and fills it in, the way a person would, through the pages.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clickAndWait, expectVisible, field, unique } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import { logInAs, openSynthesisEditor, previewRegion, saveSynthesis, startThread } from '../lib/flows.mjs';

const app = useApp();

/** Logs a new curator in and starts a thread through "New thread"; resolves to the thread's URL. */
async function curatorStartsThread(page, title) {
  await logInAs(page, app, 'curator');
  return (await startThread(page, title)).url;
}

/** Fills a section item's form (`values` by field label) and adds the item. */
async function addItem(page, link, values) {
  await page.getByRole('link', { name: link }).click();
  for (const [label, value] of Object.entries(values)) await field(page, label).fill(value);
  await clickAndWait(page, page.getByRole('button', { name: 'Add', exact: true }));
}

test('a curator starts a thread and fills in the synthesis, readings, questions, arc and events', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    const title = 'Do carbon offsets work';
    const threadUrl = await curatorStartsThread(page, title);

    // Synthesis, typed into the editor, which previews it as the server will render it.
    const synthesis = 'Offsets are **contested**: some projects deliver, many do not.\n\n- additionality\n- permanence';
    await (await openSynthesisEditor(page)).pressSequentially(synthesis);
    const preview = previewRegion(page);
    await expectVisible(preview.locator('strong', { hasText: 'contested' }), 'the Preview region shows **contested** as bold');
    await expectVisible(preview.getByRole('listitem').filter({ hasText: 'permanence' }), 'the Preview region shows the list');
    await field(page, 'Edit summary').fill('First version');
    await saveSynthesis(page);
    const synthesisSection = page.getByRole('region', { name: 'Canonical Synthesis' });
    await expectVisible(synthesisSection.locator('strong', { hasText: 'contested' }), 'the saved synthesis is rendered from Markdown');
    await expectVisible(synthesisSection.getByRole('listitem').filter({ hasText: 'permanence' }), 'the Markdown list is rendered');

    // An interpretation with two proponents, an open question and a period of the arc.
    await addItem(page, 'Add an interpretation', {
      'Name of the reading': 'Markets will fix it',
      'The reading': 'Better *verification* will make offsets credible.',
      Proponents: 'Verra\nGold Standard',
    });
    await addItem(page, 'Add a question', { Question: 'Can permanence be insured?' });
    await addItem(page, 'Add a period', {
      Period: '2021',
      Title: 'The voluntary market boom',
      'What happened': 'Corporate net-zero pledges drove **record** demand.',
    });

    // An event.
    await page.getByRole('link', { name: 'Add an event' }).click();
    await field(page, 'Date').fill('2023-01-18');
    await field(page, 'Title').fill('Rainforest credits investigation published');
    await field(page, 'Significance').selectOption({ label: 'Major' });
    await field(page, 'Description').fill('An investigation questioned most rainforest credits.');
    await clickAndWait(page, page.getByRole('button', { name: 'Save event' }));

    // Back on the thread page, everything is where it belongs.
    assert.equal(new URL(page.url()).pathname, new URL(threadUrl).pathname, 'saving the event returns to the thread');
    const readings = page.getByRole('region', { name: 'Interpretations' });
    await expectVisible(readings.getByRole('heading', { name: 'Markets will fix it' }), 'the interpretation is listed');
    await expectVisible(readings.locator('em', { hasText: 'verification' }), 'the reading is rendered from Markdown');
    assert.deepEqual(await readings.locator('.proponent').allInnerTexts(), ['Verra', 'Gold Standard'], 'one proponent per line');

    const questions = page.getByRole('region', { name: 'Open Questions' });
    await expectVisible(questions.getByRole('listitem').filter({ hasText: 'Can permanence be insured?' }), 'the question is listed');

    const arc = page.getByRole('region', { name: 'The Arc' });
    await expectVisible(arc.getByRole('heading', { name: /2021.*The voluntary market boom/ }), 'the period is in the arc');
    await expectVisible(arc.locator('strong', { hasText: 'record' }), 'the period is rendered from Markdown');

    const events = page.getByRole('region', { name: 'Events in this thread' });
    const eventLink = events.getByRole('link', { name: 'Rainforest credits investigation published' });
    await expectVisible(eventLink, 'the event is listed in the thread');
    await expectVisible(events.getByRole('listitem').filter({ hasText: 'Major' }), 'the event shows its significance');

    await clickAndWait(page, eventLink);
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Rainforest credits investigation published' }), 'the event page opens');
    await expectVisible(page.getByText('An investigation questioned most rainforest credits.'), 'the event page shows the description');
    await expectVisible(page.getByRole('link', { name: title }), 'the event page links back to its thread');
  }));

test('the synthesis editor marks its form and textarea and previews without raw Markdown', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    await curatorStartsThread(page, unique('Preview thread'));
    await openSynthesisEditor(page);
    const form = page.locator('form[data-editor]');
    await expectVisible(form, 'the synthesis form is an enhanced editor (data-editor)');
    await form.locator('textarea[data-markdown]').pressSequentially('Plain and **bold** text');
    const preview = page.getByRole('region', { name: 'Preview' });
    await expectVisible(preview.locator('strong', { hasText: 'bold' }), 'the Preview region shows **bold** as <strong>');
    assert.match(await preview.innerText(), /Plain and bold text/);
    assert.doesNotMatch(await preview.innerText(), /\*\*/, 'no raw Markdown left in the preview');
  }));

test('on a narrow screen the editor switches between Write and Preview tabs', (t) =>
  app.scenario(t, async (open) => {
    const page = await open({ viewport: { width: 375, height: 740 } });
    await curatorStartsThread(page, unique('Narrow thread'));
    await openSynthesisEditor(page);
    const textarea = page.locator('textarea[data-markdown]');
    await textarea.fill('Some *emphasis* here');
    await page.getByRole('tab', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await expectVisible(preview.locator('em', { hasText: 'emphasis' }), 'the Preview tab shows the rendered text');
    assert.equal(await textarea.isVisible(), false, 'the textarea is hidden while previewing');
    await page.getByRole('tab', { name: 'Write' }).click();
    await expectVisible(textarea, 'the Write tab shows the textarea again');
    assert.equal(await textarea.inputValue(), 'Some *emphasis* here');
  }));

test('Ctrl+S in the synthesis editor saves', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    const threadUrl = await curatorStartsThread(page, unique('Shortcut thread'));
    const textarea = await openSynthesisEditor(page);
    await textarea.fill('Saved with the keyboard.');
    await Promise.all([page.waitForURL((url) => url.pathname === new URL(threadUrl).pathname), textarea.press('Control+s')]);
    await expectVisible(
      page.getByRole('region', { name: 'Canonical Synthesis' }).getByText('Saved with the keyboard.'),
      'Ctrl+S saved the synthesis',
    );
  }));

test('a minor edit with a summary is marked as minor in the history', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    await curatorStartsThread(page, unique('Minor thread'));
    await (await openSynthesisEditor(page)).fill('A first text with a typo: teh.');
    await saveSynthesis(page);

    await (await openSynthesisEditor(page)).fill('A first text with a typo: the.');
    await page.getByRole('checkbox', { name: 'Minor edit' }).check();
    await field(page, 'Edit summary').fill('Fix a typo');
    await saveSynthesis(page);

    await page.getByRole('link', { name: 'History', exact: true }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Revision 2', exact: true }) });
    await expectVisible(row.getByText('Fix a typo'), 'the history shows the edit summary');
    // The mark shows "m" and says "minor edit" to screen readers (visually hidden text).
    const minorMark = (r) => r.getByText('minor edit', { exact: true });
    assert.equal(await minorMark(row).count(), 1, 'the history marks revision 2 as a minor edit');
    const first = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Revision 1', exact: true }) });
    assert.equal(await minorMark(first).count(), 0, 'revision 1 is not marked minor');
  }));
