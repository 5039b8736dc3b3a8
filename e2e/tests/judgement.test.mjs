// Issue 17 ("Judgement"), its "Done means" walked in the browser on the demo: the three roles
// (a curator proposes a stance change, a moderator who did not propose it approves, and a
// moderator cannot approve their own), readers of two camps declare their interpretation and
// rate, and curators find the thread that needs attention. The last test takes the screenshots
// (under /work/shots/ or $JUDGEMENT_SHOTS) that the closing note describes.
// The tests run in order on one server with the demo data.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { clickAndWait, expectVisible, field } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import { logIn, logInAs } from '../lib/flows.mjs';

const DEMO_SLUG = 'open-vs-closed-weights';
const DEMO = `/threads/${DEMO_SLUG}`;
const STALE_SLUG = 'eu-ai-act-open-source-exemption';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const SHOTS = process.env.JUDGEMENT_SHOTS ?? '/work/shots';
const app = useApp({ demo: true });

/** The stance line under a thread page's title ("Contested since Feb 2023 · label history"). */
function stanceLine(page) {
  return page.locator('p.stance-line');
}

/** The rating form of one item, found by its legend. */
function ratingGroup(page, legend) {
  return page.getByRole('group', { name: legend });
}

/** Declares `interpretation` as the reader's camp on the thread page. */
async function declareCamp(page, interpretation) {
  await ratingGroup(page, /Which interpretation do you hold\?/).getByLabel(interpretation, { exact: true }).check();
  await clickAndWait(page, page.getByRole('button', { name: 'Save my interpretation' }));
  await expectVisible(page.getByText('Your interpretation was saved.'), 'the camp is saved');
}

/** Rates the item whose fieldset is `legend` with `answer` (Yes, Somewhat, No). */
async function rate(page, legend, answer) {
  const group = ratingGroup(page, legend);
  await group.getByLabel(answer, { exact: true }).check();
  const form = page.locator('form.rating-form', { has: group });
  await clickAndWait(page, form.getByRole('button', { name: 'Save rating' }));
  await expectVisible(page.getByText('Your rating was saved.'), `the rating of “${legend}” is saved`);
}

test('1: a pending proposal is shown as pending; a moderator who did not propose it approves, and the label moves', (t) =>
  app.scenario(t, async (open) => {
    const reader = await open({ viewport: DESKTOP });
    await reader.goto(app.url(DEMO));
    await expectVisible(stanceLine(reader), 'the thread page says how long the label has held');
    assert.match(await stanceLine(reader).innerText(), /^Contested since Feb 2023 · label history$/);
    const pending = reader.locator('p.stance-pending');
    assert.match(await pending.innerText(), /Pending proposal: emerging consensus — proposed by/);
    assert.equal((await reader.locator('.badges .badge[class*="stance-"]').textContent()).trim(), 'Contested', 'the badge stays the label');

    const moderator = await open({ viewport: DESKTOP });
    await logInAs(moderator, app, 'moderator', 'mona');
    await moderator.goto(app.url(DEMO));
    await clickAndWait(moderator, moderator.getByRole('link', { name: 'label history' }));
    await expectVisible(moderator.getByRole('heading', { level: 1, name: 'Stance label history' }), 'the history page opens');
    await clickAndWait(moderator, moderator.getByRole('button', { name: 'Approve the change to emerging consensus' }));
    await expectVisible(moderator.getByText('Approved: the thread\'s stance label changed.'), 'the approval is confirmed');
    await moderator.goto(app.url(DEMO));
    assert.match(await stanceLine(moderator).innerText(), /^Emerging consensus since \w+ \d{4} · label history$/);
    assert.equal(await moderator.locator('p.stance-pending').count(), 0, 'nothing is pending any more');
  }));

test('2: a curator proposes (a bad proposal keeps its text); a moderator cannot approve their own proposal', (t) =>
  app.scenario(t, async (open) => {
    const curator = await open({ viewport: DESKTOP });
    const name = await app.user('curator', 'cora');
    await app.addCurator(DEMO_SLUG, name);
    await logIn(curator, app, name);
    await curator.goto(app.url(`${DEMO}/stance`));
    await clickAndWait(curator, curator.getByRole('link', { name: 'Propose a stance change' }));
    await field(curator, 'New stance').selectOption({ label: 'Contested' });
    const tooLong = 'x'.repeat(20_001);
    await field(curator, 'Rationale').fill(tooLong);
    await clickAndWait(curator, curator.getByRole('button', { name: 'Propose the change' }));
    await expectVisible(curator.getByRole('alert'), 'a rationale over 20 KB is refused with a message');
    assert.equal((await field(curator, 'Rationale').inputValue()).length, tooLong.length, 'the typed text is kept');
    await field(curator, 'Rationale').fill('The **2025** releases reopened the question: labs split again.');
    await clickAndWait(curator, curator.getByRole('button', { name: 'Propose the change' }));
    await expectVisible(curator.getByText(/Proposal made/), 'the proposal is confirmed');
    await expectVisible(curator.getByRole('heading', { level: 2, name: 'Pending proposal: emerging consensus → contested' }), 'it is pending');
    await expectVisible(curator.getByRole('button', { name: 'Withdraw my proposal' }), 'its proposer may withdraw it');
    assert.equal(await curator.getByRole('button', { name: /^Approve/ }).count(), 0, 'a curator cannot approve');

    // A moderator proposes on the second demo thread and finds no way to approve it.
    const moderator = await open({ viewport: DESKTOP });
    await logInAs(moderator, app, 'moderator', 'max');
    await moderator.goto(app.url(`/threads/${STALE_SLUG}/stance/propose`));
    await field(moderator, 'New stance').selectOption({ index: 0 });
    await field(moderator, 'Rationale').fill('Two years of enforcement practice settled how the exemption reads.');
    await clickAndWait(moderator, moderator.getByRole('button', { name: 'Propose the change' }));
    await expectVisible(moderator.getByText('You proposed this change: another moderator approves or rejects it.'), 'the proposer is told');
    assert.equal(await moderator.getByRole('button', { name: /^Approve/ }).count(), 0, 'no approve button for one\'s own proposal');
    await clickAndWait(moderator, moderator.getByRole('button', { name: 'Withdraw my proposal' }));
    await expectVisible(moderator.getByText('Proposal withdrawn.'), 'the withdrawal is confirmed');
  }));

