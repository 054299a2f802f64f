//! Publishing checks of each node's config: WhatsApp's limits, ranges, templates that parse.
//!
//! | code | meaning |
//! |---|---|
//! | `empty_text`, `text_too_long` | a text, prompt or body is blank or over WhatsApp's limit |
//! | `invalid_template` | a text does not parse as a template |
//! | `invalid_media_url`, `invalid_webhook_url` | not an `http(s)://` URL |
//! | `invalid_whatsapp_template` | a template message without a name or language |
//! | `no_buttons`, `too_many_buttons` | 1–3 reply buttons |
//! | `no_rows`, `too_many_rows` | 1–10 list rows |
//! | `title_too_long`, `empty_title` | button ≤ 20, row ≤ 24, list button ≤ 20 characters |
//! | `description_too_long` | a row description over 72 characters |
//! | `invalid_choice_id`, `duplicate_choice_id` | button/row/option ids: non-empty, unique, ≤ 64, options not a reserved handle |
//! | `invalid_variable_name` | variables are `[A-Za-z_][A-Za-z0-9_]*`, ≤ 64 |
//! | `options_required`, `too_many_options`, `display_does_not_fit` | options of a question |
//! | `too_many_retries`, `timeout_out_of_range` | 0–10 re-asks; 1 minute–30 days |
//! | `no_branches`, `invalid_branch_id`, `duplicate_branch_id`, `branch_without_rules` | condition branches |
//! | `rule_value_missing`, `invalid_subject` | a rule without its value, a subject without its name |
//! | `delay_out_of_range` | 1 second–30 days |
//! | `webhook_timeout_out_of_range`, `too_many_headers`, `invalid_header_name`, `too_many_mappings` | webhooks |
//! | `empty_tag_action` | a tag node that adds and removes nothing |

use super::condition::{ConditionConfig, Subject};
use super::definition::{DEFAULT, ELSE, INVALID, Node, NodeKind, TIMEOUT};
use super::nodes::{
    AnswerKind, DELAY_RANGE, MAX_BUTTON_TITLE, MAX_BUTTONS, MAX_INTERACTIVE_BODY, MAX_LIST_BUTTON, MAX_LIST_ROWS,
    MAX_OPTION_TITLE, MAX_OPTIONS, MAX_RETRIES, MAX_ROW_DESCRIPTION, MAX_ROW_TITLE, MAX_TEXT, MAX_TIMEOUT_MINUTES,
    MessageConfig, OptionsDisplay, QuestionConfig,
};
use super::question::{fits_buttons, fits_list};
use super::template::check as check_template;
use super::validate::{FlowIssue, MAX_ID_LEN};
use super::webhook::{MAX_HEADERS, MAX_MAPPINGS, TIMEOUT_RANGE, WebhookConfig, is_http_url};
use std::collections::HashSet;

/// Collects a node's issues.
struct Checker<'i> {
    node: String,
    issues: &'i mut Vec<FlowIssue>,
}

