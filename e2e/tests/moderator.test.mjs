// A moderator undoes vandalism by reverting to the last good revision.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { clickAndWait, expectVisible, field, launchBrowser, logIn, scenario, unique } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function saveSynthesis(page, threadUrl, text, summary) {
  await page.goto(threadUrl);
  await page.getByRole('link', { name: 'Edit synthesis' }).click();
  await page.getByRole('textbox', { name: /^Synthesis/ }).fill(text);
  await field(page, 'Edit summary').fill(summary);
  // As a person would: look at the preview first. It also lets the layout settle, so the click
  // lands on the button rather than where the button was before the preview grew.
  const words = text.replace(/\*\*/g, '').slice(0, 20);
  await expectVisible(page.getByRole('region', { name: 'Preview' }).getByText(words), 'the preview shows the text');
  await clickAndWait(page, page.getByRole('button', { name: 'Save synthesis' }));
}

test('a moderator reverts a vandalised synthesis to the good revision', async (t) => {
  await scenario(browser, t, async (open) => {
    const [curator, vandal, moderator] = [unique('curator'), unique('vandal'), unique('moderator')];
    await server.createUser(curator, 'curator');
    await server.createUser(vandal, 'curator');
    await server.createUser(moderator, 'moderator');
    const good = 'Tidal power is **predictable** but expensive to build.';

    // The thread's curator starts it and writes a good synthesis.
    const curatorPage = await open();
    await logIn(curatorPage, server.baseUrl, curator);
    await curatorPage.getByRole('link', { name: 'New thread' }).click();
    await field(curatorPage, 'Title').fill('Is tidal power worth it');
    await field(curatorPage, 'Framing question').fill('Does predictability justify the cost?');
    await clickAndWait(curatorPage, curatorPage.getByRole('button', { name: 'Create thread' }));
    const threadUrl = curatorPage.url();
    const slug = new URL(threadUrl).pathname.split('/').pop();
    await saveSynthesis(curatorPage, threadUrl, good, 'A careful summary');

    // A second curator of the same thread vandalises it.
    await server.addCurator(slug, vandal);
    const vandalPage = await open();
    await logIn(vandalPage, server.baseUrl, vandal);
    await saveSynthesis(vandalPage, threadUrl, 'TIDAL POWER IS A SCAM lol', 'improvements');
    await expectVisible(vandalPage.getByText('TIDAL POWER IS A SCAM lol'), 'the vandalism is live');

    // The moderator finds the good revision in the history and reverts to it.
    const page = await open();
    await logIn(page, server.baseUrl, moderator);
    await page.goto(threadUrl);
    await page.getByRole('link', { name: 'History' }).click();
    await page.getByRole('link', { name: 'Revision 1', exact: true }).click();
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Revision 1' }), 'the good revision opens');
    await expectVisible(page.locator('strong', { hasText: 'predictable' }), 'the good revision shows its text');
    await field(page, 'Reason for reverting').fill('vandalism');
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
  });
});
