// Layout at a desktop (1280 px) and a phone (390 px) width: the site header's rows, tables that
// never cut off their last column, the side-by-side diff's share of the width, and a timeline
// picture whose labels never overlap. Issue 15, items 16, 18 and 19.
//
// With LAYOUT_SHOTS=<stage> (e.g. `before`, `after`) the tests also save screenshots to
// /work/notes/shots/<item>-<page>-<width>-<stage>.png for a person to look at.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { useApp } from '../lib/fixture.mjs';
import { editSynthesis, logInAs } from '../lib/flows.mjs';

const DEMO = '/threads/open-vs-closed-weights';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const SHOTS = process.env.LAYOUT_SHOTS;
const SHOTS_DIR = process.env.LAYOUT_SHOTS_DIR ?? 'target/layout-shots';

const app = useApp({ demo: true });

/** Saves a screenshot when LAYOUT_SHOTS names a stage; `target` is the page or a locator. */
async function shot(target, name, fullPage = true) {
  if (!SHOTS) return;
  mkdirSync(SHOTS_DIR, { recursive: true });
  const file = path.join(SHOTS_DIR, `${name}-${SHOTS}.png`);
  if ('goto' in target) await target.screenshot({ path: file, fullPage });
  else await target.screenshot({ path: file });
}

/** The rows the site navigation's visible items sit in (distinct tops, 4 px apart at least). */
function headerRows(page) {
  return page.evaluate(() => {
    const nav = document.querySelector('.site-header nav');
    const tops = [];
    const visit = (el) => {
      for (const child of el.children) {
        const style = getComputedStyle(child);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        if (style.display === 'contents') {
          visit(child);
          continue;
        }
        const r = child.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        tops.push(r.top + r.height / 2);
      }
    };
    visit(nav);
    tops.sort((a, b) => a - b);
    const rows = [];
    for (const t of tops) if (!rows.length || t - rows[rows.length - 1] > 12) rows.push(t);
    const overflow = nav.scrollWidth - nav.clientWidth;
    return { rows: overflow > 1 ? Infinity : rows.length, height: document.querySelector('.site-header').getBoundingClientRect().height };
  });
}

test('18: the header of a signed-in admin fits one row at 1280 px and at most two at 390 px', (t) =>
  app.scenario(t, async (open) => {
    const page = await open({ viewport: DESKTOP });
    await logInAs(page, app, 'admin');
    await page.goto(app.url(DEMO));
    await shot(page, '18-header-1280', false);
    const wide = await headerRows(page);
    assert.equal(wide.rows, 1, `the header has ${wide.rows} rows at 1280 px (height ${wide.height}px)`);

    await page.setViewportSize(PHONE);
    await shot(page, '18-header-390', false);
    const narrow = await headerRows(page);
    assert.ok(narrow.rows <= 2, `the header has ${narrow.rows} rows at 390 px (height ${narrow.height}px)`);
    // Every link of the site stays reachable on a phone (in the menu if it is folded).
    const usersLink = page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Users' });
    if (!(await usersLink.isVisible())) {
      await page.locator('.site-header summary').click();
    }
    await usersLink.waitFor({ state: 'visible' });
    const box = await usersLink.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, 'the menu\'s links are inside the screen');
  }));

/** The last column's cells (and what is in them) that reach outside the viewport, as text. */
function lastColumnOutside(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const outside = [];
    for (const table of document.querySelectorAll('main table')) {
      for (const row of table.rows) {
        // A stacked table's column headings are only for screen readers (a 1 px box).
        if (row.parentElement.getBoundingClientRect().width <= 1) continue;
        const cell = row.cells[row.cells.length - 1];
        if (!cell) continue;
        // What the viewport and any scrolling or clipping box around the table leave in view.
        let [left, right] = [0, width];
        for (let box = table.parentElement; box && box !== document.body; box = box.parentElement) {
          if (getComputedStyle(box).overflowX === 'visible') continue;
          const b = box.getBoundingClientRect();
          [left, right] = [Math.max(left, b.left), Math.min(right, b.right)];
        }
        for (const el of [cell, ...cell.querySelectorAll('*')]) {
          const r = el.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue;
          if (r.right > right + 0.5 || r.left < left - 0.5) {
            outside.push(`${el.tagName.toLowerCase()} “${(el.textContent ?? '').trim().slice(0, 30)}” spans ${Math.round(r.left)}–${Math.round(r.right)}`);
            break;
          }
        }
      }
    }
    return { outside, tables: document.querySelectorAll('main table').length, scrollWidth: document.documentElement.scrollWidth, width };
  });
}

