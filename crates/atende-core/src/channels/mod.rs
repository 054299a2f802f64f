//! Channels: connecting a WhatsApp number or a web-chat widget, their settings, health, the
//! adapter registry and send pacing.
//!
//! Credentials are one JSON document per channel, encrypted with the installation's key
//! (AES-256-GCM, key id stored) and never returned: the API shows a masked hint. A WhatsApp
//! channel is checked against the Graph API (`GET /{phone-number-id}`) when it is connected,
//! activated or asked for its health. Credentials Meta refuses are a 422 and nothing is stored;
//! when Meta cannot be reached the channel is stored in `error` with the reason, so the admin
//! can activate it later without typing the secrets again.

mod activation;
mod channel_settings;
mod credentials;
pub mod greeting;
pub mod health;
mod runtime;
pub mod setup;

pub use activation::{ChannelHealth, activate, health, mark_error};
pub use channel_settings::ChannelSettings;
pub use credentials::credentials_of;
pub use runtime::{Adapters, Pacing};

/// The keys of a WhatsApp credential document.
pub const WHATSAPP_CREDENTIAL_KEYS: [&str; 5] = [
    "phone_number_id",
    "waba_id",
    "access_token",
    "app_secret",
    "verify_token",
];
/// The keys that must be non-blank strings.
pub const WHATSAPP_REQUIRED_KEYS: [&str; 4] = ["phone_number_id", "access_token", "app_secret", "verify_token"];
/// Longest credential value, greeting or away message.
pub const TEXT_MAX: usize = 4096;
/// `reopen_window_hours` bounds.
pub const REOPEN_WINDOW_MAX_HOURS: i64 = 720;
/// Most `allowed_origins` of a web chat.
pub const ORIGINS_MAX: usize = 50;
/// The kinds a channel can be connected as (and listed by); the OpenAPI document's enum.
pub const CONNECTABLE_KINDS: [&str; 2] = [kind::WHATSAPP_CLOUD, kind::WEBCHAT];

use channel_settings::{check_settings, parse_settings, to_json};
use credentials::{Check, account_json, check_with_provider, encrypt, refused, whatsapp_credentials, whatsapp_hint};

