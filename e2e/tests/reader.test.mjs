// A reader signs up and reads the demo thread's history and a diff.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clickAndWait, expectVisible, field, unique } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import { logInAs, siteLink } from '../lib/flows.mjs';
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

    await page.getByRole('link', { name: 'History', exact: true }).click();
    await expectVisible(page.getByRole('heading', { level: 1, name: /^History of Open vs\. Closed Weights/ }), 'the history opens');
    // The demo has the one revision the page it follows shows: by terry-tang, 2026-03-08.
    assert.equal(await page.getByRole('link', { name: /^Revision \d+$/ }).count(), 1, 'the demo has one revision');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Revision 1', exact: true }) });
    assert.match(await row.innerText(), /terry-tang/, 'by the curator');
    assert.match(await row.locator('time').getAttribute('datetime'), /^2026-03-08/, 'dated the last update');
  }));

test('search counts its results, puts the thread whose title matches first and highlights event text', (t) =>
  app.scenario(t, async (open) => {
    const mod = await open();
    await logInAs(mod, app, 'moderator', 'searcher');
    await mod.goto(app.url('/events/new'));
    await field(mod, 'Date').fill('2026-11-22');
    await field(mod, 'Title').fill('Weights mirrored worldwide');
    await field(mod, 'Significance').selectOption('notable');
    await field(mod, 'Description').fill('Volunteers seeded the zeppelin torrent of open weights within hours.');
    await clickAndWait(mod, mod.getByRole('button', { name: 'Save event' }));

    const page = await open();
    await page.goto(app.url('/search?q=weights'));
    const count = page.getByRole('heading', { level: 2, name: /results? for “weights”$/ });
    await expectVisible(count, 'the page says how many results there are');
    const shown = await page.locator('.search-result').count();
    const n = Number((await count.innerText()).match(/^(\d+)/)[1]);
    assert.ok(n >= shown && shown > 1, `the count (${n}) covers the results shown (${shown})`);
    const first = page.locator('.search-result').first();
    assert.match(await first.innerText(), /^thread/i, 'the thread whose title matches comes first');
    await expectVisible(first.getByRole('link', { name: DEMO_TITLE }), 'it is the demo thread');

    await page.goto(app.url('/search?q=zeppelin'));
    await expectVisible(page.getByRole('heading', { level: 2, name: '1 result for “zeppelin”' }), 'one result');
    const event = page.locator('.result-event');
    await expectVisible(event.getByRole('link', { name: 'Weights mirrored worldwide' }), 'the event is found');
    assert.equal(await event.locator('.snippet mark').innerText(), 'zeppelin', 'the matching word is highlighted');
    assert.match(await event.locator('.snippet').innerText(), /seeded the zeppelin torrent of open weights/);
  }));