const TABLE_PAGES = [
  ['history', `${DEMO}/history`],
  ['queue', '/moderation/queue'],
  ['log', '/moderation/log'],
  ['blame', `${DEMO}/blame`],
  ['diff', `${DEMO}/diff?from=1&to=2`],
];

test('16: history, queue, log, blame and diff tables keep every column in view at 1280 and 390 px', (t) =>
  app.scenario(t, async (open) => {
    const page = await open({ viewport: DESKTOP });
    await logInAs(page, app, 'admin');
    // The demo has one revision: a second one gives the diff pages something to compare.
    await editSynthesis(page, app.url(DEMO), { append: 'A paragraph added for the diff tables.', summary: 'layout check' });
    const problems = [];
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      for (const [name, pathname] of TABLE_PAGES) {
        await page.goto(app.url(pathname));
        await shot(page, `16-${name}-${viewport.width}`);
        const { outside, tables, scrollWidth, width } = await lastColumnOutside(page);
        if (['history', 'blame', 'diff'].includes(name) && tables === 0) problems.push(`the ${name} page shows no table`);
        for (const o of outside) problems.push(`${name} at ${viewport.width} px: last-column content outside the ${width}px view: ${o}`);
        if (scrollWidth > width) problems.push(`${name} at ${viewport.width} px: the page scrolls sideways (${scrollWidth}px wide)`);
      }
    }
    assert.deepEqual(problems, []);
    // Moderation actions on the history page are visible (not scrolled away) at both widths.
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await page.goto(app.url(`${DEMO}/history`));
      const hide = page.getByRole('button', { name: /^Hide/ }).first();
      if (await hide.count()) {
        const box = await hide.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= viewport.width, `a Hide button is inside the screen at ${viewport.width} px`);
      }
    }
    // Side by side, each side takes at least 45% of the desktop viewport.
    await page.setViewportSize(DESKTOP);
    await page.goto(app.url(`${DEMO}/diff?from=1&to=2&view=side`));
    await shot(page, '16-diff-side-1280');
    const sides = await page.evaluate(() => {
      const row = [...document.querySelectorAll('.side-by-side tbody tr')].find((r) => r.cells.length === 2);
      return row ? [...row.cells].map((c) => c.getBoundingClientRect().width) : [];
    });
    assert.equal(sides.length, 2, 'the side-by-side diff has a row with two sides');
    for (const w of sides) assert.ok(w >= 0.45 * DESKTOP.width, `a side is ${Math.round(w)}px, under 45% of ${DESKTOP.width}px`);
  }));

/** Boxes (in SVG units) of the timeline's visible text and its pointer lines. */
function timelineBoxes(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('.timeline-svg');
    const texts = [...svg.querySelectorAll('text')].map((el) => {
      const b = el.getBBox();
      // A label wrapped onto lines (<tspan>s) reads as its lines joined by spaces.
      const lines = [...el.querySelectorAll('tspan')].map((s) => s.textContent);
      const text = lines.length ? lines.join(' ') : el.textContent;
      return { kind: el.getAttribute('class'), text, x: b.x, y: b.y, w: b.width, h: b.height };
    });
    const leaders = [...svg.querySelectorAll('.leader')].map((el) => {
      const b = el.getBBox();
      return { x: b.x, y: b.y, h: b.height };
    });
    const view = svg.viewBox.baseVal;
    return { texts, leaders, width: view.width, height: view.height };
  });
}

const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

