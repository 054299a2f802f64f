//! Texts of a flow are templates (`Olá, {{contact.name}}!`) rendered by a sandboxed minijinja.
//!
//! The sandbox: no loader (so no `include`, `import` or `extends`, and no file is ever read),
//! no macros, no auto-escaping (the output is a chat message, not HTML), a fuel budget bounding
//! the work and memory of one render, a low recursion limit and an output cap. An undefined
//! name renders empty, also through chains (`{{vars.missing.deeper}}`). Any failure is a
//! [`TemplateError`] value.
//!
//! The names a template sees: `contact` (`name`, `phone`, `email` and custom fields), `vars`
//! (the session's variables), `conversation.id`, `channel.kind`. Filters are minijinja's
//! built-ins, `tojson` included (`{"name": {{ contact.name|tojson }}}` for webhook bodies).

use super::context::FlowContext;
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Instructions and memory one render may spend (minijinja's fuel; about 64 bytes a unit).
const FUEL: u64 = 50_000;
/// Nesting depth of one render.
const RECURSION: usize = 32;
/// Longest output of one render, in bytes.
pub const MAX_OUTPUT: usize = 64 * 1024;

/// A template that did not parse or render.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("template error: {message}")]
pub struct TemplateError {
    pub message: String,
}

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(RECURSION);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    if let Ok(syntax) = SyntaxConfig::builder().keep_trailing_newline(true).build() {
        env.set_syntax(syntax);
    }
    env
});

fn is_plain(source: &str) -> bool {
    !source.contains('{')
}

fn error(e: &minijinja::Error) -> TemplateError {
    TemplateError { message: e.to_string() }
}

/// Checks that `source` parses (for publishing); rendering may still fail at run time.
///
/// # Errors
/// The parse error.
pub fn check(source: &str) -> Result<(), TemplateError> {
    if is_plain(source) {
        return Ok(());
    }
    ENV.template_from_str(source).map(|_| ()).map_err(|e| error(&e))
}

/// Renders `source` over `vars` (see [`template_vars`]).
///
/// # Errors
/// A parse or render error, an exhausted fuel budget, or an output over [`MAX_OUTPUT`].
pub fn render(source: &str, vars: &Value) -> Result<String, TemplateError> {
    if is_plain(source) {
        return Ok(source.to_owned());
    }
    let out = ENV.render_str(source, Serde(vars)).map_err(|e| error(&e))?;
    if out.len() > MAX_OUTPUT {
        return Err(TemplateError {
            message: format!("output longer than {MAX_OUTPUT} bytes"),
        });
    }
    Ok(out)
}

/// The names templates see, built from the context and the session's variables.
#[must_use]
pub fn template_vars(ctx: &FlowContext, vars: &BTreeMap<String, Value>) -> Value {
    json!({
        "contact": ctx.contact.to_json(),
        "vars": vars,
        "conversation": match ctx.conversation_id {
            Some(id) => json!({"id": id.to_string()}),
            None => json!({}),
        },
        "channel": {"kind": ctx.channel_kind},
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn vars() -> Value {
        let mut ctx = FlowContext::new(Utc::now());
        ctx.contact.name = Some("Ana".into());
        ctx.contact.phone = Some("+5511987654321".into());
        ctx.contact.fields.insert("cpf".into(), json!("52998224725"));
        ctx.contact.fields.insert("name".into(), json!("shadowed"));
        let mut v = BTreeMap::new();
        v.insert("pedido".into(), json!(123));
        template_vars(&ctx, &v)
    }

    #[test]
    fn renders_contact_vars_and_conversation() {
        let out = render(
            "Olá, {{contact.name}} ({{contact.phone}}, {{contact.cpf}})! Pedido {{vars.pedido}}.",
            &vars(),
        )
        .unwrap();
        assert_eq!(out, "Olá, Ana (+5511987654321, 52998224725)! Pedido 123.");
        assert_eq!(render("[{{conversation.id}}]", &vars()).unwrap(), "[]");
    }

    #[test]
    fn undefined_names_render_empty_even_when_chained() {
        assert_eq!(
            render("a{{vars.nope}}b{{vars.nope.deeper}}c{{nothing}}", &vars()).unwrap(),
            "abc"
        );
    }

    #[test]
    fn plain_text_is_returned_as_is() {
        assert_eq!(render("sem chaves\n", &vars()).unwrap(), "sem chaves\n");
        assert_eq!(render("com {{ '{' }}\n", &vars()).unwrap(), "com {\n");
    }

    #[test]
    fn errors_are_values() {
        assert!(check("{{ unclosed").is_err());
        assert!(render("{{ unclosed", &vars()).is_err());
        assert!(render("{{ 1 + 'a' }}", &vars()).is_err());
        assert!(check("{% include 'x' %}").is_err(), "no loader, no include");
    }

    #[test]
    fn runaway_templates_are_stopped() {
        let loops = "{% for a in range(1000) %}{% for b in range(1000) %}x{% endfor %}{% endfor %}";
        assert!(render(loops, &vars()).is_err());
        let big = "{{ 'x' * 100000 }}";
        assert!(render(big, &vars()).is_err());
    }

    #[test]
    fn tojson_quotes_values_for_json_bodies() {
        let out = render(
            r#"{"n": {{ contact.name|tojson }}, "p": {{ vars.pedido|tojson }}}"#,
            &vars(),
        )
        .unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&out).unwrap(),
            json!({"n": "Ana", "p": 123})
        );
    }
}