impl Checker<'_> {
    fn push(&mut self, code: &'static str, message: impl Into<String>) {
        self.issues.push(FlowIssue::at(&self.node, code, message));
    }

    /// A required text (template): non-blank, at most `max` characters, parses.
    fn text(&mut self, what: &str, source: &str, max: usize) {
        if source.trim().is_empty() {
            self.push("empty_text", format!("{what} is empty"));
        } else {
            self.template(what, source, max);
        }
    }

    /// An optional text (template): at most `max` characters, parses.
    fn template(&mut self, what: &str, source: &str, max: usize) {
        if source.chars().count() > max {
            self.push("text_too_long", format!("{what} has more than {max} characters"));
        }
        if let Err(e) = check_template(source) {
            self.push("invalid_template", format!("{what}: {}", e.message));
        }
    }

    fn title(&mut self, what: &str, title: &str, max: usize) {
        if title.trim().is_empty() {
            self.push("empty_title", format!("{what} has no title"));
        } else if title.chars().count() > max {
            self.push(
                "title_too_long",
                format!("{what} {title:?} has more than {max} characters"),
            );
        }
    }

    /// Ids of buttons, rows, options, branches: non-empty, unique, not `reserved`.
    fn ids<'x>(&mut self, what: &str, ids: impl Iterator<Item = &'x str>, reserved: &[&str]) {
        let mut seen = HashSet::new();
        for id in ids {
            if id.trim().is_empty() || id.chars().count() > MAX_ID_LEN || reserved.contains(&id) {
                self.push(
                    "invalid_choice_id",
                    format!("{what} id {id:?} is empty, too long or reserved"),
                );
            } else if !seen.insert(id) {
                self.push("duplicate_choice_id", format!("two {what}s have the id {id:?}"));
            }
        }
    }

    fn variable(&mut self, name: &str) {
        if !is_variable_name(name) {
            self.push(
                "invalid_variable_name",
                format!("{name:?} is not a variable name (letters, digits and _, not starting with a digit)"),
            );
        }
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`, at most 64 characters: usable as `vars.<name>` in templates.
#[must_use]
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 64
}

/// Appends the issues of one node's config.
pub(crate) fn check_node(node: &Node, issues: &mut Vec<FlowIssue>) {
    let mut c = Checker {
        node: node.id.clone(),
        issues,
    };
    match &node.kind {
        NodeKind::Start(_) | NodeKind::End(_) | NodeKind::Transfer(_) => {}
        NodeKind::Message(m) => check_message(&mut c, m),
        NodeKind::Question(q) => check_question(&mut c, q),
        NodeKind::Condition(cond) => check_condition(&mut c, cond),
        NodeKind::Delay(d) => {
            if !DELAY_RANGE.contains(&d.seconds) {
                c.push("delay_out_of_range", "a delay is 1 second to 30 days");
            }
        }
        NodeKind::Webhook(w) => check_webhook(&mut c, w),
        NodeKind::Tag(t) => {
            if t.add.is_empty() && t.remove.is_empty() {
                c.push("empty_tag_action", "the tag node adds and removes nothing");
            }
        }
    }
}

fn check_message(c: &mut Checker<'_>, m: &MessageConfig) {
    match m {
        MessageConfig::Text { text } => c.text("the text", text, MAX_TEXT),
        MessageConfig::Media {
            url,
            caption,
            file_name,
            ..
        } => {
            if !is_http_url(url) {
                c.push("invalid_media_url", "the media URL must start with http:// or https://");
            }
            c.template("the URL", url, 2048);
            if let Some(caption) = caption {
                c.template("the caption", caption, MAX_INTERACTIVE_BODY);
            }
            if let Some(name) = file_name {
                c.template("the file name", name, 240);
            }
        }
        MessageConfig::Template {
            name,
            language,
            parameters,
        } => {
            if name.trim().is_empty() || language.trim().is_empty() {
                c.push(
                    "invalid_whatsapp_template",
                    "a template message needs the template's name and language",
                );
            }
            for p in parameters {
                c.template("a template parameter", p, MAX_INTERACTIVE_BODY);
            }
        }
        MessageConfig::Buttons { text, buttons } => {
            c.text("the text", text, MAX_INTERACTIVE_BODY);
            if buttons.is_empty() {
                c.push("no_buttons", "add at least one button");
            } else if buttons.len() > MAX_BUTTONS {
                c.push(
                    "too_many_buttons",
                    format!("WhatsApp allows at most {MAX_BUTTONS} buttons"),
                );
            }
            for b in buttons {
                c.title("a button", &b.title, MAX_BUTTON_TITLE);
            }
            c.ids("button", buttons.iter().map(|b| b.id.as_str()), &[]);
        }
        MessageConfig::List { text, button, rows } => {
            c.text("the text", text, MAX_INTERACTIVE_BODY);
            c.title("the list button", button, MAX_LIST_BUTTON);
            check_rows(c, rows.iter().map(|r| (r.title.as_str(), r.description.as_deref())));
            c.ids("row", rows.iter().map(|r| r.id.as_str()), &[]);
        }
    }
}

fn check_rows<'x>(c: &mut Checker<'_>, rows: impl ExactSizeIterator<Item = (&'x str, Option<&'x str>)>) {
    if rows.len() == 0 {
        c.push("no_rows", "add at least one row");
    } else if rows.len() > MAX_LIST_ROWS {
        c.push("too_many_rows", format!("WhatsApp allows at most {MAX_LIST_ROWS} rows"));
    }
    for (title, description) in rows {
        c.title("a row", title, MAX_ROW_TITLE);
        if description.is_some_and(|d| d.chars().count() > MAX_ROW_DESCRIPTION) {
            c.push(
                "description_too_long",
                format!("row descriptions have at most {MAX_ROW_DESCRIPTION} characters"),
            );
        }
    }
}

fn check_question(c: &mut Checker<'_>, q: &QuestionConfig) {
    // Options go out as an interactive message, whose body is shorter.
    let max = if q.answer == AnswerKind::Options {
        MAX_INTERACTIVE_BODY
    } else {
        MAX_TEXT
    };
    c.text("the question", &q.prompt, max);
    if let Some(retry) = &q.retry_text {
        c.text("the re-ask text", retry, max);
    }
    c.variable(&q.variable);
    if q.max_retries > MAX_RETRIES {
        c.push("too_many_retries", format!("at most {MAX_RETRIES} re-asks"));
    }
    if q.timeout_minutes.is_some_and(|m| m == 0 || m > MAX_TIMEOUT_MINUTES) {
        c.push("timeout_out_of_range", "a question's timeout is 1 minute to 30 days");
    }
    if q.answer != AnswerKind::Options {
        return;
    }
    if q.options.is_empty() {
        c.push("options_required", "add the options the customer can pick");
        return;
    }
    if q.options.len() > MAX_OPTIONS {
        c.push("too_many_options", format!("at most {MAX_OPTIONS} options"));
    }
    for o in &q.options {
        c.title("an option", &o.title, MAX_OPTION_TITLE);
    }
    c.ids(
        "option",
        q.options.iter().map(|o| o.id.as_str()),
        &[DEFAULT, INVALID, TIMEOUT],
    );
    let fits = match q.display {
        OptionsDisplay::Buttons => fits_buttons(q),
        OptionsDisplay::List => fits_list(q),
        OptionsDisplay::Auto | OptionsDisplay::Text => true,
    };
    if !fits {
        c.push(
            "display_does_not_fit",
            "buttons take at most 3 options of 20 characters; a list at most 10 of 24",
        );
    }
    if let Some(button) = &q.list_button {
        c.title("the list button", button, MAX_LIST_BUTTON);
    }
}

fn check_condition(c: &mut Checker<'_>, cond: &ConditionConfig) {
    if cond.branches.is_empty() {
        c.push("no_branches", "add at least one branch");
    }
    let mut seen = HashSet::new();
    for b in &cond.branches {
        if b.id.trim().is_empty() || b.id == ELSE || b.id.chars().count() > MAX_ID_LEN {
            c.push(
                "invalid_branch_id",
                format!("branch id {:?} is empty, too long or reserved", b.id),
            );
        } else if !seen.insert(b.id.as_str()) {
            c.push("duplicate_branch_id", format!("two branches have the id {:?}", b.id));
        }
        if b.rules.is_empty() {
            c.push("branch_without_rules", format!("branch {:?} has no rules", b.id));
        }
        for r in &b.rules {
            if r.op.needs_value() && r.value.as_ref().is_none_or(serde_json::Value::is_null) {
                c.push(
                    "rule_value_missing",
                    format!("a rule of branch {:?} needs a value", b.id),
                );
            }
            match &r.subject {
                Subject::Var { name } => c.variable(name),
                Subject::ContactField { field } if field.trim().is_empty() => {
                    c.push("invalid_subject", "name the contact field");
                }
                _ => {}
            }
        }
    }
}

fn check_webhook(c: &mut Checker<'_>, w: &WebhookConfig) {
    if !is_http_url(&w.url) {
        c.push(
            "invalid_webhook_url",
            "the URL must start with http:// or https:// and a host",
        );
    }
    c.template("the URL", &w.url, 2048);
    if !TIMEOUT_RANGE.contains(&w.timeout_secs) {
        c.push("webhook_timeout_out_of_range", "a webhook timeout is 1 to 30 seconds");
    }
    if w.headers.len() > MAX_HEADERS {
        c.push("too_many_headers", format!("at most {MAX_HEADERS} headers"));
    }
    for h in &w.headers {
        let name = h.name.trim();
        let token = |ch: char| ch.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(ch);
        if name.is_empty() || !name.chars().all(token) {
            c.push("invalid_header_name", format!("{:?} is not a header name", h.name));
        }
        c.template("a header value", &h.value, 4096);
    }
    if let Some(body) = &w.body {
        c.template("the body", body, 64 * 1024);
    }
    if w.response_mapping.len() > MAX_MAPPINGS {
        c.push("too_many_mappings", format!("at most {MAX_MAPPINGS} response mappings"));
    }
    for m in &w.response_mapping {
        c.variable(&m.variable);
    }
}
