/* Agora editor enhancements for `form[data-editor]`: live Markdown preview (side by side on wide
 * screens, "Write"/"Preview" tabs on narrow ones), drafts kept in localStorage, a warning before
 * leaving with unsaved changes, a word count and Ctrl+S / Cmd+S to save.
 *
 * Progressive enhancement only: without this file every form still posts and works. The page's
 * CSP forbids inline styles and scripts, so everything here is built with DOM APIs, classes and
 * the `hidden` attribute (styled by editor.css).
 *
 * The pure helpers (word count, form snapshots, draft encoding) take no DOM globals so they can be
 * exercised under plain Node; they are exported when `module` exists and never otherwise. */
(function () {
  'use strict';

  const DRAFT_PREFIX = 'agora:draft:';
  const DRAFT_VERSION = 1;
  /** Drafts older than this are dropped at load, so abandoned keys do not pile up. */
  const DRAFT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
  const PREVIEW_DELAY_MS = 400;
  const SAVE_DELAY_MS = 500;
  const NOTICE_CLEAR_MS = 5000;
  /** Same query as the grid in editor.css: the two must flip together. */
  const WIDE_QUERY = '(min-width: 60rem)';

  // ---------------------------------------------------------------------------------------------
  // Pure helpers
  // ---------------------------------------------------------------------------------------------

  /** Link destinations (`](url "title")`) are not words the reader sees. */
  const LINK_DESTINATION = /\]\([^)\s]*(?:\s+"[^"]*")?\)/g;
  /** A bare URL counts as one word rather than one per path segment. */
  const BARE_URL = /\b(?:https?|ftp):\/\/\S+/g;
  /** Runs of letters, digits and marks, joined by apostrophes, hyphens and inner dots. */
  const WORD = /[\p{L}\p{N}\p{M}]+(?:['\u2019.-][\p{L}\p{N}\p{M}]+)*/gu;

  /** Number of words in Markdown source, ignoring markup punctuation and link destinations.
   * Deliberately a regex rather than Intl.Segmenter so every browser shows the same number. */
  function countWords(text) {
    const cleaned = String(text).replace(LINK_DESTINATION, '] ').replace(BARE_URL, ' url ');
    const matches = cleaned.match(WORD);
    return matches ? matches.length : 0;
  }

  /** "1 word", "0 words", "123 words". */
  function formatWordCount(n) {
    return n + (n === 1 ? ' word' : ' words');
  }

  const UNSAVED_INPUT_TYPES = new Set([
    'hidden', 'password', 'file', 'submit', 'reset', 'button', 'image',
  ]);

  /** Whether a control belongs in a draft: named, enabled, user-editable, and not a secret or
   * hidden bookkeeping field (csrf_token, base revision). Works on elements or plain objects. */
  function isDraftable(el) {
    if (!el || !el.name || el.disabled || el.name === 'csrf_token') return false;
    const tag = String(el.tagName || '').toUpperCase();
    if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
    if (tag !== 'INPUT') return false;
    return !UNSAVED_INPUT_TYPES.has(String(el.type || 'text').toLowerCase());
  }

  function normaliseNewlines(s) {
    return String(s).replace(/\r\n?/g, '\n');
  }

  /** The state of a list of controls as `{name: [string, ...]}`: the values of text-like controls
   * in document order, the values of checked boxes and radios, the selected options of selects.
   * Every draftable name is present (an unticked checkbox gives `[]`). With `useDefaults`, reads
   * the server-rendered values (defaultValue, defaultChecked, defaultSelected) instead. */
  function snapshot(elements, useDefaults) {
    const out = {};
    for (const el of elements) {
      if (!isDraftable(el)) continue;
      const list = Object.prototype.hasOwnProperty.call(out, el.name) ? out[el.name] : (out[el.name] = []);
      const type = String(el.type || '').toLowerCase();
      if (type === 'checkbox' || type === 'radio') {
        if (useDefaults ? el.defaultChecked : el.checked) list.push(String(el.value));
      } else if (type === 'select-multiple' || type === 'select-one') {
        const options = Array.from(el.options || []);
        let chosen = options.filter((o) => (useDefaults ? o.defaultSelected : o.selected));
        if (type === 'select-one') {
          // With no `selected` attribute a single select shows its first option.
          if (chosen.length === 0 && options.length > 0) chosen = [options[0]];
          chosen = chosen.slice(-1);
        }
        for (const o of chosen) list.push(String(o.value));
      } else {
        list.push(normaliseNewlines(useDefaults ? el.defaultValue : el.value));
      }
    }
    return out;
  }

  function sameList(a, b) {
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }

  /** Names whose values differ between two snapshots; only names present in both are compared,
   * so a draft from an older form layout neither matches nor breaks anything. */
  function changedNames(a, b) {
    const names = [];
    for (const name of Object.keys(a)) {
      if (Object.prototype.hasOwnProperty.call(b, name) && !sameList(a[name], b[name])) names.push(name);
    }
    return names;
  }

  /** Writes a snapshot back into controls; returns the controls whose value changed. */
  function applySnapshot(elements, fields) {
    const changed = [];
    const nextIndex = {};
    for (const el of elements) {
      if (!isDraftable(el) || !Object.prototype.hasOwnProperty.call(fields, el.name)) continue;
      const values = fields[el.name];
      const type = String(el.type || '').toLowerCase();
      if (type === 'checkbox' || type === 'radio') {
        const want = values.includes(String(el.value));
        if (el.checked !== want) {
          el.checked = want;
          changed.push(el);
        }
      } else if (type === 'select-multiple' || type === 'select-one') {
        let any = false;
        const options = Array.from(el.options || []);
        const known = options.filter((o) => values.includes(String(o.value)));
        if (type === 'select-one' && known.length === 0) continue; // option no longer offered
        for (const o of options) {
          const want = type === 'select-one' ? o === known[known.length - 1] : values.includes(String(o.value));
          if (o.selected !== want) {
            o.selected = want;
            any = true;
          }
        }
        if (any) changed.push(el);
      } else {
        const i = nextIndex[el.name] || 0;
        nextIndex[el.name] = i + 1;
        if (i < values.length && normaliseNewlines(el.value) !== values[i]) {
          el.value = values[i];
          changed.push(el);
        }
      }
    }
    return changed;
  }

  /** The JSON stored under `agora:draft:KEY`. */
  function encodeDraft(fields, savedAt) {
    return JSON.stringify({ v: DRAFT_VERSION, savedAt, fields });
  }

  /** Parses a stored draft; anything malformed or from another version gives null. */
  function decodeDraft(text) {
    if (typeof text !== 'string' || text === '') return null;
    let data;
    try {
      data = JSON.parse(text);
    } catch (_) {
      return null;
    }
    if (!data || data.v !== DRAFT_VERSION || !Number.isFinite(data.savedAt)) return null;
    if (!data.fields || typeof data.fields !== 'object' || Array.isArray(data.fields)) return null;
    const fields = {};
    for (const [name, values] of Object.entries(data.fields)) {
      if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) return null;
      fields[name] = values;
    }
    return { savedAt: data.savedAt, fields };
  }

  const pure = {
    countWords, formatWordCount, isDraftable, snapshot, changedNames, applySnapshot,
    encodeDraft, decodeDraft, DRAFT_PREFIX,
  };
  if (typeof module === 'object' && module && module.exports) module.exports = pure;
  if (typeof document === 'undefined') return;

  // ---------------------------------------------------------------------------------------------
  // Storage that never throws (quota exceeded, private mode, storage disabled)
  // ---------------------------------------------------------------------------------------------

  const storage = {
    get(key) {
      try {
        return window.localStorage.getItem(key);
      } catch (_) {
        return null;
      }
    },
    set(key, value) {
      try {
        window.localStorage.setItem(key, value);
        return true;
      } catch (_) {
        return false;
      }
    },
    remove(key) {
      try {
        window.localStorage.removeItem(key);
      } catch (_) {
        /* nothing to clean up if storage is unavailable */
      }
    },
    /** Drops drafts nobody came back to. */
    pruneOldDrafts(now) {
      try {
        const ls = window.localStorage;
        const stale = [];
        for (let i = 0; i < ls.length; i++) {
          const key = ls.key(i);
          if (!key || !key.startsWith(DRAFT_PREFIX)) continue;
          const draft = decodeDraft(ls.getItem(key));
          if (!draft || now - draft.savedAt > DRAFT_MAX_AGE_MS) stale.push(key);
        }
        stale.forEach((key) => ls.removeItem(key));
      } catch (_) {
        /* best effort */
      }
    },
  };

  // ---------------------------------------------------------------------------------------------
  // DOM helpers
  // ---------------------------------------------------------------------------------------------

  /** Creates an element with attributes (false/null skip, true sets an empty attribute). */
  function h(tag, attrs, children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      el.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children || []) el.append(child);
    return el;
  }

  let uniqueCounter = 0;
  function uniqueId(prefix) {
    let id;
    do {
      uniqueCounter += 1;
      id = prefix + '-' + uniqueCounter;
    } while (document.getElementById(id));
    return id;
  }

  /** The visible text of a control's label, without the "(optional)" marker. */
  function labelText(control) {
    const label = control.labels && control.labels[0];
    if (!label) return control.name || 'Text';
    const copy = label.cloneNode(true);
    copy.querySelectorAll('.optional').forEach((n) => n.remove());
    return copy.textContent.replace(/\s+/g, ' ').trim() || control.name || 'Text';
  }

  function formatTime(ms) {
    const date = new Date(ms);
    try {
      return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
    } catch (_) {
      return date.toLocaleString();
    }
  }

  /** Whether Ctrl+S / Cmd+S (also on layouts where the S key types another letter). */
  function isSaveShortcut(e) {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return false;
    const key = typeof e.key === 'string' ? e.key.toLowerCase() : '';
    if (key === 's') return true;
    return !/^[a-z]$/.test(key) && e.code === 'KeyS';
  }

  function fire(el, type) {
    el.dispatchEvent(new Event(type, { bubbles: true }));
  }

  const wideMedia = typeof window.matchMedia === 'function' ? window.matchMedia(WIDE_QUERY) : null;
  function isWide() {
    return Boolean(wideMedia && wideMedia.matches);
  }
  function onWidthChange(listener) {
    if (!wideMedia) return;
    if (typeof wideMedia.addEventListener === 'function') wideMedia.addEventListener('change', listener);
    else if (typeof wideMedia.addListener === 'function') wideMedia.addListener(listener);
  }

  // ---------------------------------------------------------------------------------------------
  // One Markdown textarea: tabs, preview, word count
  // ---------------------------------------------------------------------------------------------

  /** Wraps `textarea[data-markdown]` in the editor widget:
   *
   * div.editor
   *   div.editor-tabs[role=tablist]       (narrow screens only)
   *     button[role=tab] "Write" / "Preview"
   *   div.editor-panes
   *     div.editor-pane.editor-write      [role=tabpanel when tabbed]
   *       textarea (moved here), p.word-count
   *     div.editor-pane.editor-preview    [role=tabpanel when tabbed]
   *       section.preview.prose[aria-label=Preview][aria-live=polite]
   *         h2.preview-heading "Preview", p.preview-status, div.preview-content
   */
  function enhanceMarkdown(form, textarea) {
    if (!textarea.id) textarea.id = uniqueId('editor-text');
    const base = textarea.id;
    const previewUrl = form.getAttribute('data-preview-url');

    const wordCount = h('p', { class: 'word-count', id: base + '-word-count', 'aria-live': 'off' });
    const writePane = h('div', { class: 'editor-pane editor-write', id: base + '-write' });
    const editor = h('div', { class: 'editor', 'data-editor-for': base });
    // Moving the textarea into the editor drops its focus: someone already typing (the script
    // arrived late) would send the rest of their keys to the page. Put focus and caret back.
    const hadFocus = document.activeElement === textarea;
    const { selectionStart, selectionEnd, selectionDirection } = textarea;
    const keepTyping = () => {
      if (!hadFocus) return;
      textarea.focus({ preventScroll: true });
      textarea.setSelectionRange(selectionStart, selectionEnd, selectionDirection);
    };
    textarea.parentNode.insertBefore(editor, textarea);
    writePane.append(textarea, wordCount);
    if (textarea.hasAttribute('data-cites')) writePane.append(citePicker(textarea));

    function updateWordCount() {
      wordCount.textContent = formatWordCount(countWords(textarea.value));
    }
    textarea.addEventListener('input', updateWordCount);
    updateWordCount();

    if (!previewUrl) {
      editor.append(writePane);
      keepTyping();
      return { editor, textarea, showWrite() {}, refreshPreview() {} };
    }

    const name = labelText(textarea);
    const writeTab = h('button', {
      type: 'button', role: 'tab', class: 'editor-tab', id: base + '-tab-write',
      'aria-controls': base + '-write', 'aria-selected': 'true',
    }, ['Write']);
    const previewTab = h('button', {
      type: 'button', role: 'tab', class: 'editor-tab', id: base + '-tab-preview',
      'aria-controls': base + '-preview-panel', 'aria-selected': 'false', tabindex: '-1',
    }, ['Preview']);
    const tablist = h('div', { class: 'editor-tabs', role: 'tablist', 'aria-label': name + ': write or preview' },
      [writeTab, previewTab]);

    const status = h('p', { class: 'preview-status', hidden: true });
    const content = h('div', { class: 'preview-content' });
    const section = h('section', {
      class: 'preview prose', id: base + '-preview', 'aria-label': 'Preview', 'aria-live': 'polite', tabindex: '0',
    }, [h('h2', { class: 'preview-heading' }, ['Preview']), status, content]);
    const previewPane = h('div', { class: 'editor-pane editor-preview', id: base + '-preview-panel' }, [section]);
    editor.append(tablist, h('div', { class: 'editor-panes' }, [writePane, previewPane]));
    keepTyping();

    // --- tabs ---------------------------------------------------------------------------------
    const tabs = [
      { tab: writeTab, pane: writePane },
      { tab: previewTab, pane: previewPane },
    ];
    let selected = 0;

    /** Wide: both panes side by side, no tabs. Narrow: a tablist and only one pane visible. */
    function applyLayout() {
      const wide = isWide();
      editor.classList.toggle('editor--split', wide);
      editor.classList.toggle('editor--tabbed', !wide);
      tablist.hidden = wide;
      tabs.forEach(({ tab, pane }, i) => {
        if (wide) {
          pane.removeAttribute('role');
          pane.removeAttribute('aria-labelledby');
          pane.hidden = false;
        } else {
          pane.setAttribute('role', 'tabpanel');
          pane.setAttribute('aria-labelledby', tab.id);
          pane.hidden = i !== selected;
        }
      });
    }

    function select(index, focusTab) {
      selected = index;
      tabs.forEach(({ tab }, i) => {
        tab.setAttribute('aria-selected', String(i === index));
        tab.tabIndex = i === index ? 0 : -1;
      });
      applyLayout();
      if (focusTab) tabs[index].tab.focus();
    }

    tabs.forEach(({ tab }, i) => tab.addEventListener('click', () => select(i, false)));
    tablist.addEventListener('keydown', (e) => {
      const last = tabs.length - 1;
      let next = null;
      if (e.key === 'ArrowRight') next = selected === last ? 0 : selected + 1;
      else if (e.key === 'ArrowLeft') next = selected === 0 ? last : selected - 1;
      else if (e.key === 'Home') next = 0;
      else if (e.key === 'End') next = last;
      if (next === null) return;
      e.preventDefault();
      select(next, true);
    });
    editor.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape' || isWide() || selected !== 1 || e.defaultPrevented) return;
      e.preventDefault();
      select(0, false);
      textarea.focus();
    });
    onWidthChange(applyLayout);
    applyLayout();

    // --- preview ------------------------------------------------------------------------------
    let sequence = 0;
    let controller = null;
    let timer = 0;
    let shownText = null; // the text the preview currently shows (null: none yet)

    function showStatus(message) {
      status.textContent = message;
      status.hidden = !message;
    }

    function showHtml(html) {
      // Sanitized on the server by the same code that renders saved pages; the CSP blocks any
      // script regardless. Only touch the DOM when it changes, to keep the live region quiet.
      if (content.innerHTML !== html) content.innerHTML = html;
      content.classList.remove('is-stale');
      showStatus('');
    }

    function showUnavailable(httpStatus) {
      let reason = '';
      if (httpStatus === 401 || httpStatus === 403) reason = ' Your session may have expired; your text is still here.';
      else if (httpStatus === 413) reason = ' The text is too long to preview.';
      else if (httpStatus === 0) reason = ' Check your connection; your text is still here.';
      const stale = content.childNodes.length > 0;
      content.classList.toggle('is-stale', stale);
      showStatus('Preview unavailable.' + reason + (stale ? ' Showing the last preview.' : ''));
    }

    async function refreshPreview() {
      window.clearTimeout(timer);
      timer = 0;
      const text = textarea.value;
      if (text === shownText) return;
      const mine = ++sequence;
      if (controller) controller.abort();
      controller = null;
      if (text.trim() === '') {
        content.replaceChildren(h('p', { class: 'preview-empty' }, ['Nothing to preview yet.']));
        content.classList.remove('is-stale');
        showStatus('');
        section.removeAttribute('aria-busy');
        shownText = text;
        return;
      }
      const csrf = form.querySelector('input[name="csrf_token"]');
      controller = typeof AbortController === 'function' ? new AbortController() : null;
      section.setAttribute('aria-busy', 'true');
      try {
        const response = await fetch(previewUrl, {
          method: 'POST',
          credentials: 'same-origin',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
            'X-CSRF-Token': csrf ? csrf.value : '',
            Accept: 'text/html',
          },
          body: new URLSearchParams({ body: text }).toString(),
          signal: controller ? controller.signal : undefined,
        });
        const html = await response.text();
        if (mine !== sequence) return; // a newer request owns the pane
        const type = response.headers.get('Content-Type') || '';
        // A redirect (e.g. to the login page) is never a preview.
        if (response.ok && !response.redirected && type.includes('text/html')) {
          showHtml(html);
          shownText = text;
        } else {
          showUnavailable(response.ok ? 422 : response.status);
        }
      } catch (err) {
        if (mine !== sequence || (err && err.name === 'AbortError')) return;
        showUnavailable(0);
      } finally {
        if (mine === sequence) {
          section.removeAttribute('aria-busy');
          controller = null;
        }
      }
    }

    textarea.addEventListener('input', () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(refreshPreview, PREVIEW_DELAY_MS);
    });
    refreshPreview();

    return {
      editor,
      textarea,
      /** Makes the textarea visible (narrow screens), e.g. before the browser reports it invalid. */
      showWrite() {
        if (selected !== 0) select(0, false);
      },
      refreshPreview,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Citation picker: search sources, insert `[^src:ID]` at the caret
  // ---------------------------------------------------------------------------------------------

  const PICKER_DELAY_MS = 250;
  const PICKER_LIMIT = 8;

  /** Inserts `marker` into `textarea` at its caret (or over its selection) and reports the
   * change, so the preview, word count and draft follow. */
  function insertAtCaret(textarea, marker) {
    const start = textarea.selectionStart ?? textarea.value.length;
    const end = textarea.selectionEnd ?? start;
    textarea.setRangeText(marker, start, end, 'end');
    fire(textarea, 'input');
    textarea.focus();
  }

  /** The sources of a list answer, whatever the envelope. */
  function sourcesOf(body) {
    if (Array.isArray(body)) return body;
    return (body && (body.sources || body.items)) || [];
  }

  /** A "Cite a source" disclosure under a Markdown textarea: a labelled search box whose
   * results each insert their marker at the caret. Without JavaScript the marker is typed by
   * hand (the field's hint says how). */
  function citePicker(textarea) {
    const base = textarea.id + '-cite';
    const search = h('input', { type: 'search', id: base + '-q', autocomplete: 'off', placeholder: 'Title or address' });
    const status = h('p', { class: 'cite-status', 'aria-live': 'polite' });
    const results = h('ul', { class: 'cite-results' });
    const panel = h('details', { class: 'cite-picker' }, [
      h('summary', {}, ['Cite a source']),
      h('label', { for: search.id }, ['Search sources by title or address']),
      search, status, results,
    ]);
    let timer = 0;
    let controller = null;
    async function run() {
      const q = search.value.trim();
      results.replaceChildren();
      if (q.length < 2) {
        status.textContent = 'Type at least two characters.';
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      status.textContent = 'Searching…';
      try {
        const url = '/api/v1/sources?limit=' + PICKER_LIMIT + '&q=' + encodeURIComponent(q);
        const response = await fetch(url, { credentials: 'same-origin', signal: controller.signal, headers: { Accept: 'application/json' } });
        if (!response.ok) {
          status.textContent = 'Search failed (' + response.status + ').';
          return;
        }
        // The API pages by 50 and has no `limit`: the picker shows the first few.
        const found = sourcesOf(await response.json()).slice(0, PICKER_LIMIT);
        status.textContent = found.length ? found.length + (found.length === 1 ? ' source' : ' sources') : 'No source matches. Create it under Sources first.';
        for (const source of found) {
          const marker = '[^src:' + source.id + ']';
          const button = h('button', { type: 'button', class: 'cite-insert' }, ['Cite']);
          button.setAttribute('aria-label', 'Cite “' + source.title + '” (' + marker + ')');
          button.addEventListener('click', () => {
            insertAtCaret(textarea, marker);
            status.textContent = 'Inserted ' + marker + '.';
          });
          // The tier in words, as the footnotes' badges say it ("Primary source").
          const tier = source.tier ? source.tier.charAt(0).toUpperCase() + source.tier.slice(1) + ' source' : '';
          const detail = [source.publisher, tier].filter(Boolean).join(', ');
          results.append(h('li', {}, [button, ' ', h('strong', {}, [source.title]), detail ? ' — ' + detail : '', ' ', h('code', {}, [marker])]));
        }
      } catch (e) {
        if (e && e.name === 'AbortError') return;
        status.textContent = 'Search failed.';
      }
    }
    search.addEventListener('input', () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, PICKER_DELAY_MS);
    });
    // Enter searches at once rather than submitting the form around it.
    search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        window.clearTimeout(timer);
        run();
      }
    });
    return panel;
  }

  // ---------------------------------------------------------------------------------------------
  // One editor form: drafts, unsaved-change guard, submit
  // ---------------------------------------------------------------------------------------------

  /** Everything the page-wide handlers (beforeunload, Ctrl+S) need to know about each form. */
  const enhancedForms = [];

  function enhanceForm(form) {
    if (form.classList.contains('editor-form')) return; // already enhanced
    form.classList.add('editor-form');
    const draftKey = form.getAttribute('data-draft-key');
    const storageKey = draftKey ? DRAFT_PREFIX + draftKey : null;

    const editors = Array.from(form.querySelectorAll('textarea[data-markdown]')).map((t) => enhanceMarkdown(form, t));
    shortcutsLine(form, editors.length > 0);

    const record = {
      form,
      submitting: false,
      saveTimer: 0,
      /** The stored draft offered in the notice, until the author restores or discards it. */
      pendingDraft: null,
      current: () => snapshot(form.elements, false),
      isDirty: () => changedNames(snapshot(form.elements, false), snapshot(form.elements, true)).length > 0,
      flush: () => {},
    };
    enhancedForms.push(record);

    // --- autosave -----------------------------------------------------------------------------
    function saveNow() {
      window.clearTimeout(record.saveTimer);
      record.saveTimer = 0;
      if (!storageKey || record.submitting) return;
      if (record.isDirty()) {
        storage.set(storageKey, encodeDraft(record.current(), Date.now()));
      } else if (record.pendingDraft) {
        // Typed and undone while the notice is up: keep the draft the author has not decided on.
        storage.set(storageKey, encodeDraft(record.pendingDraft.fields, record.pendingDraft.savedAt));
      } else {
        storage.remove(storageKey);
      }
    }
    record.flush = () => {
      if (record.saveTimer) saveNow();
    };

    function scheduleSave() {
      if (!storageKey || record.submitting) return;
      window.clearTimeout(record.saveTimer);
      record.saveTimer = window.setTimeout(saveNow, SAVE_DELAY_MS);
    }
    form.addEventListener('input', scheduleSave);
    form.addEventListener('change', scheduleSave);

    form.addEventListener('submit', (e) => {
      if (e.defaultPrevented) return;
      record.submitting = true;
      window.clearTimeout(record.saveTimer);
      record.saveTimer = 0;
      if (storageKey) storage.remove(storageKey);
    });

    // A hidden (tabbed-away) textarea cannot show the browser's "please fill in" bubble.
    form.addEventListener('invalid', (e) => {
      const ed = editors.find((x) => x.textarea === e.target);
      if (ed) ed.showWrite();
    }, true);

    // --- draft notice -------------------------------------------------------------------------
    if (!storageKey) return;
    const draft = decodeDraft(storage.get(storageKey));
    if (!draft) {
      if (storage.get(storageKey) !== null) storage.remove(storageKey); // unreadable
      return;
    }
    const differing = changedNames(draft.fields, record.current());
    if (differing.length === 0) return; // the form already shows it
    record.pendingDraft = draft;

    // The live region exists (empty) before its text arrives, so screen readers announce it.
    // It goes right above the first field the draft would change: that is where the author was
    // typing, and where a reload (which keeps the scroll position) brings the eye back.
    const notice = h('div', { class: 'draft-notice', role: 'status', id: uniqueId('draft-notice') });
    const firstChanged = Array.from(form.elements).find((el) => el.name === differing[0]);
    const place = (firstChanged && firstChanged.closest('.field')) || form.firstChild;
    place.parentNode.insertBefore(notice, place);

    const restore = h('button', { type: 'button', class: 'draft-restore' }, ['Restore draft']);
    const discard = h('button', { type: 'button', class: 'draft-discard' }, ['Discard draft']);
    const when = h('time', { datetime: new Date(draft.savedAt).toISOString() }, [formatTime(draft.savedAt)]);

    function settle(message) {
      record.pendingDraft = null;
      notice.replaceChildren(h('p', { class: 'draft-notice-text' }, [message]));
      saveNow();
      const target = editors.length ? editors[0].textarea : Array.from(form.elements).find(isDraftable);
      if (target) target.focus();
      window.setTimeout(() => {
        if (notice.textContent === message) notice.replaceChildren();
      }, NOTICE_CLEAR_MS);
    }

    restore.addEventListener('click', () => {
      const changed = applySnapshot(form.elements, draft.fields);
      // Let word counts, previews and autosave react as if the author had typed it.
      for (const el of changed) {
        fire(el, 'input');
        fire(el, 'change');
      }
      editors.forEach((ed) => ed.refreshPreview());
      settle('Draft restored.');
    });
    discard.addEventListener('click', () => settle('Draft discarded.'));

    window.setTimeout(() => {
      notice.append(
        h('p', { class: 'draft-notice-text' }, ['You have an unsaved draft from ', when, '.']),
        h('div', { class: 'draft-notice-actions' }, [restore, discard]),
      );
      revealWhenLoaded(notice);
    }, 100);
  }

  /** Scrolls `el` into view once the page has loaded (after the browser restored the scroll
   * position of a reload), unless it is already in view. */
  function revealWhenLoaded(el) {
    const reveal = () => {
      const box = el.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) el.scrollIntoView({ block: 'center' });
    };
    if (document.readyState === 'complete') reveal();
    else window.addEventListener('load', () => window.setTimeout(reveal, 0), { once: true });
  }

  /** The line under an editor form that lists its keyboard shortcuts (they exist only with this
   * script, so the script writes the line). */
  function shortcutsLine(form, hasTabs) {
    const mac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent || '');
    const mod = mac ? '⌘' : 'Ctrl';
    const key = (k) => h('kbd', {}, [k]);
    const parts = [
      'Keyboard: ', key(mod), '+', key('S'), ' saves',
    ];
    if (hasTabs) {
      parts.push('; on narrow screens ', key('←'), ' ', key('→'), ' switch between Write and Preview, and ', key('Esc'),
        ' goes back to Write');
    }
    parts.push('.');
    const line = h('p', { class: 'hint editor-shortcuts', id: uniqueId('editor-shortcuts') }, parts);
    const submit = form.querySelector('button[type="submit"]');
    if (submit) submit.setAttribute('aria-keyshortcuts', mac ? 'Meta+S' : 'Control+S');
    const actions = form.querySelector('.actions');
    form.insertBefore(line, actions || null);
  }

  // ---------------------------------------------------------------------------------------------
  // Page-wide handlers
  // ---------------------------------------------------------------------------------------------

  function submitForm(form) {
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit();
      return;
    }
    const button = form.querySelector('button[type="submit"], input[type="submit"], button:not([type])');
    if (button) button.click();
  }

  function install() {
    storage.pruneOldDrafts(Date.now());
    document.querySelectorAll('form[data-editor]').forEach(enhanceForm);
    if (enhancedForms.length === 0) return;

    window.addEventListener('beforeunload', (e) => {
      let ask = false;
      for (const record of enhancedForms) {
        record.flush(); // keep the last keystrokes even if the author leaves
        if (!record.submitting && record.isDirty()) ask = true;
      }
      if (!ask) return undefined;
      e.preventDefault();
      e.returnValue = ''; // older browsers need this to show the prompt
      return '';
    });

    // Save what was typed in the last half second when the tab is hidden or closed.
    const flushAll = () => enhancedForms.forEach((record) => record.flush());
    window.addEventListener('pagehide', flushAll);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') flushAll();
    });
    // Back from the page the form posted to (back/forward cache): guard and autosave again.
    window.addEventListener('pageshow', (e) => {
      if (e.persisted) enhancedForms.forEach((record) => { record.submitting = false; });
    });

    document.addEventListener('keydown', (e) => {
      if (!isSaveShortcut(e)) return;
      const target = e.target instanceof Element ? e.target : null;
      const inForm = target ? target.closest('form.editor-form') : null;
      let record = inForm ? enhancedForms.find((r) => r.form === inForm) : null;
      // Nothing focused (e.g. after clicking the preview text): one editor on the page is the target.
      const nothingFocused = !target || target === document.body || target === document.documentElement;
      if (!record && nothingFocused && enhancedForms.length === 1) record = enhancedForms[0];
      if (!record) return;
      e.preventDefault();
      if (e.repeat || record.submitting) return;
      submitForm(record.form);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', install);
  else install();
})();
