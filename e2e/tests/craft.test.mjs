// Issue 15 ("Craft"), items 1, 2, 4, 5, 6, 7 and 11 as a person meets them in the browser, on
// the demo thread. The tests run in order on one server: the demo check comes first, and the
// edits of items 1 and 2 build on each other.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clickAndWait, expectVisible, field, unique } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import { logIn, logInAs, openSynthesisEditor, saveSynthesis, startThread } from '../lib/flows.mjs';

const DEMO_SLUG = 'open-vs-closed-weights';
const DEMO = `/threads/${DEMO_SLUG}`;
const app = useApp({ demo: true });

/** The lines of the inline diff between two revisions of the demo: kind and the marked words. */
async function diffLines(page, from, to) {
  await page.goto(app.url(`${DEMO}/diff?from=${from}&to=${to}`));
  return page.locator('table.diff').evaluate((table) => ({
    caption: table.querySelector('caption').textContent,
    changed: [...table.querySelectorAll('tr.diff-added, tr.diff-removed')].map((tr) => ({
      kind: tr.className.replace('diff-', ''),
      marks: [...tr.querySelectorAll('mark')].map((m) => m.textContent),
      length: tr.textContent.length,
    })),
  }));
}

/** Replaces `from` with `to` in the demo synthesis through the browser's editor, and saves. */
async function editWord(page, from, to) {
  const box = await openSynthesisEditor(page, app.url(DEMO));
  const text = await box.inputValue();
  assert.ok(text.includes(from), `the synthesis contains “${from}”`);
  await box.fill(text.replace(from, to));
  await field(page, 'Edit summary').fill(`${from} → ${to}`);
  await saveSynthesis(page);
}

test('4: the demo has one synthesis revision, by terry-tang on 2026-03-08, as its byline says', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    await page.goto(app.url(DEMO));
    const byline = page.locator('section[aria-labelledby="synthesis"] .meta, section[aria-labelledby="synthesis"] p').first();
    // The page's one date style (Mar 8, 2026), with the exact day in the <time>'s datetime.
    assert.match((await byline.textContent()).replace(/\s+/g, ' '), /Author: terry-tang \| Last updated: Mar 8, 2026/);
    assert.match(await byline.locator('time').getAttribute('datetime'), /^2026-03-08/);
    await page.goto(app.url(`${DEMO}/history`));
    const rows = await page.locator('main table tbody tr').allTextContents();
    const synthesisRows = rows.filter((r) => /synthesis|revision/i.test(r));
    assert.equal(synthesisRows.length, 1, `one revision in the history: ${synthesisRows.join(' | ')}`);
    assert.match(synthesisRows[0], /terry-tang/);
    assert.match(synthesisRows[0], /2026|Mar/);
  }));

test('1: a one-word edit in the browser (which sends CRLF) changes one line of the diff, not all', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    const curator = await app.user('curator');
    await app.addCurator(DEMO_SLUG, curator);
    await logIn(page, app, curator);
    await editWord(page, 'most consequential structural argument', 'most consequential architectural argument');
    const diff = await diffLines(page, 1, 2);
    assert.deepEqual(diff.changed.map((l) => l.kind), ['removed', 'added'], 'one line removed and one added');
    assert.deepEqual(diff.changed.map((l) => l.marks.join(' ')), ['structural', 'architectural'], 'the changed word is marked');
  }));

test('2: comparing revisions that are not adjacent marks the changed words of each paragraph', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    const curator = await app.user('curator');
    await app.addCurator(DEMO_SLUG, curator);
    await logIn(page, app, curator);
    await editWord(page, 'The dominant trajectory', 'The clearest trajectory');
    const diff = await diffLines(page, 1, 3);
    assert.match(diff.caption, /changed words are marked/);
    assert.equal(diff.changed.length, 4, 'two paragraphs changed: each removed and added once');
    for (const line of diff.changed) {
      assert.ok(line.marks.length > 0, `a changed ${line.kind} paragraph has marked words`);
      assert.ok(line.marks.join('').length < 30, `only the changed words are marked: ${line.marks.join(' | ')}`);
    }
  }));

