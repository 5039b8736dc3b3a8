// Issue 16 ("Evidence"), its "Done means" walked in the browser: a curator records three
// sources, cites them with the editor's picker and sees the footnotes and their cards; a marker
// naming no source is refused with the text kept; four matrix cells are filled through the
// per-cell forms without JavaScript, one of them edited from a stale form; a reader sees the
// demo thread's footnotes and support marks and reads the matrix at 390 px. The last test takes
// the screenshots (under /work/shots/ or $EVIDENCE_SHOTS) that the closing note describes.
// The tests run in order on one server with the demo thread.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { clickAndWait, expectVisible, field } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import {
  logIn, logInAs, openSynthesisEditor, previewRegion, saveSynthesis, startThread, synthesisBox,
} from '../lib/flows.mjs';

const DEMO_SLUG = 'open-vs-closed-weights';
const DEMO = `/threads/${DEMO_SLUG}`;
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const SHOTS = process.env.EVIDENCE_SHOTS ?? '/work/shots';
const app = useApp({ demo: true });

/** A word of letters only (the source search is a full-text search, which splits digits off). */
function word() {
  let w = '';
  for (let i = 0; i < 8; i += 1) w += String.fromCharCode(97 + Math.floor(Math.random() * 26));
  return w;
}

/** Records a source through /sources/new; resolves to its id. */
async function recordSource(page, { title, url, publisher, date, kind, tier }) {
  await page.goto(app.url('/sources/new'));
  await field(page, 'Title').fill(title);
  if (url) await field(page, 'Address (URL)').fill(url);
  if (publisher) await field(page, 'Publisher or author').fill(publisher);
  if (date) await field(page, 'Publication date').fill(date);
  await field(page, 'Kind').selectOption({ label: kind });
  await field(page, 'Tier').selectOption({ label: tier });
  await clickAndWait(page, page.getByRole('button', { name: 'Save source' }));
  const match = new URL(page.url()).pathname.match(/^\/sources\/(\d+)$/);
  assert.ok(match, `saving the source leads to its page, not ${page.url()}`);
  await expectVisible(page.getByRole('heading', { level: 1, name: title }), 'the source page shows its title');
  return Number(match[1]);
}

/** The synthesis section of a thread page. */
function synthesisSection(page) {
  return page.locator('section[aria-labelledby="synthesis"]');
}

/** Uses the editor's "Cite a source" picker to insert the marker of the source titled `title`. */
async function citeWithPicker(page, search, title, id) {
  const picker = page.locator('details.cite-picker');
  if (!(await picker.evaluate((d) => d.open))) await picker.locator('summary', { hasText: 'Cite a source' }).click();
  const box = page.getByLabel('Search sources by title or address');
  await box.fill(search);
  const button = page.getByRole('button', { name: `Cite “${title}” ([^src:${id}])` });
  await expectVisible(button, `the picker offers “${title}” for “${search}”`);
  await button.click();
}

const sources = [];
let threadUrl;

