//! WhatsApp message templates: synced from Graph per channel, kept current by review webhooks,
//! rendered for the message history.

use crate::Core;
use crate::authz::require;
use crate::error::{CoreError, CoreResult};
use crate::views::Paged;

pub use super::template_sync::{SYNC_KIND, SyncReport, SyncTemplates, enqueue_sync, sync};
use atende_channels::TemplateStatusUpdate;
use atende_db::entities::whatsapp_templates::Model;
use atende_db::page::PageRequest;
use atende_db::repo::templates;
use atende_db::{DbError, TenantTx};
use atende_domain::{Action, TenantCtx};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// A template as the composer's picker shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TemplateView {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub name: String,
    /// `pt_BR`, `en_US` …
    pub language: String,
    /// `UTILITY`, `MARKETING`, `AUTHENTICATION`.
    pub category: Option<String>,
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED` …: only `APPROVED` can be sent.
    pub status: String,
    /// `POSITIONAL` (`{{1}}`) or `NAMED` (`{{nome}}`).
    pub parameter_format: Option<String>,
    /// Graph's component list (header, body, footer, buttons) for previews and parameter forms.
    #[schema(value_type = Object)]
    pub components: Value,
    pub updated_at: DateTime<Utc>,
}

impl From<&Model> for TemplateView {
    fn from(t: &Model) -> Self {
        Self {
            id: t.id,
            channel_id: t.channel_id,
            name: t.name.clone(),
            language: t.language.clone(),
            category: t.category.clone(),
            status: t.status.clone(),
            parameter_format: t
                .components
                .get("parameter_format")
                .and_then(Value::as_str)
                .map(str::to_owned),
            components: t.components.get("components").cloned().unwrap_or(Value::Null),
            updated_at: t.updated_at,
        }
    }
}

/// Review states Meta reports for templates.
pub const KNOWN_STATUSES: &[&str] = &[
    "APPROVED",
    "PENDING",
    "REJECTED",
    "PAUSED",
    "DISABLED",
    "IN_APPEAL",
    "PENDING_DELETION",
    "DELETED",
    "LIMIT_EXCEEDED",
    "ARCHIVED",
];

pub async fn list(
    core: &Core,
    ctx: &TenantCtx,
    channel_id: Option<Uuid>,
    status: Option<&str>,
    page: PageRequest,
) -> CoreResult<Paged<TemplateView>> {
    require(ctx, Action::ConversationsRead)?;
    let status = status.map(str::to_ascii_uppercase);
    if status.as_deref().is_some_and(|s| !KNOWN_STATUSES.contains(&s)) {
        return Err(CoreError::field(
            "status",
            format!("one of {}", KNOWN_STATUSES.join(", ")),
        ));
    }
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let rows = templates::list(&tx, channel_id, status.as_deref(), page).await?;
    tx.commit().await?;
    Ok(Paged::from_page(rows, |t| TemplateView::from(&t)))
}

/// Applies a `message_template_status_update` webhook (approved, rejected, paused …).
///
/// # Errors
/// Database failure.
pub async fn apply_status_update(tx: &TenantTx, t: &TemplateStatusUpdate) -> Result<(), DbError> {
    let name_lang = match (&t.name, &t.language) {
        (Some(n), Some(l)) => Some((n.as_str(), l.as_str())),
        _ => None,
    };
    templates::set_status(tx, t.template_id.as_deref(), name_lang, &t.event).await?;
    Ok(())
}

/// The template's body with the parameters filled in, for the history and previews.
#[must_use]
pub fn render_body(stored: &Value, params: Option<&Value>) -> Option<String> {
    let text = stored
        .get("components")?
        .as_array()?
        .iter()
        .find(|c| {
            c.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("body"))
        })?
        .get("text")?
        .as_str()?
        .to_owned();
    let mut out = text;
    match params {
        Some(Value::Array(list)) => {
            for (i, v) in list.iter().enumerate() {
                out = out.replace(&format!("{{{{{}}}}}", i + 1), &value_text(v));
            }
        }
        Some(Value::Object(map)) => {
            for (k, v) in map {
                out = out.replace(&format!("{{{{{k}}}}}"), &value_text(v));
            }
        }
        _ => {}
    }
    Some(out)
}

/// The names of a template's placeholders (`{{nome}}`, `{{1}}`) in the order they appear in its
/// header and body. Named parameters go to Graph in this order (the documented bodies list them
/// as the template reads), whatever order the request's object had.
#[must_use]
pub fn placeholder_order(stored: &Value) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let texts = stored
        .get("components")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| {
            c.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("header") || t.eq_ignore_ascii_case("body"))
        })
        .filter_map(|c| c.get("text").and_then(Value::as_str));
    for text in texts {
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else { break };
            let name = after[..end].trim();
            if !name.is_empty() && !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
            rest = &after[end + 2..];
        }
    }
    names
}

/// How a parameter reads in the rendered body: text as is, typed values by their fallback.
pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(o) => ["text", "fallback_value", "payload"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .map_or_else(|| v.to_string(), str::to_owned),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn placeholders_are_listed_in_reading_order_once() {
        let stored = json!({ "components": [
            { "type": "HEADER", "format": "TEXT", "text": "Pedido {{numero_pedido}}" },
            { "type": "BODY", "text": "Olá, {{nome_cliente}}! O pedido #{{numero_pedido}} vence em {{ data_vencimento }}." },
            { "type": "FOOTER", "text": "{{ignored}}" },
        ] });
        assert_eq!(
            placeholder_order(&stored),
            vec!["numero_pedido", "nome_cliente", "data_vencimento"]
        );
        assert!(placeholder_order(&json!({})).is_empty());
        assert_eq!(
            placeholder_order(&json!({ "components": [{ "type": "BODY", "text": "a {{1}} b {{2" }] })),
            vec!["1"]
        );
    }

    #[test]
    fn body_parameters_fill_positional_and_named_placeholders() {
        let stored = json!({ "components": [{ "type": "BODY", "text": "Olá {{1}}, pedido {{2}}" }] });
        assert_eq!(
            render_body(&stored, Some(&json!(["Ana", "#9"]))).as_deref(),
            Some("Olá Ana, pedido #9")
        );
        let named = json!({ "components": [{ "type": "BODY", "text": "Olá {{nome}}" }] });
        assert_eq!(
            render_body(&named, Some(&json!({ "nome": "Ana" }))).as_deref(),
            Some("Olá Ana")
        );
        assert_eq!(render_body(&json!({}), None), None);
    }
}