/** The address of the first event listed on the demo thread page. */
async function demoEventHref(page) {
  await page.goto(app.url(DEMO));
  return page.locator('section[aria-labelledby="events"] a[href^="/events/"]').first().getAttribute('href');
}

test('5: a curator of another thread cannot edit an event that belongs only to the demo thread', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    await logInAs(page, app, 'curator');
    await startThread(page, unique('Other thread'));
    const href = await demoEventHref(page);
    await page.goto(app.url(href));
    assert.equal(await page.locator('main').getByRole('link', { name: /^Edit/ }).count(), 0, 'the event page offers no Edit link');
    const response = await page.goto(app.url(`${href}/edit`));
    assert.equal(response.status(), 403);
    await expectVisible(page.getByRole('alert').filter({ hasText: /curators of a thread/i }), 'the refusal says who may edit the event');
  }));

test('6: an event is linked by searching its title; a stale choice shows the search again with the error', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    await logInAs(page, app, 'curator');
    const { url } = await startThread(page, unique('Linking thread'));
    const search = async (p) => {
      await p.goto(url);
      await field(p, 'Event title').fill('Llama');
      await clickAndWait(p, p.getByRole('button', { name: 'Find events to link' }));
      return p.getByRole('button', { name: /^Link this event: .*Llama/ }).first();
    };
    // Two tabs show the same matches; the second links the first match.
    const stale = await search(page);
    const name = (await stale.getAttribute('aria-label')).replace('Link this event: ', '');
    const other = await page.context().newPage();
    await clickAndWait(other, await search(other));
    assert.equal(new URL(other.url()).pathname, new URL(url).pathname, 'back on the thread page');
    await expectVisible(other.locator('section[aria-labelledby="events"]').getByRole('link', { name }), 'the event is listed');
    // The first tab's button for the event linked meanwhile: refused, on the search page.
    await clickAndWait(page, stale);
    await expectVisible(page.getByRole('alert'), 'the refusal is shown on the search page');
    assert.equal(await field(page, 'Event title').inputValue(), 'Llama', 'the searched text is kept');
  }));

test('7: error pages keep the session, say what to do next and link back; the 403 on New thread explains', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    const reader = await logInAs(page, app, 'reader');
    await page.goto(app.url(DEMO));
    const response = await page.goto(app.url('/threads/new'));
    assert.equal(response.status(), 403);
    await expectVisible(page.getByRole('alert').filter({ hasText: /curators, moderators and administrators can start threads/ }), 'the 403 says who can start threads');
    await expectVisible(page.locator('.next-step'), 'and what to do next');
    assert.equal(await page.locator('.site-header').getByText(reader).count() > 0, true, 'the header still shows who is signed in');
    await page.goto(app.url(DEMO));
    await page.evaluate(() => { window.location.href = '/threads/no-such-thread'; });
    await page.waitForURL(/no-such-thread/);
    await expectVisible(page.getByRole('heading', { level: 1, name: /404/ }), 'a 404 page');
    const back = page.locator('a.back');
    assert.equal(new URL(await back.getAttribute('href'), page.url()).pathname, DEMO, 'the 404 links back to the page the visitor came from');
  }));

test('11: a moderator makes a reader a curator of a thread in one step from its curators page', (t) =>
  app.scenario(t, async (open) => {
    const page = await open();
    const reader = await app.user('reader');
    await logInAs(page, app, 'moderator');
    await page.goto(app.url(`${DEMO}/curators`));
    await field(page, 'Username').fill(reader);
    await clickAndWait(page, page.getByRole('button', { name: 'Add curator' }));
    await page.goto(app.url(`${DEMO}/curators`));
    await expectVisible(page.locator('ul.curators').getByRole('link', { name: reader }), 'the reader is listed as a curator');
    await page.goto(app.url(`/users/${reader}`));
    await expectVisible(page.locator('main').getByText(/curator/i), 'their page shows the curator role');
  }));
