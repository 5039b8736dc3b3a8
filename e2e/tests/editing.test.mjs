// What the synthesis editor does for text the user has not saved yet: drafts and conflicts.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clickAndWait, expectVisible, field, unique } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import {
  editSynthesis,
  expectPreview,
  logInAs,
  openSynthesisEditor,
  saveSynthesis,
  startThread,
  synthesisBox,
  waitForEditor,
} from '../lib/flows.mjs';

const app = useApp();

/** A curator logged in on `page` with a thread of their own; resolves to the thread's URL. */
async function curatorWithThread(page, title) {
  await logInAs(page, app, 'curator');
  const { url } = await startThread(page, title, 'Which way will it go?');
  return url;
}

/**
 * Waits until the editor has kept `text` as a draft in the browser's storage (it does so half a
 * second after the last keystroke), so that a reload finds it.
 */
async function waitForDraft(page, text) {
  await page.waitForFunction((wanted) => {
    for (let i = 0; i < localStorage.length; i += 1) {
      const key = localStorage.key(i);
      if (!key.startsWith('agora:draft:')) continue;
      const fields = JSON.parse(localStorage.getItem(key)).fields ?? {};
      if (Object.values(fields).some((values) => values.includes(wanted))) return true;
    }
    return false;
  }, text);
}

test('a draft typed in the synthesis editor survives a reload and can be restored', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    await curatorWithThread(page, unique('Draft thread'));
    const draft = 'An unsaved thought about **drafts**.';
    await (await openSynthesisEditor(page)).pressSequentially(draft);
    await waitForDraft(page, draft);
    await page.reload();

    const restore = page.getByRole('button', { name: 'Restore draft' });
    await expectVisible(restore, 'after a reload the editor offers "Restore draft"');
    await expectVisible(page.getByRole('button', { name: 'Discard draft' }), 'and "Discard draft"');
    await restore.click();
    assert.equal(await synthesisBox(page).inputValue(), draft, 'the draft text is back');
  }));

test('a discarded draft is not offered again', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    await curatorWithThread(page, unique('Discard thread'));
    await (await openSynthesisEditor(page)).pressSequentially('Throw me away');
    await waitForDraft(page, 'Throw me away');
    await page.reload();
    await page.getByRole('button', { name: 'Discard draft' }).click();
    assert.equal(await synthesisBox(page).inputValue(), '', 'the editor shows the saved text');
    await page.reload();
    await waitForEditor(page);
    assert.equal(await page.getByRole('button', { name: 'Restore draft' }).count(), 0, 'no draft is offered after discarding');
  }));

test('an edit conflict keeps the second editor\'s text and lets them save it', (t) =>
  app.scenario(t, async (open) => {
    const first = await open();
    const threadUrl = await curatorWithThread(first, unique('Conflict thread'));
    const second = await open();
    await logInAs(second, app, 'moderator');

    // Both open the editor on the same base revision.
    for (const page of [first, second]) await openSynthesisEditor(page, threadUrl);
    await synthesisBox(first).fill('The first editor was quicker.');
    await saveSynthesis(first);

    const mine = 'The second editor wrote this\nover two lines.';
    await synthesisBox(second).fill(mine);
    await field(second, 'Edit summary').fill('My take');
    await saveSynthesis(second);

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
  }));

// Someone on a slow connection can start typing before the deferred editor script arrives;
// the script moves the textarea into its widget and must give the focus and caret back. The
// script is held back here so the move happens between the two halves of the typing.
test(
  'keys typed while the editor script loads all reach the textarea',
  (t) =>
    app.scenario(t, async (open) => {
      const page = await open();
      await curatorWithThread(page, unique('Early thread'));
      let release;
      const scriptHeld = new Promise((resolve) => {
        release = resolve;
      });
      await page.route(/\/static\/editor\.[0-9a-f]+\.js$/, async (route) => {
        await scriptHeld;
        await route.continue();
      });
      await page.getByRole('link', { name: 'Edit synthesis' }).click();
      const box = synthesisBox(page);
      await box.pressSequentially('Typed early, ');
      release();
      await waitForEditor(page);
      await page.keyboard.type('and after.');
      assert.equal(await box.inputValue(), 'Typed early, and after.', 'every key reached the textarea');
    }),
);

// Issue 15, item 10: editors name their thread, the draft notice is where the eye is after a
// reload, shortcuts are listed, and the preview looks like the published text.

