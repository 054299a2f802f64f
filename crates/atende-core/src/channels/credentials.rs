//! WhatsApp credentials: the document's checks, the masked hint, the check with Graph, and
//! their encryption at rest.

use super::{TEXT_MAX, WHATSAPP_CREDENTIAL_KEYS, WHATSAPP_REQUIRED_KEYS};
use crate::Core;
use crate::error::{CoreError, CoreResult};
use atende_channels::whatsapp_cloud::WhatsappCredentials;
use atende_channels::{AccountInfo, ChannelAdapter, ChannelError};
use atende_db::entities::channels::Model as Channel;
use atende_domain::FieldErrors;
use serde_json::{Value, json};

/// Checks a WhatsApp credential document: the fields the adapter needs, plus the two the
/// inbound path needs (app secret, verify token).
pub(super) fn whatsapp_credentials(v: Option<&Value>, errs: &mut FieldErrors) -> Option<WhatsappCredentials> {
    let Some(v) = v.filter(|v| v.is_object()) else {
        errs.add(
            "credentials",
            "required: phone_number_id, waba_id, access_token, app_secret, verify_token",
        );
        return None;
    };
    let obj = v.as_object()?;
    for (k, val) in obj {
        let known = WHATSAPP_CREDENTIAL_KEYS.contains(&k.as_str());
        if !known {
            errs.add(&format!("credentials.{k}"), "unknown field");
        } else if !val.is_string() {
            errs.add(&format!("credentials.{k}"), "must be a string");
        } else if val.as_str().is_some_and(|s| s.len() > TEXT_MAX) {
            errs.add(&format!("credentials.{k}"), "too long");
        }
    }
    for k in WHATSAPP_REQUIRED_KEYS {
        if obj.get(k).and_then(Value::as_str).is_none_or(|s| s.trim().is_empty()) {
            errs.add(&format!("credentials.{k}"), "is required");
        }
    }
    if !errs.is_empty() {
        return None;
    }
    match WhatsappCredentials::from_json(v) {
        Ok(c) => Some(c),
        Err(e) => {
            errs.add("credentials", e.to_string());
            None
        }
    }
}

pub(super) fn mask(s: &str) -> String {
    let n = s.chars().count();
    if n <= 8 {
        return "…".into();
    }
    let tail: String = s.chars().skip(n - 4).collect();
    format!("…{tail}")
}

pub(super) fn whatsapp_hint(c: &WhatsappCredentials, info: Option<&AccountInfo>) -> String {
    let number = info
        .and_then(|i| i.display_address.clone())
        .unwrap_or_else(|| format!("id {}", c.phone_number_id));
    format!("{number} · token {}", mask(&c.access_token))
}

/// The outcome of asking the provider.
pub(super) enum Check {
    Ok(AccountInfo),
    /// The provider refused the credentials (wrong token, wrong id).
    Refused(String),
    /// The provider could not be asked (network, 5xx): try again later.
    Unreachable(String),
}

pub(super) async fn check_with_provider(core: &Core, credentials: &Value) -> Check {
    match core.adapters.whatsapp().validate_credentials(credentials).await {
        Ok(info) => Check::Ok(info),
        Err(ChannelError::Transport(e)) => Check::Unreachable(format!("could not reach the WhatsApp API: {e}")),
        Err(ChannelError::Provider(f)) if f.http_status.is_some_and(|s| s >= 500) => {
            Check::Unreachable(format!("the WhatsApp API failed: {}", f.message))
        }
        Err(e) => Check::Refused(match e {
            ChannelError::Provider(f) => f.message,
            other => other.to_string(),
        }),
    }
}

pub(super) fn refused(message: String) -> CoreError {
    CoreError::Validation(FieldErrors::single(
        "credentials",
        format!("WhatsApp refused these credentials: {message}"),
    ))
}

/// The decrypted credential document of a channel.
///
/// # Errors
/// `Internal` when the stored document cannot be decrypted (another secret key).
pub fn credentials_of(core: &Core, c: &Channel) -> CoreResult<Value> {
    let Some(enc) = &c.credentials_enc else {
        return Ok(Value::Null);
    };
    let plain = core.keys.decrypt(enc)?;
    serde_json::from_slice(&plain).map_err(|e| CoreError::Internal(format!("stored credentials: {e}")))
}

pub(super) fn encrypt(core: &Core, v: &Value) -> CoreResult<String> {
    core.keys
        .encrypt(&serde_json::to_vec(v).map_err(|e| CoreError::Internal(e.to_string()))?)
}

pub(super) fn account_json(info: &AccountInfo) -> Value {
    json!({
        "display_phone_number": info.display_address,
        "verified_name": info.verified_name,
        "quality_rating": info.quality_rating,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_only_the_end_of_a_secret() {
        assert_eq!(mask("EAAG-secret-token-abcd"), "…abcd");
        assert_eq!(mask("short"), "…");
    }
}
