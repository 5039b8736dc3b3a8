// Every kind of page passes axe (WCAG 2.2 A/AA rules, in light and dark colour schemes) and the
// Nu Html Checker. All pages are visited first; then one test per page type lists every problem
// found on it, so one run reports them all.
//
// axe checks the page as the browser shows it (after any script ran); vnu checks the HTML as the
// server sent it, saved under target/e2e-pages/.

import { readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { axeViolations } from '../lib/a11y.mjs';
import { captureFailure, field, unique } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import { logInAs, previewRegion, synthesisBox, waitForEditor } from '../lib/flows.mjs';
import { PASSWORD, ROOT } from '../lib/server.mjs';
import { vnuErrors } from '../lib/vnu.mjs';

const DEMO = '/threads/open-vs-closed-weights';
const PAGES_DIR = path.join(ROOT, 'target/e2e-pages');
const TEMPLATES_DIR = path.join(ROOT, 'templates');
/**
 * Each page type and the template (under templates/) that renders it. The test below walks
 * templates/ and fails when a template is neither rendered by a checked page nor pulled in by one
 * (through `{% extends %}`, `{% include %}` or `{% import %}`), so a new template needs a visit.
 */
const TEMPLATE_OF = {
  home: 'threads/index.html',
  thread: 'threads/show.html',
  event: 'events/show.html',
  events: 'events/index.html',
  source: 'sources/show.html',
  sources: 'sources/index.html',
  history: 'changes/history.html',
  revision: 'history/revision.html',
  diff: 'history/diff.html',
  blame: 'history/blame.html',
  recent: 'changes/recent.html',
  user: 'changes/recent.html',
  'item-history': 'changes/item_history.html',
  'item-diff': 'changes/item_diff.html',
  login: 'form.html',
  signup: 'form.html',
  editor: 'form.html',
  form: 'form.html',
  conflict: 'history/conflict.html',
  'undo-conflict': 'history/undo_conflict.html',
  confirm: 'confirm.html',
  queue: 'changes/recent.html',
  log: 'changes/log.html',
  hide: 'changes/hide.html',
  curators: 'threads/curators.html',
  matrix: 'threads/matrix.html',
  // The governed stance label's history (the demo has a pending proposal).
  stance: 'threads/stance.html',
  'event-link': 'events/link.html',
  error: 'error.html',
  notifications: 'notifications/index.html',
  digest: 'form.html',
  'account-feed': 'account/feed.html',
  'account-tokens': 'account/tokens.html',
  following: 'following/index.html',
  search: 'search/index.html',
  'link-health': 'link_health/index.html',
  'admin-users': 'admin/users.html',
  'api-docs': 'api/docs.html',
  'link-health': 'link_health/index.html',
  attention: 'attention/index.html',
};
const PAGE_TYPES = Object.keys(TEMPLATE_OF);
const testName = (type) => `${type} page has no axe violations and no vnu errors`;

/** Problems by page type, as readable lines. */
const problems = new Map(PAGE_TYPES.map((type) => [type, []]));
/** The HTML files saved for vnu: `{ file, type, variant }`. */
const files = [];
const app = useApp({ demo: true, setup: checkEveryPage });

/**
 * Opens a page with `navigate` (which resolves to the main response), saves the HTML the server
 * sent for vnu (unless `validate` is false: the same HTML was saved already) and runs axe in both
 * colour schemes. `variant` says who is looking, and how.
 */
async function check(page, type, variant, navigate, { status = 200, validate = true } = {}) {
  const found = problems.get(type);
  try {
    const response = await navigate();
    if (response.status() !== status) found.push(`${variant}: HTTP ${response.status()}, expected ${status} (${page.url()})`);
    if (validate) {
      const file = path.join(PAGES_DIR, `${type}-${variant}.html`);
      writeFileSync(file, await response.text());
      files.push({ file, type, variant });
    }

    const byRule = new Map();
    for (const colorScheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme });
      for (const v of await axeViolations(page)) {
        const key = `${v.id}|${v.target}`;
        if (byRule.has(key)) byRule.get(key).schemes.push(colorScheme);
        else byRule.set(key, { ...v, schemes: [colorScheme] });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    for (const v of byRule.values()) {
      found.push(`${variant}: axe ${v.id} (${v.impact}; ${v.schemes.join('+')}) at \`${v.target}\`: ${v.help}`);
    }
    if (byRule.size > 0) await captureFailure(`${testName(type)}-${variant}`, [page]);
  } catch (error) {
    found.push(`${variant}: could not check the page: ${error.message.split('\n')[0]}`);
    await captureFailure(`${testName(type)}-${variant}`, [page]).catch(() => {});
  }
}

const goto = (page, pathname) => () => page.goto(app.url(pathname));
const submit = (page, button) => async () => (await Promise.all([page.waitForNavigation(), button.click()]))[0];

/** Visits every kind of page as each kind of visitor, then validates the saved HTML with vnu. */
async function checkEveryPage() {
  mkdirSync(PAGES_DIR, { recursive: true });
  // Only these contexts bypass the app's CSP, so that axe can be injected.
  const anonymous = await app.newContext({ bypassCSP: true });
  const signedIn = await app.newContext({ bypassCSP: true });
  const readerContext = await app.newContext({ bypassCSP: true });

  // A reader who follows the demo thread now and comes back after the moderator's edits below.
  const reader = await readerContext.newPage();
  await logInAs(reader, app, 'reader');
  await goto(reader, DEMO)();
  await submit(reader, reader.getByRole('button', { name: 'Follow' }))();
  // Issue 17: the reader declares the interpretation they hold and rates the synthesis; the page
  // then shows their choices preselected (templates threads/_fairness*.html).
  await reader.getByRole('group', { name: /^Which interpretation do you hold/ }).getByLabel('Democratization reading').check();
  await submit(reader, reader.getByRole('button', { name: 'Save my interpretation' }))();
  await reader.getByRole('group', { name: 'Does the synthesis represent your view fairly?' }).getByLabel('Somewhat').check();
  await submit(reader, reader.getByRole('button', { name: 'Save rating' }).first())();
  await check(reader, 'thread', 'reader-rated', goto(reader, DEMO));

  // Someone not logged in.
  const page = await anonymous.newPage();
  await check(page, 'home', 'anonymous', goto(page, '/'));
  await check(page, 'thread', 'anonymous', goto(page, DEMO));
  const eventHref = await page.getByRole('region', { name: 'Events in this thread' }).getByRole('link').first().getAttribute('href');
  await check(page, 'event', 'anonymous', goto(page, eventHref));
  await check(page, 'history', 'anonymous', goto(page, `${DEMO}/history`));
  await check(page, 'revision', 'anonymous', goto(page, `${DEMO}/revisions/1`));
  await check(page, 'diff', 'anonymous', goto(page, `${DEMO}/diff?from=1&to=1`));
  await check(page, 'diff', 'anonymous-side-by-side', goto(page, `${DEMO}/diff?from=1&to=1&view=side`));
  await check(page, 'blame', 'anonymous', goto(page, `${DEMO}/blame`));
  await check(page, 'recent', 'anonymous', goto(page, '/recent'));
  await check(page, 'sources', 'anonymous', goto(page, '/sources'));
  await check(page, 'home', 'anonymous-filtered', goto(page, '/?status=active&stance=contested&sort=title'));
  await check(page, 'events', 'anonymous', goto(page, '/events'));
  await check(page, 'events', 'anonymous-filtered', goto(page, '/events?significance=landmark&year=2024'));
  await check(page, 'events', 'anonymous-unknown-thread', goto(page, '/events?thread=no-such-thread'), { status: 404 });
  await check(page, 'user', 'anonymous', goto(page, '/users/terry-tang'));
  await check(page, 'matrix', 'anonymous', goto(page, `${DEMO}/matrix`));
  await check(page, 'stance', 'anonymous', goto(page, `${DEMO}/stance`));
  await check(page, 'login', 'anonymous', goto(page, '/login'));
  await check(page, 'signup', 'anonymous', goto(page, '/signup'));
  await check(page, 'error', 'anonymous', goto(page, '/threads/no-such-thread'), { status: 404 });
  await check(page, 'search', 'anonymous', goto(page, '/search?q=open+weights'));
  await check(page, 'search', 'anonymous-empty', goto(page, '/search'));
  await check(page, 'search', 'anonymous-no-words', goto(page, '/search?q=the'));
  await check(page, 'link-health', 'anonymous', goto(page, '/link-health'));
  await check(page, 'search', 'anonymous-too-long', goto(page, `/search?q=${'x'.repeat(201)}`), { status: 422 });

  // A moderator, who sees every editing control.
  const mod = await signedIn.newPage();
  await logInAs(mod, app, 'moderator');
  await check(mod, 'home', 'moderator', goto(mod, '/'));
  // Issue 17: the queue, the index filtered to it, and the demo's flagged thread with its notice.
  await check(mod, 'attention', 'moderator', goto(mod, '/attention'));
  await check(mod, 'home', 'moderator-needs-attention', goto(mod, '/?attention=needs'));
  await check(mod, 'thread', 'moderator-needs-attention', goto(mod, '/threads/eu-ai-act-open-source-exemption'));
  await check(mod, 'thread', 'moderator', goto(mod, DEMO));
  await check(mod, 'history', 'moderator', goto(mod, `${DEMO}/history`));
  await check(mod, 'revision', 'moderator', goto(mod, `${DEMO}/revisions/1`));
  await check(mod, 'recent', 'moderator', goto(mod, '/recent'));
  await check(mod, 'queue', 'moderator', goto(mod, '/moderation/queue'));
  await check(mod, 'log', 'moderator', goto(mod, '/moderation/log'));
  await check(mod, 'notifications', 'moderator', goto(mod, '/notifications'));
  await check(mod, 'digest', 'moderator', goto(mod, '/account/digest'));
  await check(mod, 'user', 'moderator', goto(mod, '/users/terry-tang'));
  await check(mod, 'curators', 'moderator', goto(mod, `${DEMO}/curators`));
  await check(mod, 'stance', 'moderator', goto(mod, `${DEMO}/stance`));
  await check(mod, 'event-link', 'moderator', goto(mod, `${DEMO}/events/link?q=Llama`));
  await check(mod, 'account-feed', 'moderator', goto(mod, '/account/feed'));
  await check(mod, 'account-feed', 'moderator-new-url', submit(mod, mod.getByRole('button', { name: 'Create feed URL' })));
  await check(mod, 'account-tokens', 'moderator', goto(mod, '/account/tokens'));
  await check(mod, 'account-tokens', 'moderator-new-token', async () => {
    await mod.getByLabel('Name', { exact: true }).fill('A script');
    return submit(mod, mod.getByRole('button', { name: 'Make token' }))();
  });
  // The list with a token in it (the answer above showed the new token once).
  await check(mod, 'account-tokens', 'moderator-listed', goto(mod, '/account/tokens'));
  // An item with a history: the moderator renames the first arc period, then opens its versions.
  await check(mod, 'item-history', 'moderator', async () => {
    await goto(mod, DEMO)();
    await mod.getByRole('region', { name: 'The Arc' }).getByRole('link', { name: /^Edit period/ }).first().click();
    await field(mod, 'Title').fill('A renamed period');
    await mod.locator('main textarea[name=body]').fill('A rewritten description of the period.');
    await Promise.all([mod.waitForNavigation(), mod.getByRole('button', { name: 'Save' }).click()]);
    await mod.getByRole('region', { name: 'The Arc' }).getByRole('link', { name: /^Versions of period/ }).first().click();
    return mod.reload();
  });
  await check(mod, 'error', 'moderator', goto(mod, '/no/such/page'), { status: 404 });
  await check(mod, 'editor', 'moderator', async () => {
    const response = await goto(mod, `${DEMO}/synthesis/edit`)();
    // Give an enhanced editor something to preview before axe looks at it.
    await waitForEditor(mod);
    await synthesisBox(mod).press('Control+End');
    await mod.keyboard.type('\n\nA **new** paragraph.');
    // Exactly: the citation cards of the demo's synthesis hold titles in <strong> too.
    await previewRegion(mod).locator('strong', { hasText: /^new$/ }).waitFor();
    return response;
  });
  // The same editor with the draft just typed waiting to be restored, and on a narrow screen.
  await check(mod, 'editor', 'moderator-with-draft', async () => {
    const response = await goto(mod, `${DEMO}/synthesis/edit`)();
    await mod.getByRole('button', { name: 'Restore draft' }).waitFor();
    return response;
  }, { validate: false });
  await mod.setViewportSize({ width: 375, height: 740 });
  await check(mod, 'editor', 'moderator-narrow', async () => {
    const response = await goto(mod, `${DEMO}/synthesis/edit`)();
    await mod.getByRole('button', { name: 'Discard draft' }).click();
    await mod.getByRole('tab', { name: 'Preview' }).click();
    return response;
  }, { validate: false });
  await mod.setViewportSize({ width: 1280, height: 720 });

  // The conflict page: two tabs edit from the same base; the second save conflicts.
  const other = await signedIn.newPage();
  await check(mod, 'conflict', 'moderator', async () => {
    await goto(mod, `${DEMO}/synthesis/edit`)();
    await other.goto(app.url(`${DEMO}/synthesis/edit`));
    await synthesisBox(other).fill('Saved first, in another tab.');
    await Promise.all([other.waitForNavigation(), other.getByRole('button', { name: 'Save synthesis' }).click()]);
    await synthesisBox(mod).fill('Saved second: this conflicts.');
    await field(mod, 'Edit summary').fill('conflicting');
    return submit(mod, mod.getByRole('button', { name: 'Save synthesis' }))();
  }, { status: 409 });

  // Undoing a revision whose lines a later revision changed again: the undo conflict page.
  const slug = unique('undo');
  const token = (await (await mod.request.get(app.url('/api/v1/session'))).json()).csrf_token;
  const api = async (pathname, data) => {
    const res = await mod.request.post(app.url(pathname), { data, headers: { 'x-csrf-token': token } });
    if (res.status() !== 201) throw new Error(`POST ${pathname}: HTTP ${res.status()} ${await res.text()}`);
    return res.json();
  };
  await api('/api/v1/threads', { title: 'Undo conflict', framing_question: 'Which line wins?', slug, status: 'active', stance: 'contested' });
  for (const [seq, line] of [[0, 'first'], [1, 'second'], [2, 'third']]) {
    await api(`/api/v1/threads/${slug}/synthesis`, { base_seq: seq, body: `One.\n\nThe ${line} line.\n\nThree.`, summary: line });
  }
  // The demo thread has no controversy: one to edit, in this thread.
  const controversy = await api(`/api/v1/threads/${slug}/controversies`, { title: 'A dispute', body: 'What is disputed.' });
  // Every variant of the shared form template, as the moderator sees it.
  const hrefs = async (pattern) =>
    (await mod.evaluate(() => [...document.querySelectorAll('main a[href]')].map((a) => a.getAttribute('href')))).filter((h) =>
      new RegExp(pattern).test(h),
    );
  await goto(mod, DEMO)();
  const itemEdits = await hrefs('^/threads/[^/]+/(interpretations|arc|questions|controversies)/\\d+/edit$');
  const answerHref = (await hrefs('/questions/\\d+/answer$'))[0];
  const eventId = await app.sql('SELECT min(id) FROM events;');
  await check(mod, 'form', 'new-thread', goto(mod, '/threads/new'));
  await check(mod, 'form', 'thread-details', goto(mod, `${DEMO}/edit`));
  await check(mod, 'form', 'new-event', goto(mod, '/events/new'));
  await check(mod, 'form', 'new-thread-event', goto(mod, `${DEMO}/events/new`));
  await check(mod, 'form', 'edit-event', goto(mod, `/events/${eventId}/edit`));
  // Sources (issue 16): one with every field, its page with its history, the index and the forms.
  const source = await api('/api/v1/sources', {
    title: 'A model card', url: `https://example.org/${unique('card')}`, publisher: 'A lab', published_on: '2024-07-23', kind: 'model_card', tier: 'primary',
  });
  await check(mod, 'sources', 'moderator-filtered', goto(mod, '/sources?tier=primary&kind=model_card&link_status=unchecked&q=model'));
  await check(mod, 'source', 'moderator', goto(mod, `/sources/${source.id}`));
  await check(mod, 'form', 'new-source', goto(mod, '/sources/new'));
  await check(mod, 'form', 'edit-source', goto(mod, `/sources/${source.id}/edit`));
  for (const kind of ['interpretations', 'arc', 'questions', 'controversies']) {
    await check(mod, 'form', `new-${kind}`, goto(mod, `${DEMO}/${kind}/new`));
    const edit = itemEdits.find((h) => h.includes(`/${kind}/`)) ?? (kind === 'controversies' ? `/threads/${slug}/controversies/${controversy.id}/edit` : null);
    if (edit) await check(mod, 'form', `edit-${kind}`, goto(mod, edit));
    else problems.get('form').push(`edit-${kind}: the demo thread shows no item of this kind to edit`);
  }
  await check(mod, 'form', 'answer', goto(mod, answerHref));
  await check(mod, 'form', 'lock', goto(mod, `${DEMO}/lock`));
  // The evidence matrix with its edit links, and the form of one cell.
  await check(mod, 'matrix', 'moderator', goto(mod, `${DEMO}/matrix`));
  const cellEdits = await hrefs('^/threads/[^/]+/matrix/\\d+/\\d+/edit$');
  const cellEdit = cellEdits[0];
  if (cellEdit) await check(mod, 'form', 'matrix-cell', goto(mod, cellEdit));
  else problems.get('form').push('matrix-cell: the demo matrix shows no cell to edit');
  // Cells assessed through their forms: the assessments' words, shapes and colours, and a note.
  for (const [n, [assessment, note]] of [['supports', 'The *release* bears it out.'], ['undercuts', 'Against it.']].entries()) {
    if (!cellEdits[n]) continue;
    await check(mod, 'matrix', `moderator-${assessment}`, async () => {
      await goto(mod, cellEdits[n])();
      await mod.locator('main select[name=assessment]').selectOption(assessment);
      await mod.locator('main input[name=note]').fill(note);
      return submit(mod, mod.getByRole('button', { name: 'Save', exact: true }))();
    });
  }
  const changeId = await app.sql('SELECT max(id) FROM changes;');
  await check(mod, 'hide', 'item-change', goto(mod, `/changes/${changeId}/hide`));
  // A revision whose words the current text may still carry: the warning and the checkbox.
  const revisionChange = await app.sql('SELECT max(id) FROM changes WHERE rev_seq = 2;');
  await check(mod, 'hide', 'revision', goto(mod, `/changes/${revisionChange}/hide`));
  await check(mod, 'form', 'password', goto(mod, '/account/password'));
  await check(mod, 'form', 'password-refused', async () => {
    await goto(mod, '/account/password')();
    // The right current password (a wrong one would count against the login throttle), a short new one.
    await field(mod, 'Current password').fill(PASSWORD);
    await field(mod, 'New password').fill('short');
    return submit(mod, mod.getByRole('button', { name: 'Change password' }))();
  }, { status: 422 });
  await check(mod, 'admin-users', 'moderator', goto(mod, '/admin/users'));
  await check(page, 'api-docs', 'anonymous', goto(page, '/api/v1/docs'));
  // The versions of the arc period rewritten above, compared after a second rewrite.
  await check(mod, 'item-diff', 'moderator', async () => {
    await goto(mod, DEMO)();
    await mod.getByRole('region', { name: 'The Arc' }).getByRole('link', { name: /^Edit period/ }).first().click();
    await mod.locator('main textarea[name=body]').fill('The description, rewritten again.');
    await Promise.all([mod.waitForNavigation(), mod.getByRole('button', { name: 'Save' }).click()]);
    await mod.getByRole('region', { name: 'The Arc' }).getByRole('link', { name: /^Versions of period/ }).first().click();
    await mod.waitForLoadState();
    return submit(mod, mod.getByRole('button', { name: 'Compare versions' }))();
  });
  await check(mod, 'item-diff', 'moderator-side-by-side', () => goto(mod, `${new URL(mod.url()).pathname}${new URL(mod.url()).search}&view=side`)());

  // The confirmations before reverting, undoing and deleting, and one refused for want of a reason.
  await check(mod, 'confirm', 'revert', goto(mod, `/threads/${slug}/revisions/1/revert`));
  await check(mod, 'confirm', 'undo', goto(mod, `/threads/${slug}/revisions/2/undo`));
  await check(mod, 'confirm', 'delete', goto(mod, `/threads/${slug}/controversies/${controversy.id}/delete`));
  await check(mod, 'confirm', 'delete-without-reason', async () => {
    await goto(mod, `/threads/${slug}/controversies/${controversy.id}/delete`)();
    await field(mod, 'Reason').fill('   ');
    return submit(mod, mod.getByRole('button', { name: 'Delete controversy' }))();
  }, { status: 422 });

  await check(mod, 'undo-conflict', 'moderator', async () => {
    await goto(mod, `/threads/${slug}/revisions/2`)();
    await submit(mod, mod.getByRole('link', { name: 'Undo revision 2' }))();
    await field(mod, 'Reason').fill('a collision');
    return submit(mod, mod.getByRole('button', { name: 'Undo revision 2' }))();
  }, { status: 409 });

  // A page with the flash that confirms a change (here: following a thread).
  await check(mod, 'thread', 'moderator-flash', async () => {
    await goto(mod, `/threads/${slug}`)();
    const response = await submit(mod, mod.getByRole('button', { name: /^(Follow|Unfollow)$/ }))();
    await mod.locator('main > .flash[role=status] p').waitFor();
    return response;
  });

  await check(reader, 'thread', 'reader-since-last-visit', async () => {
    const response = await goto(reader, DEMO)();
    await reader.getByRole('heading', { name: /^Since you last read/ }).waitFor();
    return response;
  });
  await check(reader, 'following', 'reader', goto(reader, '/following'));

  await anonymous.close();
  await signedIn.close();
  await readerContext.close();

  try {
    // One line per distinct message on a page, with every place it occurs.
    const grouped = new Map();
    for (const e of await vnuErrors(files.map((f) => f.file))) {
      const key = `${e.file}|${e.message}`;
      if (!grouped.has(key)) grouped.set(key, { ...e, at: [] });
      grouped.get(key).at.push(`${e.line}:${e.column}`);
    }
    for (const e of grouped.values()) {
      const saved = files.find((f) => f.file === e.file);
      const extract = (e.extract ?? '').replace(/\s+/g, ' ').trim();
      (saved ? problems.get(saved.type) : problems.get('error')).push(
        `${saved?.variant ?? e.file}: vnu: ${e.message} ${e.at.length}× at ${path.relative(ROOT, e.file)}:${e.at.join(', ')}; first «${extract}»`,
      );
    }
  } catch (error) {
    for (const list of problems.values()) list.push(`vnu could not run: ${error.message.split('\n')[0]}`);
  }
}


for (const type of PAGE_TYPES) {
  test(testName(type), () => {
    const found = problems.get(type);
    assert.ok(files.some((f) => f.type === type) || found.length > 0, `no ${type} page was checked`);
    if (found.length > 0) {
      assert.fail(`${found.length} problem(s) on the ${type} page:\n  - ${found.join('\n  - ')}`);
    }
  });
}

/** `{% extends %}`, `{% include %}` and `{% import %}` targets of a template. */
function pulledIn(template) {
  const text = readFileSync(path.join(TEMPLATES_DIR, template), 'utf8');
  return [...text.matchAll(/{%-?\s*(?:extends|include|import)\s+"([^"]+)"/g)].map((m) => m[1]);
}

/** Every file under templates/, relative to it. */
function allTemplates(dir = TEMPLATES_DIR) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allTemplates(path.join(dir, e.name)) : [path.relative(TEMPLATES_DIR, path.join(dir, e.name))],
  );
}

test('every template in templates/ is rendered by a checked page, or pulled in by one', () => {
  // HTML templates only: the XML ones (the sitemaps) are no pages, tests/api/discovery.rs checks them.
  const templates = allTemplates().filter((t) => t.endsWith('.html')).sort();
  const unknown = Object.values(TEMPLATE_OF).filter((t) => !templates.includes(t));
  assert.deepEqual(unknown, [], 'TEMPLATE_OF names templates that do not exist');
  const covered = new Set();
  const visit = (t) => {
    if (covered.has(t)) return;
    covered.add(t);
    pulledIn(t).forEach(visit);
  };
  for (const type of new Set(files.map((f) => f.type))) visit(TEMPLATE_OF[type]);
  const missing = templates.filter((t) => !covered.has(t));
  assert.deepEqual(missing, [], `templates no checked page renders (add a visit and a TEMPLATE_OF entry): ${missing.join(', ')}`);
});