test('10: every editor of a thread names the thread, also when it shows invalid input again', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    const title = unique('Named thread');
    const url = await curatorWithThread(page, title);
    const slug = new URL(url).pathname;
    const named = async (what) => {
      const link = page.locator('main').getByRole('link', { name: title, exact: true });
      await expectVisible(link, `${what} names the thread`);
      assert.equal(new URL(await link.first().getAttribute('href'), url).pathname, slug, `${what} links to the thread`);
      assert.ok((await page.title()).includes(title), `${what}: the window title names the thread (${await page.title()})`);
    };
    const editors = [
      ['the synthesis editor', `${slug}/synthesis/edit`],
      ['the new interpretation form', `${slug}/interpretations/new`],
      ['the new question form', `${slug}/questions/new`],
      ['the thread details form', `${slug}/edit`],
      ['the new event form', `${slug}/events/new`],
    ];
    for (const [what, path] of editors) {
      await page.goto(app.url(path));
      await named(what);
    }
    // Invalid input (an empty title) shows the form again, still naming the thread.
    await page.goto(app.url(`${slug}/edit`));
    await field(page, 'Title').fill(' ');
    await clickAndWait(page, page.getByRole('button', { name: 'Save details' }));
    await expectVisible(page.getByRole('alert'), 'the refusal is shown');
    await named('the thread details form shown again');
  }));

test('10: after a reload the draft notice is in view, right above the field the draft changes', (t) =>
  app.scenario(t, async (open) => {
    const page = await open({ viewport: { width: 390, height: 640 } });
    const url = await curatorWithThread(page, unique('Notice thread'));
    await page.goto(`${url}/interpretations/new`);
    await waitForEditor(page);
    const proponents = field(page, 'Proponents');
    await proponents.scrollIntoViewIfNeeded();
    await proponents.fill('A proponent typed far down the form');
    await waitForDraft(page, 'A proponent typed far down the form');
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.reload();
    const notice = page.getByRole('status').filter({ hasText: 'unsaved draft' });
    await expectVisible(notice, 'the draft notice is shown');
    await page.waitForFunction(() => {
      const box = [...document.querySelectorAll('.draft-notice')].find((n) => n.textContent.includes('unsaved draft'))?.getBoundingClientRect();
      return box && box.top >= 0 && box.bottom <= window.innerHeight;
    }, null, { timeout: 3000 }).catch(() => {});
    const where = await notice.evaluate((n) => {
      const box = n.getBoundingClientRect();
      return {
        inView: box.top >= 0 && box.bottom <= window.innerHeight,
        next: n.nextElementSibling?.querySelector('label')?.textContent.trim(),
      };
    });
    assert.ok(where.inView, 'the notice is inside the viewport after the reload');
    assert.match(where.next ?? '', /^Proponents/, 'the notice sits right above the field the draft changes');
  }));

test('10: the editor lists its keyboard shortcuts, and Ctrl+S saves', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    const url = await curatorWithThread(page, unique('Shortcut thread'));
    const box = await openSynthesisEditor(page, url);
    const line = page.locator('.editor-shortcuts');
    await expectVisible(line, 'a line lists the shortcuts');
    assert.match((await line.textContent()).replace(/\s+/g, ''), /(Ctrl|⌘)\+Ssaves/, 'the line names the save shortcut');
    assert.equal(await page.getByRole('button', { name: 'Save synthesis' }).getAttribute('aria-keyshortcuts'), 'Control+S');
    await box.fill('Saved with the keyboard.');
    await expectPreview(page, 'Saved with the keyboard.');
    await Promise.all([page.waitForNavigation(), box.press('Control+s')]);
    await expectVisible(page.locator('main').getByText('Saved with the keyboard.'), 'Ctrl+S saved the text');
  }));

test('10: the preview styles Markdown exactly as the published page does', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    const url = await curatorWithThread(page, unique('Styled thread'));
    const markdown = [
      'An opening paragraph with `inline code` and a [link](https://example.org).',
      '## A heading',
      '> A quoted claim.',
      '```\nfn main() {}\n```',
      '- one\n- two',
      'A closing paragraph.',
      // The preview box takes the outer margins off its first and last child: not measured.
      'The end.',
    ].join('\n\n');
    await editSynthesis(page, url, { text: markdown });
    const props = ['fontFamily', 'fontSize', 'fontStyle', 'fontWeight', 'color', 'lineHeight', 'marginTop', 'marginBottom',
      'paddingLeft', 'borderLeftWidth', 'borderTopWidth', 'backgroundColor'];
    const styles = (root) =>
      page.locator(root).first().evaluate((el, names) => {
        const out = {};
        for (const sel of ['h2', 'blockquote', 'pre', 'p code', 'ul', 'li', 'a', 'p:nth-of-type(2)']) {
          const node = el.querySelector(sel);
          if (!node) { out[sel] = 'missing'; continue; }
          const cs = getComputedStyle(node);
          out[sel] = Object.fromEntries(names.map((n) => [n, cs[n]]));
        }
        return out;
      }, props);
    const published = await styles('section[aria-labelledby="synthesis"] .prose');
    await openSynthesisEditor(page, url);
    await expectPreview(page, 'A quoted claim.');
    const preview = await styles('.preview-content');
    assert.deepEqual(preview, published, 'each element of the preview has the published page\'s computed styles');
  }));
