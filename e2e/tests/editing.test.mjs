// What the synthesis editor does for text the user has not saved yet: drafts and conflicts.

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

/** A curator logged in on `page` with a thread of their own; returns the thread's URL. */
async function curatorWithThread(page, title) {
  const curator = unique('curator');
  await server.createUser(curator, 'curator');
  await logIn(page, server.baseUrl, curator);
  await page.getByRole('link', { name: 'New thread' }).click();
  await field(page, 'Title').fill(title);
  await field(page, 'Framing question').fill('Which way will it go?');
  await clickAndWait(page, page.getByRole('button', { name: 'Create thread' }));
  return { curator, threadUrl: page.url() };
}

test('a draft typed in the synthesis editor survives a reload and can be restored', async (t) => {
  await scenario(browser, t, async (open) => {
    const page = await open();
    await curatorWithThread(page, unique('Draft thread'));
    await page.getByRole('link', { name: 'Edit synthesis' }).click();
    const draft = 'An unsaved thought about **drafts**.';
    const textarea = page.getByRole('textbox', { name: /^Synthesis/ });
    await textarea.pressSequentially(draft);
    await page.waitForTimeout(1_000); // let a debounced draft save run
    await page.reload();

    const restore = page.getByRole('button', { name: 'Restore draft' });
    await expectVisible(restore, 'after a reload the editor offers "Restore draft"');
    await expectVisible(page.getByRole('button', { name: 'Discard draft' }), 'and "Discard draft"');
    await restore.click();
    assert.equal(await page.getByRole('textbox', { name: /^Synthesis/ }).inputValue(), draft, 'the draft text is back');
  });
});

test('a discarded draft is not offered again', async (t) => {
  await scenario(browser, t, async (open) => {
    const page = await open();
    await curatorWithThread(page, unique('Discard thread'));
    await page.getByRole('link', { name: 'Edit synthesis' }).click();
    await page.getByRole('textbox', { name: /^Synthesis/ }).pressSequentially('Throw me away');
    await page.waitForTimeout(1_000);
    await page.reload();
    await page.getByRole('button', { name: 'Discard draft' }).click();
    assert.equal(await page.getByRole('textbox', { name: /^Synthesis/ }).inputValue(), '', 'the editor shows the saved text');
    await page.reload();
    await page.getByRole('textbox', { name: /^Synthesis/ }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Restore draft' }).count(), 0, 'no draft is offered after discarding');
  });
});

test('an edit conflict keeps the second editor\'s text and lets them save it', async (t) => {
  await scenario(browser, t, async (open) => {
    const first = await open();
    const { threadUrl } = await curatorWithThread(first, unique('Conflict thread'));
    const moderator = unique('moderator');
    await server.createUser(moderator, 'moderator');
    const second = await open();
    await logIn(second, server.baseUrl, moderator);

    // Both open the editor on the same base revision.
    for (const page of [first, second]) {
      await page.goto(threadUrl);
      await page.getByRole('link', { name: 'Edit synthesis' }).click();
    }
    await first.getByRole('textbox', { name: /^Synthesis/ }).fill('The first editor was quicker.');
    await clickAndWait(first, first.getByRole('button', { name: 'Save synthesis' }));

    const mine = 'The second editor wrote this\nover two lines.';
    await second.getByRole('textbox', { name: /^Synthesis/ }).fill(mine);
    await field(second, 'Edit summary').fill('My take');
    await clickAndWait(second, second.getByRole('button', { name: 'Save synthesis' }));

    await expectVisible(second.getByRole('heading', { level: 1, name: 'Edit conflict' }), 'the second save is an edit conflict');
    await expectVisible(second.getByRole('alert'), 'the conflict is announced');
    assert.equal(await second.getByRole('textbox', { name: 'Your text', exact: true }).inputValue(), mine, 'the second editor\'s text is kept');
    assert.equal(await field(second, 'Edit summary').inputValue(), 'My take', 'so is their summary');
    assert.match(
      await second.getByRole('textbox', { name: /^Text of revision 1/ }).inputValue(),
      /The first editor was quicker\./,
      'the newer revision is shown beside it',
    );
    await expectVisible(second.getByRole('table').locator('ins', { hasText: 'over two lines.' }), 'the diff shows what they would add');

    await clickAndWait(second, second.getByRole('button', { name: /^Save my version over revision 1/ }));
    assert.equal(new URL(second.url()).pathname, new URL(threadUrl).pathname, 'saving the merged text returns to the thread');
    await expectVisible(
      second.getByRole('region', { name: 'Canonical Synthesis' }).getByText('The second editor wrote this'),
      'the second editor\'s text is now the synthesis',
    );
  });
});
