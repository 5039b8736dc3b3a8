//! One generic, accessible form page: every control has a label, errors are announced, and
//! the CSRF token is always included. Used for every create/edit form in the app.

use askama::Template;

use super::Chrome;

/// A form control.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    pub value: String,
    pub hint: &'static str,
    pub required: bool,
    /// A Markdown textarea: the editor script previews it with the server's renderer.
    pub markdown: bool,
}

/// The kinds of control the app uses.
#[derive(Debug, Clone)]
pub enum FieldKind {
    Text,
    Password,
    Date,
    /// A date and time (`datetime-local`).
    DateTime,
    Url,
    Email,
    /// A textarea with this many rows.
    TextArea(u32),
    /// A checkbox; checked when the value is "true".
    Checkbox,
    /// (value, label) options.
    Select(Vec<(&'static str, &'static str)>),
}

impl Field {
    /// When a lock or suspension ends: the one date-time input both forms use, with the same
    /// label and hint, read by `domain::restriction::parse_until`.
    pub fn until(value: impl Into<String>) -> Self {
        Field::text("until", "Until (UTC)", value)
            .kind(FieldKind::DateTime)
            .required(false)
            .hint("A date and time in UTC. Leave it empty for no end: then it lasts until a moderator lifts it.")
    }

    /// A required single-line text field.
    pub fn text(name: &'static str, label: &'static str, value: impl Into<String>) -> Self {
        Field { name, label, kind: FieldKind::Text, value: value.into(), hint: "", required: true, markdown: false }
    }

    /// A textarea.
    pub fn area(name: &'static str, label: &'static str, value: impl Into<String>, rows: u32) -> Self {
        Field {
            name,
            label,
            kind: FieldKind::TextArea(rows),
            value: value.into(),
            hint: "",
            required: false,
            markdown: false,
        }
    }

    /// A select with a current value.
    pub fn select(
        name: &'static str,
        label: &'static str,
        value: &str,
        options: Vec<(&'static str, &'static str)>,
    ) -> Self {
        Field {
            name,
            label,
            kind: FieldKind::Select(options),
            value: value.to_owned(),
            hint: "",
            required: true,
            markdown: false,
        }
    }

    /// A checkbox sending `true` when ticked.
    pub fn checkbox(name: &'static str, label: &'static str, checked: bool) -> Self {
        let value = if checked { "true" } else { "" };
        Field {
            name,
            label,
            kind: FieldKind::Checkbox,
            value: value.into(),
            hint: "",
            required: false,
            markdown: false,
        }
    }

    /// A Markdown textarea (previewed by the editor script).
    pub fn markdown(name: &'static str, label: &'static str, value: impl Into<String>, rows: u32) -> Self {
        Field {
            markdown: true,
            ..Field::area(name, label, value, rows)
                .hint("Markdown: **bold**, *italic*, [links](https://…), ## headings. Cite a source with [^src:ID] (its number under Sources) or an event with [^event:ID].")
        }
    }

    /// Whether it renders as a checkbox, and whether ticked.
    pub fn checkbox_checked(&self) -> Option<bool> {
        match self.kind {
            FieldKind::Checkbox => Some(self.value == "true"),
            _ => None,
        }
    }

    /// Same field, with another kind.
    pub fn kind(mut self, kind: FieldKind) -> Self {
        self.kind = kind;
        self
    }

    /// Same field, with a hint shown under the label.
    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }

    /// Same field, optional or required.
    pub fn required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }

    /// The `id` of the control (and `for` of its label).
    pub fn id(&self) -> String {
        format!("field-{}", self.name)
    }

    /// The `input type` of single-line fields.
    pub fn input_type(&self) -> &'static str {
        match self.kind {
            FieldKind::Password => "password",
            FieldKind::Date => "date",
            FieldKind::DateTime => "datetime-local",
            FieldKind::Url => "url",
            FieldKind::Email => "email",
            _ => "text",
        }
    }

    /// Whether it renders as a textarea, and with how many rows.
    pub fn textarea_rows(&self) -> Option<u32> {
        match self.kind {
            FieldKind::TextArea(rows) => Some(rows),
            _ => None,
        }
    }

    /// The options, when it renders as a select.
    pub fn options(&self) -> Option<&[(&'static str, &'static str)]> {
        match &self.kind {
            FieldKind::Select(options) => Some(options),
            _ => None,
        }
    }

    /// The `autocomplete` hint for browsers and password managers.
    pub fn autocomplete(&self) -> &'static str {
        match (self.name, &self.kind) {
            ("username", _) => "username",
            ("password", FieldKind::Password) if self.hint.is_empty() => "current-password",
            (_, FieldKind::Password) => "new-password",
            (_, FieldKind::Email) => "email",
            _ => "off",
        }
    }
}

