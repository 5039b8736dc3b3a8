// The text fields the app accepts, derived from the app itself: the text inputs and textareas
// of its HTML forms (scraped from rendered pages) and the string properties of the JSON request
// bodies in its OpenAPI document. The XSS test sends payloads through every one of them and
// fails when one is missing from its run.
//
// A field is named `METHOD /path/with/{params} name`: form actions are normalized the way the
// route table writes them (`/threads/{slug}/...`, numbers as `{id}`), OpenAPI paths are taken as
// written except `{kind}`, which is expanded to each section (each has its own fields).

/** Input types that carry free text (password fields are never shown back; hidden ones are not typed). */
export const TEXT_INPUT_TYPES = ['text', 'search', 'url', 'email', 'textarea'];

/** API properties that are not text a person writes, with why. */
export const NOT_TEXT = {
  password: 'a password is hashed and never shown back; payloads there only feed the login throttle',
};

/** `/threads/xss-a/arc/12/edit` -> `/threads/{slug}/arc/{id}/edit`. */
export function normalizePath(pathname) {
  return pathname
    .replace(/^\/threads\/(?!new$)[^/]+/, '/threads/{slug}')
    .replace(/^\/users\/[^/]+$/, '/users/{username}')
    .replace(/\/revisions\/\d+/, '/revisions/{seq}')
    .replace(/\/\d+(?=\/|$)/g, '/{id}');
}

/**
 * Run in a page (`page.evaluate(formFieldsInPage)`): every form's text controls as
 * `{ method, action, name }`, the action as a path.
 */
export function formFieldsInPage(types) {
  const fields = [];
  for (const form of document.querySelectorAll('form')) {
    const action = new URL(form.getAttribute('action') ?? location.href, location.href).pathname;
    const method = (form.getAttribute('method') ?? 'get').toUpperCase();
    for (const control of form.querySelectorAll('input[name], textarea[name]')) {
      const type = control.localName === 'textarea' ? 'textarea' : (control.getAttribute('type') ?? 'text').toLowerCase();
      if (!types.includes(type)) continue;
      const max = control.getAttribute('maxlength');
      fields.push({ method, action, name: control.name, max: max === null ? null : Number(max) });
    }
  }
  return fields;
}

/** The name of a scraped form field. */
export const formFieldName = (f) => `${f.method} ${normalizePath(f.action)} ${f.name}`;

function resolve(doc, schema) {
  let s = schema;
  while (s && s.$ref) s = doc.components.schemas[s.$ref.split('/').pop()];
  return s ?? {};
}

/** Whether a property schema is free text: a string (or nullable string) that is no enum and no date. */
function isText(doc, schema) {
  const s = resolve(doc, schema);
  if (s.oneOf || s.anyOf) return (s.oneOf ?? s.anyOf).some((alt) => isText(doc, alt));
  const types = Array.isArray(s.type) ? s.type : [s.type];
  return types.includes('string') && !s.enum && !['date', 'date-time'].includes(s.format);
}

/** The property's own description (it may sit on the property, the `oneOf` member or the `$ref`). */
function description(doc, schema) {
  const s = schema ?? {};
  if (s.description) return s.description;
  for (const alt of s.oneOf ?? s.anyOf ?? []) if (alt.description) return alt.description;
  return resolve(doc, s).description ?? '';
}

/**
 * The text properties of every JSON request body: `{ name, method, path, prop, maxChars, maxBytes }`.
 * Limits come from the descriptions ("up to 300 characters", "at most 20 KB"). A body whose
 * description says which fields count per `{kind}` ("arc `label`, `title`, `body`; ...") is
 * expanded per kind with those fields (and `reason`, which every kind keeps).
 */
export function apiTextFields(doc) {
  const fields = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const body = op?.requestBody?.content?.['application/json']?.schema;
      if (!body) continue;
      const schema = resolve(doc, body);
      const props = Object.entries(schema.properties ?? {}).filter(([prop, s]) => isText(doc, s) && !(prop in NOT_TEXT));
      const kindParam = (op.parameters ?? []).find((p) => p.name === 'kind' && p.in === 'path');
      const variants = kindParam
        ? resolve(doc, kindParam.schema).enum.map((kind) => {
            const m = new RegExp(`\\b${kind}\\b((?:,?\\s*\`\\w+\`)+)`).exec(schema.description ?? '');
            const own = m ? [...m[1].matchAll(/`(\w+)`/g)].map((x) => x[1]) : props.map(([p]) => p);
            return { path: path.replace('{kind}', kind), keep: new Set([...own, 'reason']) };
          })
        : [{ path, keep: null }];
      for (const v of variants) {
        for (const [prop, s] of props) {
          if (v.keep && !v.keep.has(prop)) continue;
          const text = description(doc, s);
          const chars = /up to (\d+) characters/i.exec(text);
          const kb = /at most (\d+) KB/i.exec(text);
          fields.push({
            name: `${method.toUpperCase()} ${v.path} ${prop}`,
            method: method.toUpperCase(),
            path: v.path,
            prop,
            maxChars: chars ? Number(chars[1]) : null,
            maxBytes: kb ? Number(kb[1]) * 1000 : null,
          });
        }
      }
    }
  }
  return fields;
}

/**
 * The API field a form field writes through the same operation, if any: the form's action under
 * `/api/v1` (POST, or PUT for an edit of `{id}`), with `/admin/users` as `/users` and the
 * HTML-only suffixes (`/edit`) dropped. `apiNames` is the set of API field names.
 */
export function apiTwin(formName, apiNames) {
  const [method, path, name] = formName.split(' ');
  if (method !== 'POST') return null;
  const apiPath = `/api/v1${path.replace(/^\/admin\/users\//, '/users/')}`;
  for (const m of ['POST', 'PUT']) {
    const candidate = `${m} ${apiPath} ${name}`;
    if (apiNames.has(candidate)) return candidate;
    // API paths name their ids (`{interpretation_id}`); a form's path is normalized to `{id}`.
    const named = [...apiNames].find((n) => n.replace(/\{\w+_id\}/g, '{id}') === candidate);
    if (named) return named;
  }
  return null;
}