use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::require;
use crate::crypto::random_token;
use crate::error::{CoreError, CoreResult};
use crate::views::Paged;
use atende_db::entities::channels::Model as Channel;
use atende_db::page::PageRequest;
use atende_db::repo::channels::{self, ChannelPatch, NewChannel, kind, status};
use atende_domain::{Action, ChannelId, FieldErrors, TenantCtx};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// A channel as the API shows it. Credentials never appear, only `credentials_hint`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChannelView {
    pub id: Uuid,
    /// `whatsapp_cloud` or `webchat`.
    pub kind: String,
    pub name: String,
    /// `connected`, `disconnected` or `error`.
    pub status: String,
    pub last_error: Option<String>,
    /// `degraded` while the provider's last error on a send was the channel's (throughput,
    /// rate limits, provider down, account blocked); back to `ok` on the next successful send.
    pub health: health::ChannelHealthState,
    /// The provider's last error of a degraded channel: code, text and when.
    pub provider_error: Option<health::ProviderErrorView>,
    /// A masked reminder of the credentials (`phone 1234…789 · token …f00d`).
    pub credentials_hint: Option<String>,
    /// The provider's id of the endpoint (WhatsApp: phone number id).
    pub external_id: Option<String>,
    /// Where the provider must deliver webhooks (WhatsApp), to paste into Meta's app settings.
    pub webhook_url: Option<String>,
    /// The web-chat widget's public token (goes into the `<script>` tag).
    pub public_token: Option<String>,
    /// The `<script>` tag to paste into a site (web chat).
    pub embed_snippet: Option<String>,
    #[schema(value_type = Object)]
    pub settings: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ChannelView {
    fn of(core: &Core, c: &Channel) -> Self {
        let base = core.config.public_url.trim_end_matches('/');
        let webhook_url = (c.kind == kind::WHATSAPP_CLOUD).then(|| format!("{base}/api/v1/webhooks/whatsapp/{}", c.id));
        let embed_snippet = c
            .public_token
            .as_ref()
            .map(|t| format!("<script src=\"{base}/widget.js\" data-atende-token=\"{t}\" async></script>"));
        let (health, provider_error) = health::of(c);
        Self {
            id: c.id,
            kind: c.kind.clone(),
            name: c.name.clone(),
            status: c.status.clone(),
            last_error: c.last_error.clone(),
            health,
            provider_error,
            credentials_hint: c.credentials_hint.clone(),
            external_id: c.external_id.clone(),
            webhook_url,
            public_token: c.public_token.clone(),
            embed_snippet,
            settings: c.settings.clone(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// What a connect request carries.
#[derive(Clone, Debug)]
pub struct Connect {
    pub kind: String,
    pub name: String,
    pub credentials: Option<Value>,
    pub settings: Option<Value>,
}

fn conflict_on_number(e: atende_db::DbError) -> CoreError {
    match e {
        atende_db::DbError::Conflict { field } if field == "external_id" => CoreError::Conflict {
            code: "channel_already_connected",
            field: "credentials.phone_number_id".into(),
            message: "this WhatsApp number is already connected".into(),
        },
        other => other.into(),
    }
}

/// Connects a channel (admin).
///
/// # Errors
/// 422 with fields for bad input or refused credentials; 409 `channel_already_connected`.
pub async fn connect(core: &Core, ctx: &TenantCtx, input: Connect, meta: &RequestMeta) -> CoreResult<ChannelView> {
    require(ctx, Action::ChannelsManage)?;
    let mut errs = FieldErrors::new();
    let name = errs.check(
        "name",
        atende_domain::values::parse_name(&input.name, atende_domain::values::NAME_MAX),
    );
    let settings = parse_settings(input.settings, &mut errs);
    let (kind, creds) = match input.kind.as_str() {
        kind::WHATSAPP_CLOUD => (kind::WHATSAPP_CLOUD, {
            if let Some(token) = input
                .credentials
                .as_ref()
                .and_then(|c| c.get("verify_token"))
                .and_then(Value::as_str)
                .filter(|t| !t.trim().is_empty())
            {
                setup::check_verify_token(token, &mut errs);
            }
            whatsapp_credentials(input.credentials.as_ref(), &mut errs)
        }),
        kind::WEBCHAT => {
            if input.credentials.as_ref().is_some_and(|c| !c.is_null()) {
                errs.add("credentials", "web chat has no credentials");
            }
            (kind::WEBCHAT, None)
        }
        _ => {
            errs.add("kind", "must be whatsapp_cloud or webchat");
            ("", None)
        }
    };
    errs.clone().into_result()?;
    let name = name.unwrap_or_default();

    let mut new = NewChannel {
        kind,
        name,
        status: status::CONNECTED,
        credentials_enc: None,
        credentials_hint: None,
        external_id: None,
        public_token: None,
        settings: to_json(&settings),
    };
    let mut last_error = None;
    if let (Some(c), Some(doc)) = (&creds, &input.credentials) {
        // Ask Meta before opening a transaction: a slow Graph call must not hold a connection.
        let info = match check_with_provider(core, doc).await {
            Check::Ok(info) => Some(info),
            Check::Refused(m) => return Err(refused(m)),
            Check::Unreachable(m) => {
                new.status = status::ERROR;
                last_error = Some(m);
                None
            }
        };
        new.credentials_enc = Some(encrypt(core, doc)?);
        new.credentials_hint = Some(whatsapp_hint(c, info.as_ref()));
        new.external_id = Some(c.phone_number_id.clone());
        if let Some(info) = info {
            new.settings["account"] = account_json(&info);
        }
    }
    if kind == kind::WEBCHAT {
        new.public_token = Some(random_token("wct_"));
    }

    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let mut errs = FieldErrors::new();
    check_settings(&tx, &settings, &mut errs).await?;
    errs.into_result()?;
    let mut ch = channels::create(&tx, new).await.map_err(conflict_on_number)?;
    if last_error.is_some() {
        let patch = ChannelPatch {
            last_error: Some(last_error),
            ..ChannelPatch::default()
        };
        ch = channels::update(&tx, ch, patch).await?;
    }
    // The composer's templates come without anyone pressing "sync" (a job: no Graph call here).
    if ch.kind == kind::WHATSAPP_CLOUD {
        crate::inbox::templates::enqueue_sync(&tx, ch.id).await?;
    }
    let view = ChannelView::of(core, &ch);
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("channels.create", "channel", ch.id).after(&view),
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}

pub async fn list(
    core: &Core,
    ctx: &TenantCtx,
    page: PageRequest,
    of_kind: Option<&str>,
) -> CoreResult<Paged<ChannelView>> {
    require(ctx, Action::ChannelsRead)?;
    if of_kind.is_some_and(|k| !CONNECTABLE_KINDS.contains(&k)) {
        return Err(CoreError::field("kind", "must be whatsapp_cloud or webchat"));
    }
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let rows = channels::list(&tx, page, of_kind).await?;
    tx.commit().await?;
    Ok(Paged::from_page(rows, |c| ChannelView::of(core, &c)))
}

pub async fn get(core: &Core, ctx: &TenantCtx, id: ChannelId) -> CoreResult<ChannelView> {
    require(ctx, Action::ChannelsRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let c = channels::get(&tx, id.uuid()).await?;
    tx.commit().await?;
    Ok(ChannelView::of(core, &c))
}

/// A channel change. Settings are merged key by key (`null` clears one); credentials are merged
/// over the stored document (rotate only the access token by sending only it) and re-checked.
#[derive(Clone, Debug, Default)]
pub struct Update {
    pub name: Option<String>,
    pub settings: Option<Value>,
    pub credentials: Option<Value>,
}

/// # Errors
/// 422 for bad fields or refused credentials; 404.
pub async fn update(
    core: &Core,
    ctx: &TenantCtx,
    id: ChannelId,
    input: Update,
    meta: &RequestMeta,
) -> CoreResult<ChannelView> {
    require(ctx, Action::ChannelsManage)?;
    let mut errs = FieldErrors::new();
    let name = input.name.as_deref().and_then(|n| {
        errs.check(
            "name",
            atende_domain::values::parse_name(n, atende_domain::values::NAME_MAX),
        )
    });
    errs.clone().into_result()?;

    let current = {
        let tx = core.db.tenant_tx(ctx.tenant_id).await?;
        let c = channels::get(&tx, id.uuid()).await?;
        tx.commit().await?;
        c
    };
    let mut patch = ChannelPatch {
        name,
        ..ChannelPatch::default()
    };
    // `account` is what the provider said about the number: kept, never set by the caller.
    let account = current.settings.get("account").cloned();
    let mut settings_doc = current.settings.clone();
    let mut parsed = None;
    if let Some(Value::Object(changes)) = &input.settings {
        if let Some(o) = settings_doc.as_object_mut() {
            o.remove("account");
            for (k, v) in changes {
                if v.is_null() {
                    o.remove(k);
                } else {
                    o.insert(k.clone(), v.clone());
                }
            }
        }
        let p = parse_settings(Some(settings_doc), &mut errs);
        errs.clone().into_result()?;
        settings_doc = to_json(&p);
        if let Some(a) = &account {
            settings_doc["account"] = a.clone();
        }
        patch.settings = Some(settings_doc.clone());
        parsed = Some(p);
    } else if input.settings.as_ref().is_some_and(|s| !s.is_null()) {
        return Err(CoreError::field("settings", "must be an object"));
    }
    if let Some(changes) = &input.credentials {
        if current.kind != kind::WHATSAPP_CLOUD {
            // 409: the body is well-formed, but this channel's kind (web chat) has no credentials.
            return Err(CoreError::Conflict {
                code: "no_credentials",
                field: "credentials".into(),
                message: "this channel has no credentials".into(),
            });
        }
        let Value::Object(changes) = changes else {
            return Err(CoreError::field("credentials", "must be an object"));
        };
        let mut doc = credentials_of(core, &current)?;
        for (k, v) in changes {
            doc[k] = v.clone();
        }
        // A verify token sent now follows the rules; one stored before them stays valid, so
        // rotating only the access token never fails on it.
        if let Some(token) = changes.get("verify_token").and_then(Value::as_str) {
            setup::check_verify_token(token, &mut errs);
        }
        let creds = whatsapp_credentials(Some(&doc), &mut errs);
        errs.clone().into_result()?;
        let Some(creds) = creds else {
            return Err(CoreError::field("credentials", "invalid"));
        };
        let (st, err, info) = match check_with_provider(core, &doc).await {
            Check::Ok(info) => (status::CONNECTED, None, Some(info)),
            Check::Refused(m) => return Err(refused(m)),
            Check::Unreachable(m) => (status::ERROR, Some(m), None),
        };
        patch.credentials_enc = Some(Some(encrypt(core, &doc)?));
        patch.credentials_hint = Some(Some(whatsapp_hint(&creds, info.as_ref())));
        patch.external_id = Some(Some(creds.phone_number_id.clone()));
        patch.status = Some(st);
        patch.last_error = Some(err);
        if let Some(info) = info {
            let mut s = patch.settings.take().unwrap_or(settings_doc);
            s["account"] = account_json(&info);
            patch.settings = Some(s);
        }
    }

    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let fresh = channels::get(&tx, id.uuid()).await?;
    if let Some(p) = &parsed {
        check_settings(&tx, p, &mut errs).await?;
        errs.into_result()?;
    }
    let before = ChannelView::of(core, &fresh);
    let credentials_changed = patch.credentials_enc.is_some();
    let c = channels::update(&tx, fresh, patch).await.map_err(conflict_on_number)?;
    // New credentials may be another account: its templates replace what the composer offers.
    if credentials_changed {
        crate::inbox::templates::enqueue_sync(&tx, c.id).await?;
    }
    let view = ChannelView::of(core, &c);
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("channels.update", "channel", c.id)
            .before(&before)
            .after(&view),
    )
    .await?;
    tx.commit().await?;
    core.webhook_channels.forget(view.id);
    Ok(view)
}

/// Disconnects and hides a channel; its conversations and messages stay.
///
/// # Errors
/// 404.
pub async fn delete(core: &Core, ctx: &TenantCtx, id: ChannelId, meta: &RequestMeta) -> CoreResult<()> {
    require(ctx, Action::ChannelsManage)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let c = channels::get(&tx, id.uuid()).await?;
    let before = ChannelView::of(core, &c);
    channels::delete(&tx, c).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("channels.delete", "channel", id.uuid()).before(&before),
    )
    .await?;
    tx.commit().await?;
    core.webhook_channels.forget(id.uuid());
    Ok(())
}
