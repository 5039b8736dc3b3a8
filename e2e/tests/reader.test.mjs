// A reader signs up and reads the demo thread's history and a diff.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clickAndWait, expectVisible, field, unique } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import { PASSWORD } from '../lib/server.mjs';

const DEMO_TITLE = /^Open vs\. Closed Weights/;

const app = useApp({ demo: true });

test('a reader signs up, opens the demo thread and compares two revisions', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    const reader = unique('reader');
    await page.goto(app.url('/'));
    await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Sign up' }).click();
    await field(page, 'Username').fill(reader);
    await field(page, 'Password').fill(PASSWORD);
    await clickAndWait(page, page.getByRole('button', { name: 'Create account' }));
    await expectVisible(page.getByText(`${reader} (reader)`), 'the new account is logged in as a reader');
    assert.equal(await page.getByRole('link', { name: 'New thread' }).count(), 0, 'readers cannot start threads');

    await page.getByRole('link', { name: DEMO_TITLE }).click();
    await expectVisible(page.getByRole('heading', { level: 1, name: DEMO_TITLE }), 'the demo thread opens');
    assert.equal(await page.getByRole('link', { name: 'Edit synthesis' }).count(), 0, 'a reader cannot edit the synthesis');

    await page.getByRole('link', { name: 'History' }).click();
    await expectVisible(page.getByRole('heading', { level: 1, name: /^History of Open vs\. Closed Weights/ }), 'the history opens');
    assert.equal(await page.getByRole('link', { name: /^Revision \d+$/ }).count(), 3, 'the demo has three revisions');
    await page.getByRole('radio', { name: 'Compare from revision 1' }).check();
    await page.getByRole('radio', { name: 'Compare to revision 3' }).check();
    await clickAndWait(page, page.getByRole('button', { name: 'Compare selected revisions' }));

    await expectVisible(
      page.getByRole('heading', { level: 1, name: 'Changes from revision 1 to revision 3' }),
      'the diff page compares the chosen revisions',
    );
    const table = page.getByRole('table');
    const caption = await table.locator('caption').innerText();
    const added = Number(/(\d+) lines? added/.exec(caption)?.[1]);
    assert.ok(added > 0, `the diff counts added lines (caption: "${caption}")`);
    const addedRows = table.getByRole('row').filter({ has: page.getByRole('cell', { name: 'added', exact: true }) });
    assert.equal(await addedRows.count(), added, 'one row per added line');
    await expectVisible(addedRows.locator('ins', { hasText: /spectrum, not a binary/ }), 'the paragraph added in revision 2 shows as inserted');
    assert.equal(await table.locator('del').count(), 0, 'the demo synthesis only grew');
  }));