test('1: a curator records three sources, cites them with the picker, and the page shows footnotes and cards', (t) =>
  app.scenario(t, async (open) => {
    const page = await open({ viewport: DESKTOP });
    await logInAs(page, app, 'curator');
    ({ url: threadUrl } = await startThread(page, `Evidence walk ${word()}`));

    // The picker's search: the answer is `{ sources: [...], next_cursor }`, each with its marker.
    const answer = await page.request.get(app.url('/api/v1/sources?limit=8&q=model'));
    assert.equal(answer.status(), 200, 'the picker\'s query (with its limit) is answered');
    const body = await answer.json();
    assert.ok(Array.isArray(body.sources), `the answer lists \`sources\`: ${JSON.stringify(body).slice(0, 200)}`);
    assert.ok(body.sources.length > 0, 'the demo has sources matching “model”');
    for (const s of body.sources) {
      assert.equal(typeof s.id, 'number');
      assert.equal(typeof s.title, 'string');
      assert.equal(s.marker, `[^src:${s.id}]`);
    }

    const tag = word();
    const specs = [
      { title: `Weights card ${tag}`, url: `https://example.org/cards/${tag}?utm_source=feed`, publisher: 'Example Lab', date: '2026-02-03', kind: 'Model card', tier: 'Primary' },
      { title: `Notebook essay ${tag}`, publisher: 'A. Writer', date: '2025-11-20', kind: 'Essay', tier: 'Opinion' },
      { title: `Press report ${tag}`, url: `https://news.example.com/${tag}`, publisher: 'Example News', kind: 'Article', tier: 'Secondary' },
    ];
    for (const spec of specs) sources.push({ ...spec, id: await recordSource(page, spec) });
    // The one with an address shows it normalized (no tracking parameter); the offline one says so.
    await page.goto(app.url(`/sources/${sources[0].id}`));
    assert.equal(await page.locator('a.source-url').textContent(), `https://example.org/cards/${tag}`);
    await page.goto(app.url(`/sources/${sources[1].id}`));
    await expectVisible(page.getByText('Offline material (no address)'), 'the offline source says it has no address');

    // The editor: type, cite at the caret, type on, cite again.
    const box = await openSynthesisEditor(page, threadUrl);
    await box.fill('Open weights spread fast.');
    await citeWithPicker(page, tag, sources[0].title, sources[0].id);
    await page.keyboard.type(' Some argue it is good.');
    await citeWithPicker(page, `essay ${tag}`, sources[1].title, sources[1].id);
    await page.keyboard.type('\n\nThe press noticed.');
    await citeWithPicker(page, `news.example.com/${tag}`, sources[2].title, sources[2].id);
    const [a, b, c] = sources.map((s) => `[^src:${s.id}]`);
    assert.equal(
      (await box.inputValue()).replace(/\r\n/g, '\n'),
      `Open weights spread fast.${a} Some argue it is good.${b}\n\nThe press noticed.${c}`,
      'each marker is inserted at the caret',
    );
    const previewNotes = previewRegion(page).locator('.citations li');
    await expectVisible(previewNotes.nth(2), 'the live preview shows the three footnotes');
    assert.equal(await previewNotes.count(), 3);
    await field(page, 'Edit summary').fill('Cite three sources');
    await saveSynthesis(page);

    // The thread page: three numbered references and footnotes with their tier badges.
    const section = synthesisSection(page);
    const notes = section.locator('div.citations li');
    await expectVisible(notes.first(), 'the thread page shows the footnotes');
    assert.equal(await notes.count(), 3);
    assert.deepEqual(await section.locator('sup.cite > a').allTextContents(), ['1', '2', '3']);
    for (const [i, s] of sources.entries()) {
      const note = notes.nth(i);
      assert.equal(await note.getByRole('link', { name: s.title }).getAttribute('href'), `/sources/${s.id}`);
      assert.equal((await note.locator('.tier').textContent()).trim(), `${s.tier} source`);
      assert.equal(await note.getByRole('link', { name: 'original' }).count(), s.url ? 1 : 0, `“${s.title}” links its original only if it has an address`);
    }

    // The card: hidden, shown on hover, hidden again, shown on keyboard focus.
    const ref = section.locator('sup.cite').first();
    const card = ref.locator('.cite-card');
    assert.equal(await card.isVisible(), false, 'the card is hidden until asked for');
    await ref.hover();
    await expectVisible(card, 'hovering the reference shows its card');
    assert.match(await card.textContent(), new RegExp(`${sources[0].title}.*Primary source`));
    await page.mouse.move(0, 0);
    await card.waitFor({ state: 'hidden' });
    await ref.locator('a').first().focus();
    await expectVisible(card, 'focusing the reference shows its card');

    // Without JavaScript the reference is a plain link to its footnote on the same page.
    const plain = await open({ viewport: DESKTOP, javaScriptEnabled: false });
    await plain.goto(threadUrl);
    const link = synthesisSection(plain).locator('sup.cite > a').first();
    const href = await link.getAttribute('href');
    assert.match(href, /^#./, 'the reference links to a fragment of the page');
    assert.equal(await plain.locator(`[id="${href.slice(1)}"]`).count(), 1, `the footnote ${href} exists`);
    await link.click();
    assert.equal(new URL(plain.url()).hash, href);
    assert.match(await plain.locator(`[id="${href.slice(1)}"]`).textContent(), new RegExp(sources[0].title));
  }));

test('2: a hand-typed marker naming no source is refused with 422 naming it, and the text is kept', (t) =>
  app.scenario(t, async (open) => {
    const page = await open({ viewport: DESKTOP });
    const curator = await app.user('curator');
    await app.addCurator(DEMO_SLUG, curator);
    await logIn(page, app, curator);
    const box = await openSynthesisEditor(page, app.url(DEMO));
    await box.press('Control+End');
    await page.keyboard.type('\n\nA claim with a made-up source.[^src:999999]');
    const typed = (await box.inputValue()).replace(/\r\n/g, '\n');
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Save synthesis' }).click(),
    ]);
    assert.equal(response.status(), 422);
    await expectVisible(page.getByRole('alert').filter({ hasText: '[^src:999999]' }), 'the error names the marker');
    assert.equal((await synthesisBox(page).inputValue()).replace(/\r\n/g, '\n'), typed, 'the editor keeps the text');
  }));