test('19: the demo timeline labels every landmark in full with no overlapping labels', (t) =>
  app.scenario(t, async (open) => {
    const page = await open({ viewport: DESKTOP });
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await page.goto(app.url(DEMO));
      const figure = page.locator('figure.timeline');
      await figure.waitFor();
      await shot(figure, `19-timeline-${viewport.width}`);
      if (viewport === DESKTOP) {
        await page.setViewportSize(PHONE);
        await page.goto(app.url(DEMO));
        await shot(page.locator('figure.timeline'), '19-timeline-390');
        await page.setViewportSize(DESKTOP);
        await page.goto(app.url(DEMO));
      }
      const { texts, leaders, width, height } = await timelineBoxes(page);
      assert.ok(texts.length > 0, 'the timeline has labels');
      const problems = [];
      for (let i = 0; i < texts.length; i++) {
        const a = texts[i];
        if (a.x < 0 || a.x + a.w > width + 0.5 || a.y < 0 || a.y + a.h > height + 0.5) problems.push(`“${a.text}” is outside the picture`);
        for (let j = i + 1; j < texts.length; j++) {
          if (overlaps(a, texts[j])) problems.push(`“${a.text}” overlaps “${texts[j].text}”`);
        }
        if (a.kind === 'mark-label') {
          for (const l of leaders) {
            const own = l.x >= a.x - 0.5 && l.x <= a.x + a.w + 0.5 && Math.abs(l.y + l.h - a.y) < 6;
            // A pointer line that runs through the label's box (its own one ends at the box).
            if (l.x > a.x + 1 && l.x < a.x + a.w - 1 && l.y < a.y + a.h - 1 && l.y + l.h > a.y + 1 && !own) {
              problems.push(`a pointer line crosses “${a.text}”`);
            }
          }
        }
      }
      assert.deepEqual(problems, [], `timeline at ${viewport.width} px`);

      // Every landmark's full title is in a visible label, or on the mark's own name.
      const landmarks = await page.evaluate(() =>
        [...document.querySelectorAll('.timeline-svg .events a')]
          .filter((a) => a.querySelector('.mark.landmark'))
          .map((a) => a.getAttribute('aria-label')),
      );
      const labels = texts.filter((x) => x.kind === 'mark-label').map((x) => x.text);
      assert.ok(landmarks.length > 0, 'the demo has landmarks');
      for (const name of landmarks) {
        // "Landmark event: <title>, <date>": the label is the whole title.
        assert.ok(labels.some((l) => name.includes(`: ${l.replace(/\s+/g, ' ').trim()}, `) && !/[…]$/.test(l)), `the landmark “${name}” has a full label (labels: ${labels.join(' | ')})`);
      }
    }
    // On a phone the picture opens scrolled to the latest events.
    await page.setViewportSize(PHONE);
    await page.goto(app.url(DEMO));
    // The latest events are at the picture's right end: it is in view, its left end may not be.
    const latestInView = () =>
      page.evaluate(() => {
        const box = document.querySelector('.timeline-scroll').getBoundingClientRect();
        const svg = document.querySelector('.timeline-svg').getBoundingClientRect();
        return svg.right <= box.right + 2 ? null : `the picture ends ${Math.round(svg.right - box.right)}px right of its frame`;
      });
    await page.waitForFunction(() => {
      const box = document.querySelector('.timeline-scroll').getBoundingClientRect();
      return document.querySelector('.timeline-svg').getBoundingClientRect().right <= box.right + 2;
    }, null, { timeout: 3000 }).catch(() => {});
    assert.equal(await latestInView(), null, 'the phone\'s timeline opens at the latest events');
  }));

test('16: the thread page\'s tools of an admin stay inside the screen at 390 px, each on one line', (t) =>
  app.scenario(t, async (open) => {
    const page = await open({ viewport: PHONE });
    await logInAs(page, app, 'admin');
    await page.goto(app.url(DEMO));
    await shot(page, '16-thread-tools-390', false);
    const problems = await page.locator('nav.thread-tools').evaluate((nav) =>
      [...nav.children].flatMap((tool) => {
        const box = tool.getBoundingClientRect();
        const line = parseFloat(getComputedStyle(tool).lineHeight) || 20;
        const name = tool.textContent.trim();
        const out = [];
        if (box.left < 0 || box.right > document.documentElement.clientWidth) out.push(`“${name}” reaches outside the screen`);
        if (box.height > line * 1.6 && tool.tagName === 'A') out.push(`“${name}” breaks over ${Math.round(box.height / line)} lines`);
        return out;
      }),
    );
    assert.deepEqual(problems, [], 'thread tools at 390 px');
  }));

test('19: landmarks are painted over the other marks and win a tap where their targets overlap', (t) =>
  app.scenario(t, async (open) => {
    const page = await open({ viewport: DESKTOP });
    await page.goto(app.url(DEMO));
    const svg = page.locator('.timeline-svg');
    await svg.scrollIntoViewIfNeeded();
    const result = await page.evaluate(() => {
      const links = [...document.querySelectorAll('.timeline-svg .events a')];
      const kinds = links.map((a) => a.querySelector('.mark').classList.contains('landmark'));
      const firstLandmark = kinds.indexOf(true);
      const landmarks = links.filter((_, i) => kinds[i]);
      // What a pointer at the centre of each landmark's circle reaches: a landmark (itself, or
      // another a few days apart), never a lesser mark.
      const missed = landmarks
        .map((a) => {
          const r = a.querySelector('.mark').getBoundingClientRect();
          const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)?.closest('a');
          return hit?.querySelector('.mark.landmark') ? null : `${a.getAttribute('aria-label')} is under ${hit?.getAttribute('aria-label')}`;
        })
        .filter(Boolean);
      return { landmarks: landmarks.length, laterOthers: kinds.slice(firstLandmark).filter((k) => !k).length, missed };
    });
    assert.ok(result.landmarks > 0, 'the demo has landmarks');
    assert.equal(result.laterOthers, 0, 'no other mark is drawn after the first landmark');
    assert.deepEqual(result.missed, [], 'a landmark is on top at its centre');
  }));