/// A page holding one form.
#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub chrome: Chrome,
    pub title: String,
    pub intro: String,
    pub action: String,
    pub submit_label: &'static str,
    pub fields: Vec<Field>,
    pub hidden: Vec<(&'static str, String)>,
    pub error: Option<String>,
    /// A link after the error (href, text), e.g. to the source a duplicate address belongs to.
    pub error_link: Option<(String, String)>,
    pub cancel_href: Option<String>,
    /// Links under the form, e.g. "No account? Sign up" (href, text).
    pub footer_links: Vec<(String, String)>,
    /// Set on editor forms: the browser keeps drafts under this key and previews Markdown.
    /// Never set on forms with passwords.
    pub draft_key: Option<String>,
    /// What the form changes (a thread, an event), named above the heading and in the title.
    pub subject: Option<Subject>,
}

/// The thread or event a form edits, linked so the author can check where they are.
#[derive(Debug, Clone)]
pub struct Subject {
    /// "Thread" or "Event".
    pub kind: &'static str,
    pub title: String,
    pub href: String,
}

impl FormPage {
    /// A form posting to `action`.
    pub fn new(
        chrome: Chrome,
        title: impl Into<String>,
        action: impl Into<String>,
        submit_label: &'static str,
        fields: Vec<Field>,
    ) -> Self {
        FormPage {
            chrome,
            title: title.into(),
            intro: String::new(),
            action: action.into(),
            submit_label,
            fields,
            hidden: Vec::new(),
            error: None,
            error_link: None,
            cancel_href: None,
            footer_links: Vec::new(),
            draft_key: None,
            subject: None,
        }
    }

    /// Names the thread this form edits.
    pub fn about_thread(self, slug: &str, title: &str) -> Self {
        self.about("Thread", title, format!("/threads/{slug}"))
    }

    /// Names what this form edits: `kind` ("Thread", "Event") and its title, linked to `href`.
    pub fn about(mut self, kind: &'static str, title: impl Into<String>, href: impl Into<String>) -> Self {
        self.subject = Some(Subject { kind, title: title.into(), href: href.into() });
        self
    }

    /// Makes this an editor form: drafts kept in the browser under `key`, live previews.
    pub fn editor(mut self, key: impl Into<String>) -> Self {
        self.draft_key = Some(key.into());
        self
    }

    /// Shows an error above the fields (the values stay, so nothing typed is lost).
    pub fn with_error(mut self, error: Option<String>) -> Self {
        self.error = error;
        self
    }

    /// Adds a link after the error (the error must be set too to show it).
    pub fn error_link(mut self, href: impl Into<String>, text: impl Into<String>) -> Self {
        self.error_link = Some((href.into(), text.into()));
        self
    }

    /// Adds a "Cancel" link.
    pub fn cancel(mut self, href: impl Into<String>) -> Self {
        self.cancel_href = Some(href.into());
        self
    }

    /// Adds a hidden field.
    pub fn hidden(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.hidden.push((name, value.into()));
        self
    }

    /// Adds an introduction paragraph.
    pub fn intro(mut self, intro: impl Into<String>) -> Self {
        self.intro = intro.into();
        self
    }

    /// Adds a link under the form.
    pub fn footer_link(mut self, href: impl Into<String>, text: impl Into<String>) -> Self {
        self.footer_links.push((href.into(), text.into()));
        self
    }
}