/** The matrix's cells as `{ row, decisive, cells: [{ anchor, label, edit }] }` rows. */
async function matrixRows(page) {
  await page.goto(app.url(`${DEMO}/matrix`));
  return page.locator('table.matrix tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    id: tr.id,
    title: tr.querySelector('th a').textContent,
    decisive: tr.classList.contains('decisive'),
    cells: [...tr.querySelectorAll('td')].map((td) => ({
      anchor: td.id,
      // The words, without the shape before them (hidden from screen readers).
      label: td.querySelector('.assessment-label').textContent.replace(/^[^A-Za-z]+/, '').trim(),
      edit: td.querySelector('a.matrix-edit')?.getAttribute('href') ?? null,
    })),
  })));
}

/** Fills a cell's form (open on `page`) and saves it; resolves to the response's status. */
async function assess(page, assessment, note, reason) {
  await field(page, 'How the event bears on the interpretation').selectOption({ label: assessment });
  await field(page, 'Note').fill(note);
  await field(page, 'Reason for the change').fill(reason);
  const [response] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save' }).click()]);
  return response.status();
}

test('3: four matrix cells filled through the per-cell forms without JavaScript; a stale edit gets 409 with its text kept', (t) =>
  app.scenario(t, async (open) => {
    const page = await open({ viewport: DESKTOP, javaScriptEnabled: false });
    const curator = await app.user('curator');
    await app.addCurator(DEMO_SLUG, curator);
    await logIn(page, app, curator);
    const before = await matrixRows(page);
    assert.ok(before.length >= 2 && before[0].cells.length >= 2, 'the demo matrix has two events and two interpretations');
    // Two events no interpretation has taken a side on yet: the first becomes decisive.
    const quiet = before.filter((r) => !r.decisive && r.cells.every((c) => /Not assessed|Neutral/.test(c.label)));
    assert.ok(quiet.length >= 2, `two events without a verdict: ${before.map((r) => `${r.title}: ${r.cells.map((c) => c.label)}`).join(' | ')}`);
    const [one, two] = quiet;
    for (const c of [...one.cells, ...two.cells]) assert.ok(c.edit, 'a curator sees an edit link in every cell');

    await page.goto(app.url(one.cells[0].edit));
    assert.equal(await assess(page, 'Supports', 'Shows the *trend* holding.', 'Walkthrough'), 200);
    assert.equal(new URL(page.url()).pathname, `${DEMO}/matrix`);
    await page.goto(app.url(one.cells[1].edit));
    assert.equal(await assess(page, 'Undercuts', 'Cuts against this reading.', 'Walkthrough'), 200);

    // The same cell opened in two tabs: the first save wins, the second is told and keeps its text.
    const other = await page.context().newPage();
    await page.goto(app.url(two.cells[0].edit));
    await other.goto(app.url(two.cells[0].edit));
    assert.equal(await assess(page, 'Neutral', 'Neither way, first tab.', 'First tab'), 200);
    assert.equal(await assess(other, 'Supports', 'Support, second tab.', 'Second tab'), 409);
    await expectVisible(other.getByRole('alert'), 'the stale save shows an error');
    await expectVisible(other.getByText(/The cell now reads: Neutral, with the note “Neither way, first tab\.”/), 'it says what the cell reads now');
    assert.equal(await field(other, 'Note').inputValue(), 'Support, second tab.', 'the note typed is kept');
    assert.equal(await field(other, 'Reason for the change').inputValue(), 'Second tab');
    // Saving again, knowingly, puts it over the first.
    await field(other, 'How the event bears on the interpretation').selectOption({ label: 'Supports' });
    const [again] = await Promise.all([other.waitForNavigation(), other.getByRole('button', { name: 'Save' }).click()]);
    assert.equal(again.status(), 200);
    await other.close();

    await page.goto(app.url(two.cells[1].edit));
    assert.equal(await assess(page, 'Neutral', '', 'Walkthrough'), 200);

    // The matrix says each assessment in words, and the event with both verdicts is decisive.
    const after = await matrixRows(page);
    const rowOne = after.find((r) => r.id === one.id);
    const rowTwo = after.find((r) => r.id === two.id);
    assert.deepEqual(rowOne.cells.slice(0, 2).map((c) => c.label), ['Supports', 'Undercuts']);
    assert.deepEqual(rowTwo.cells.slice(0, 2).map((c) => c.label), ['Supports', 'Neutral']);
    assert.equal(rowOne.decisive, true, `“${one.title}” is decisive`);
    assert.equal(rowTwo.decisive, false, `“${two.title}” is not decisive`);
    const row = page.locator(`tr#${one.id}`);
    await expectVisible(row.locator('th .matrix-flag', { hasText: 'Decisive' }), 'the decisive row says so in words');
    await expectVisible(page.locator(`#${rowOne.cells[0].anchor} .matrix-note em`, { hasText: 'trend' }), 'the note\'s Markdown is rendered');
    await expectVisible(page.locator('h2', { hasText: 'Decisive events' }).locator('xpath=following-sibling::ul[1]').getByRole('link', { name: new RegExp(one.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }), 'the decisive events list names it');

    // The thread page sums the matrix up in a sentence, linking to it.
    await page.goto(app.url(DEMO));
    const summary = page.locator('p.matrix-summary');
    await expectVisible(summary, 'the thread page shows the matrix summary');
    assert.match(await summary.textContent(), /\d+ decisive events?|One decisive event/i);
    assert.equal(await summary.getByRole('link', { name: 'See the evidence matrix' }).getAttribute('href'), `${DEMO}/matrix`);
    // And the history lists the four changes.
    await page.goto(app.url(`${DEMO}/history?kind=matrix`));
    const rows = await page.locator('main table tbody tr').allTextContents();
    assert.ok(rows.filter((r) => r.includes(curator)).length >= 4, `the four saves are in the history: ${rows.length} rows`);
  }));

test('4: a reader of the demo sees footnotes and support marks, and reads the matrix at 390 px', (t) =>
  app.scenario(t, async (open) => {
    const page = await open({ viewport: DESKTOP });
    await logInAs(page, app, 'reader');
    await page.goto(app.url(DEMO));
    const section = synthesisSection(page);
    await expectVisible(section.locator('div.citations li'), 'the synthesis shows its footnotes');
    assert.ok(await section.locator('sup.cite').count() >= 4, 'the synthesis has references');
    const marks = await page.locator('.support-mark').evaluateAll((els) => els.map((e) => ({
      role: e.getAttribute('role'),
      label: e.getAttribute('aria-label'),
      words: getComputedStyle(e, '::after').content,
    })));
    assert.ok(marks.length > 0, 'some paragraph or interpretation is marked');
    for (const m of marks) {
      assert.equal(m.role, 'img');
      assert.match(m.label, /^(No citation|Cites opinion only|Cites a dead link|Cites a redirected link)$/);
      assert.ok(m.words.includes(m.label), `the mark shows its words (${m.words}) as well as saying them (${m.label})`);
    }
    assert.equal(await page.locator('.support-count').count(), 0, 'a reader sees no count of unsupported paragraphs');
    assert.ok(await section.locator('span.para-anchor[id^="para-"]').count() > 0, 'paragraphs have anchors');

    await page.setViewportSize(PHONE);
    await page.goto(app.url(`${DEMO}/matrix`));
    const wrapper = page.locator('.matrix-scroll');
    const box = await wrapper.evaluate((w) => ({ scroll: w.scrollWidth, client: w.clientWidth }));
    assert.ok(box.scroll > box.client, `the table scrolls inside its wrapper (${box.scroll} > ${box.client})`);
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(pageWidth <= PHONE.width, `the page itself does not scroll sideways (${pageWidth}px)`);
    const head = page.locator('table.matrix tbody th[scope="row"]').first();
    const cell = page.locator('table.matrix tbody td').first();
    const [head0, cell0] = [await head.boundingBox(), await cell.boundingBox()];
    await wrapper.evaluate((w) => { w.scrollLeft = 200; });
    await page.waitForFunction(() => document.querySelector('.matrix-scroll').scrollLeft > 0);
    const [head1, cell1] = [await head.boundingBox(), await cell.boundingBox()];
    assert.ok(cell1.x < cell0.x - 100, `the cells move when scrolled (${cell0.x} → ${cell1.x})`);
    assert.equal(Math.round(head1.x), Math.round(head0.x), 'the event column stays in place');
    // Each assessment is in words, not only colour.
    const labels = await page.locator('table.matrix td .assessment-label').allTextContents();
    assert.ok(labels.some((l) => /Supports/.test(l)) && labels.some((l) => /Undercuts/.test(l)), 'assessments are written out');
  }));

/** Saves a screenshot as `<name>-<width>.png` under SHOTS. */
async function shot(target, name, width, options = {}) {
  await target.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), ...options });
}

