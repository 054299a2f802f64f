//! The settings every channel kind has (`greeting`, `away_message`, `reopen_window_hours`,
//! `default_team_id`, `allowed_origins`, `pre_chat_form`) and their checks.

use super::{ORIGINS_MAX, REOPEN_WINDOW_MAX_HOURS, TEXT_MAX};
use crate::error::CoreResult;
use atende_db::TenantTx;
use atende_db::repo::teams;
use atende_domain::{FieldErrors, TeamId};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

/// Settings every channel kind has. Unknown keys are refused (a typo must not be silently kept).
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelSettings {
    /// Sent automatically on a new conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greeting: Option<String>,
    /// Sent outside business hours (business hours arrive with SLAs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_message: Option<String>,
    /// A message to a resolved conversation within this many hours reopens it (default 24).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "atende_domain::values::whole_number::optional"
    )]
    pub reopen_window_hours: Option<i64>,
    /// New conversations go to this team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_team_id: Option<Uuid>,
    /// Web chat: origins allowed to embed the widget (`https://shop.example.com`); empty: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_origins: Option<Vec<String>>,
    /// Web chat: ask for name and e-mail or phone before the first message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_chat_form: Option<bool>,
}

pub(super) async fn check_settings(tx: &TenantTx, s: &ChannelSettings, errs: &mut FieldErrors) -> CoreResult<()> {
    for (field, text) in [
        ("settings.greeting", &s.greeting),
        ("settings.away_message", &s.away_message),
    ] {
        if text.as_ref().is_some_and(|t| t.chars().count() > TEXT_MAX) {
            errs.add(field, format!("must have at most {TEXT_MAX} characters"));
        }
    }
    if s.reopen_window_hours
        .is_some_and(|h| !(0..=REOPEN_WINDOW_MAX_HOURS).contains(&h))
    {
        errs.add(
            "settings.reopen_window_hours",
            format!("must be between 0 and {REOPEN_WINDOW_MAX_HOURS}"),
        );
    }
    if let Some(origins) = &s.allowed_origins {
        if origins.len() > ORIGINS_MAX {
            errs.add("settings.allowed_origins", format!("at most {ORIGINS_MAX} origins"));
        }
        if origins.iter().any(|o| !valid_origin(o)) {
            errs.add(
                "settings.allowed_origins",
                "each origin is scheme://host[:port], e.g. https://shop.example.com",
            );
        }
    }
    if let Some(team) = s.default_team_id {
        match teams::get(tx, TeamId(team)).await {
            Ok(_) => {}
            Err(atende_db::DbError::NotFound) => {
                return Err(crate::error::CoreError::MissingReference {
                    field: "settings.default_team_id".into(),
                    message: "no such team".into(),
                });
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

fn valid_origin(o: &str) -> bool {
    let Some((scheme, host)) = o.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

pub(super) fn parse_settings(v: Option<Value>, errs: &mut FieldErrors) -> ChannelSettings {
    match v {
        None | Some(Value::Null) => ChannelSettings::default(),
        Some(v) => serde_json::from_value(v).unwrap_or_else(|e| {
            errs.add("settings", format!("{e}"));
            ChannelSettings::default()
        }),
    }
}

pub(super) fn to_json(s: &ChannelSettings) -> Value {
    serde_json::to_value(s).unwrap_or_else(|_| json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_and_host() {
        assert!(valid_origin("https://shop.example.com"));
        assert!(valid_origin("http://localhost:3000"));
        assert!(!valid_origin("shop.example.com"));
        assert!(!valid_origin("https://shop.example.com/path"));
        assert!(!valid_origin("javascript://x"));
    }
}
