// A reader signs up and reads the demo thread's history and a diff.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clickAndWait, expectVisible, field, unique } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import { siteLink } from '../lib/flows.mjs';
import { PASSWORD } from '../lib/server.mjs';

const DEMO_TITLE = /^Open vs\. Closed Weights/;

const app = useApp({ demo: true });

test('a reader signs up, opens the demo thread and its history', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    const reader = unique('reader');
    await page.goto(app.url('/'));
    await (await siteLink(page, 'Sign up')).click();
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
    // The demo has the one revision the page it follows shows: by terry-tang, 2026-03-08.
    assert.equal(await page.getByRole('link', { name: /^Revision \d+$/ }).count(), 1, 'the demo has one revision');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Revision 1', exact: true }) });
    assert.match(await row.innerText(), /terry-tang/, 'by the curator');
    assert.match(await row.locator('time').getAttribute('datetime'), /^2026-03-08/, 'dated the last update');
  }));