/** What makes the page wider than the window, if anything: its width and the widest elements. */
async function sidewaysScroll(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const scroll = document.documentElement.scrollWidth;
    if (scroll <= width) return null;
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > width + 1 && !e.closest('.matrix-scroll, .visually-hidden'))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)}px)`);
    return `${scroll}px wide: ${wide.join(', ')}`;
  });
}

test('5: screenshots at 1280 and 390 px of the thread, a card, the picker, the matrix, a source, the lists', (t) =>
  app.scenario(t, async (open) => {
    mkdirSync(SHOTS, { recursive: true });
    // One cited source with a dead link and one redirected, so the link health page has rows and
    // the thread shows the flags (the checker is off in these tests). The thread's version moves
    // so its cached page is rendered anew.
    await app.sql(`
      WITH cited AS (
        SELECT DISTINCT s.id FROM sources s JOIN citations c ON c.source_id = s.id
        WHERE s.url IS NOT NULL ORDER BY s.id LIMIT 2)
      UPDATE sources SET
        link_status = CASE WHEN id = (SELECT min(id) FROM cited) THEN 'dead' ELSE 'redirected' END,
        last_checked_at = now(), failing_since = CASE WHEN id = (SELECT min(id) FROM cited) THEN now() - interval '5 days' END,
        last_status_code = CASE WHEN id = (SELECT min(id) FROM cited) THEN 404 ELSE 200 END,
        final_url = CASE WHEN id = (SELECT min(id) FROM cited) THEN NULL ELSE url || '/moved' END
      WHERE id IN (SELECT id FROM cited);
      UPDATE threads SET version = version + 1 WHERE slug = '${DEMO_SLUG}';`);
    const page = await open({ viewport: DESKTOP });
    const curator = await app.user('curator');
    await app.addCurator(DEMO_SLUG, curator);
    await logIn(page, app, curator);
    const sourceId = await page.evaluate(async () => (await (await fetch('/api/v1/sources?q=model')).json()).sources[0].id);
    const problems = [];

    for (const viewport of [DESKTOP, PHONE]) {
      const w = viewport.width;
      await page.setViewportSize(viewport);

      await page.goto(app.url(DEMO));
      await shot(synthesisSection(page), 'thread-synthesis', w);
      await shot(page, 'thread-full', w, { fullPage: true });

      // A card open: the second reference of the synthesis, hovered, with some room around it.
      const ref = synthesisSection(page).locator('sup.cite').nth(1);
      await ref.scrollIntoViewIfNeeded();
      await page.evaluate(() => window.scrollBy(0, 150));
      await ref.hover();
      await expectVisible(ref.locator('.cite-card'), 'the card opens');
      await shot(page, 'cite-card', w);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(overflow <= w, `the open card does not widen the page at ${w} px (${overflow}px)`);

      const box = await openSynthesisEditor(page, app.url(DEMO));
      await box.press('Control+End');
      await page.locator('details.cite-picker summary').click();
      await page.getByLabel('Search sources by title or address').fill('model');
      await expectVisible(page.locator('.cite-results button').first(), 'the picker shows results');
      await page.locator('details.cite-picker').scrollIntoViewIfNeeded();
      await shot(page, 'editor-picker', w);
      // Leaving the editor without saving: nothing was typed, so no prompt.

      for (const [name, at] of [['matrix', `${DEMO}/matrix`], ['source', `/sources/${sourceId}`], ['sources', '/sources'], ['link-health', '/link-health'], ['thread', DEMO]]) {
        await page.goto(app.url(at));
        if (name !== 'thread') await shot(page, name, w, { fullPage: true });
        if (name === 'matrix') {
          // The top of the table as the window shows it, then scrolled sideways.
          const wrapper = page.locator('.matrix-scroll');
          await wrapper.scrollIntoViewIfNeeded();
          await shot(page, 'matrix-view', w);
          await wrapper.evaluate((el) => { el.scrollLeft = 260; });
          await shot(page, 'matrix-scrolled', w);
        }
        if (name === 'thread') {
          await synthesisSection(page).locator('div.citations').scrollIntoViewIfNeeded();
          await shot(page, 'thread-footnotes', w);
        }
        const wide = await sidewaysScroll(page);
        if (wide) problems.push(`${at} at ${w} px is ${wide}`);
      }
    }
    assert.deepEqual(problems, [], 'no page scrolls sideways');
  }));