test('3: readers of two camps declare their interpretation and rate; the figures and the mark are stored ones', (t) =>
  app.scenario(t, async (open) => {
    for (const [camp, own, other] of [
      ['Democratization reading', 'Democratization reading', 'Proliferation-risk reading'],
      ['Proliferation-risk reading', 'Proliferation-risk reading', 'Democratization reading'],
    ]) {
      const page = await open({ viewport: DESKTOP });
      await logInAs(page, app, 'reader');
      await page.goto(app.url(DEMO));
      await declareCamp(page, camp);
      await rate(page, 'Does the synthesis represent your view fairly?', 'Somewhat');
      await rate(page, `Does “${own}” represent this view fairly?`, 'Yes');
      await rate(page, `Does “${other}” represent this view fairly?`, 'No');
      await rate(page, 'Does “Strategic-competition reading” represent this view fairly?', 'Yes');
      // Their own answers come back checked; nobody else's are shown.
      const synthesis = ratingGroup(page, 'Does the synthesis represent your view fairly?');
      assert.ok(await synthesis.getByLabel('Somewhat', { exact: true }).isChecked(), 'the reader sees their own rating');
    }
    const reader = await open({ viewport: DESKTOP });
    await reader.goto(app.url(DEMO));
    const bridging = reader.locator('.fairness-item', { has: reader.locator('.fair-across-camps') });
    assert.equal(await bridging.count(), 1, 'one text is marked fair across camps on the demo');
    const oneSided = reader.locator('.fairness-item').filter({ hasText: /Democratization reading: 12 of 12 say fair/ });
    assert.ok((await oneSided.count()) >= 1, 'the camps\' shares are shown');
    assert.equal(await oneSided.first().locator('.fair-across-camps').count(), 0, 'a one-sided text has no mark');
    await expectVisible(reader.locator('.fairness-explanation'), 'one sentence says what the signal measures');
  }));

test('4: a curator finds the thread that needs attention, with the reason in words', (t) =>
  app.scenario(t, async (open) => {
    const page = await open({ viewport: DESKTOP });
    await logInAs(page, app, 'curator');
    await page.goto(app.url('/attention'));
    await expectVisible(page.getByRole('heading', { level: 1 }), 'the queue opens');
    const row = page.getByRole('link', { name: /EU AI Act/ }).first();
    await expectVisible(row, 'the stale demo thread is in the queue');
    assert.match(await page.locator('main').innerText(), /predates \d+ landmark or major events? linked since/);
    await page.goto(app.url('/?attention=needs'));
    await expectVisible(page.locator(`main a[href="/threads/${STALE_SLUG}"]`).first(), 'the filter lists the stale thread');
    assert.equal(await page.locator(`main a[href="${DEMO}"]`).count(), 0, 'the demo thread itself is not flagged');
  }));

test('5: screenshots at desktop and phone width', (t) =>
  app.scenario(t, async (open) => {
    mkdirSync(SHOTS, { recursive: true });
    const shoot = async (page, name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      const reader = await open({ viewport });
      await logInAs(reader, app, 'reader');
      await reader.goto(app.url(DEMO));
      await reader.locator('header.thread-header, main h1').first().screenshot({ path: path.join(SHOTS, `judgement-title-${size}.png`) }).catch(() => {});
      await reader.locator('aside.fairness').screenshot({ path: path.join(SHOTS, `judgement-fairness-${size}.png`) });
      await reader.locator('section', { has: reader.locator('#interpretations') }).first().screenshot({ path: path.join(SHOTS, `judgement-interpretations-${size}.png`) }).catch(() => {});
      await reader.goto(app.url(`${DEMO}/stance`));
      await shoot(reader, `judgement-label-history-${size}`);
      await reader.goto(app.url(`/threads/${STALE_SLUG}`));
      await reader.screenshot({ path: path.join(SHOTS, `judgement-stale-thread-${size}.png`) });
      const curator = await open({ viewport });
      await logInAs(curator, app, 'curator');
      await curator.goto(app.url('/attention'));
      await shoot(curator, `judgement-attention-${size}`);
      const moderator = await open({ viewport });
      await logInAs(moderator, app, 'moderator');
      await moderator.goto(app.url(`/threads/${STALE_SLUG}/stance/propose`));
      await shoot(moderator, `judgement-propose-${size}`);
    }
  }));
