//! Channels: connecting a WhatsApp number or a web-chat widget, their settings, health, the
//! adapter registry and send pacing.
//!
//! Credentials are one JSON document per channel, encrypted with the installation's key
//! (AES-256-GCM, key id stored) and never returned: the API shows a masked hint. A WhatsApp
//! channel is checked against the Graph API (`GET /{phone-number-id}`) when it is connected,
//! activated or asked for its health. Credentials Meta refuses are a 422 and nothing is stored;
//! when Meta cannot be reached the channel is stored in `error` with the reason, so the admin
//! can activate it later without typing the secrets again.

use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::require;
use crate::crypto::random_token;
use crate::error::{CoreError, CoreResult};
use crate::views::Paged;
use atende_channels::whatsapp_cloud::{GraphConfig, WhatsappCloudAdapter, WhatsappCredentials};
use atende_channels::{AccountInfo, ChannelAdapter, ChannelError};
use atende_db::TenantTx;
use atende_db::entities::channels::Model as Channel;
use atende_db::page::PageRequest;
use atende_db::repo::channels::{self, ChannelPatch, NewChannel, kind, status};
use atende_db::repo::teams;
use atende_domain::{Action, ChannelId, FieldErrors, TeamId, TenantCtx};
use chrono::{DateTime, Utc};
use dashmap::DashMap;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};
use utoipa::ToSchema;
use uuid::Uuid;

/// The adapters, one per channel kind this installation serves.
pub struct Adapters {
    whatsapp: Arc<WhatsappCloudAdapter>,
}

impl Adapters {
    /// # Errors
    /// `Internal` when an HTTP client cannot be built.
    pub fn new(config: &crate::CoreConfig) -> CoreResult<Self> {
        let graph = GraphConfig {
            base_url: config.whatsapp_graph_url.trim_end_matches('/').to_owned(),
            ..GraphConfig::default()
        };
        let whatsapp = WhatsappCloudAdapter::new(graph).map_err(|e| CoreError::Internal(e.to_string()))?;
        Ok(Self {
            whatsapp: Arc::new(whatsapp),
        })
    }

    /// The adapter of a stored channel kind; `None` for kinds without a provider (web chat).
    #[must_use]
    pub fn get(&self, kind: &str) -> Option<Arc<dyn ChannelAdapter>> {
        match kind {
            kind::WHATSAPP_CLOUD => Some(self.whatsapp.clone()),
            _ => None,
        }
    }

    #[must_use]
    pub fn whatsapp(&self) -> &WhatsappCloudAdapter {
        &self.whatsapp
    }
}

/// Keeps sends within the provider's limits instead of hitting them: a token bucket per
/// channel (WhatsApp: 80 messages/s per number by default), one per (channel, recipient) pair
/// (Meta's pair limit: about one message per 6 s sustained, bursts of 45), and holds set by
/// rate-limit errors (130429 holds the number, 131056 the recipient).
///
/// Process-local: several worker processes each pace themselves, so the per-number rate is
/// per process. The holds still converge, since every process that hits the limit is told so.
pub struct Pacing {
    per_channel: DefaultKeyedRateLimiter<Uuid>,
    per_recipient: DefaultKeyedRateLimiter<(Uuid, String)>,
    holds: DashMap<String, Instant>,
}

impl Pacing {
    #[must_use]
    pub fn new(per_second: u32) -> Self {
        let rate = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let pair_burst = NonZeroU32::new(45).unwrap_or(NonZeroU32::MIN);
        let pair_rate = NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN);
        Self {
            per_channel: RateLimiter::keyed(Quota::per_second(rate)),
            per_recipient: RateLimiter::keyed(Quota::per_minute(pair_rate).allow_burst(pair_burst)),
            holds: DashMap::new(),
        }
    }

    fn hold_key(channel: Uuid, recipient: Option<&str>) -> String {
        recipient.map_or_else(|| channel.to_string(), |r| format!("{channel}/{r}"))
    }

    /// Holds back a channel (recipient `None`) or one recipient of it for `d`.
    pub fn hold(&self, channel: Uuid, recipient: Option<&str>, d: Duration) {
        self.holds
            .insert(Self::hold_key(channel, recipient), Instant::now() + d);
    }

    /// How long a send must wait (zero: go now, and a token was taken).
    #[must_use]
    pub fn wait(&self, channel: Uuid, recipient: &str) -> Duration {
        let now = Instant::now();
        for key in [Self::hold_key(channel, None), Self::hold_key(channel, Some(recipient))] {
            let until = self.holds.get(&key).map(|v| *v);
            match until {
                Some(until) if until > now => return until - now,
                Some(_) => {
                    self.holds.remove(&key);
                }
                None => {}
            }
        }
        let clock = governor::clock::DefaultClock::default();
        if let Err(not_until) = self.per_recipient.check_key(&(channel, recipient.to_owned())) {
            return not_until.wait_time_from(governor::clock::Clock::now(&clock));
        }
        if let Err(not_until) = self.per_channel.check_key(&channel) {
            return not_until.wait_time_from(governor::clock::Clock::now(&clock));
        }
        Duration::ZERO
    }
}

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
        Self {
            id: c.id,
            kind: c.kind.clone(),
            name: c.name.clone(),
            status: c.status.clone(),
            last_error: c.last_error.clone(),
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

async fn check_settings(tx: &TenantTx, s: &ChannelSettings, errs: &mut FieldErrors) -> CoreResult<()> {
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
                return Err(CoreError::MissingReference {
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

/// What a connect request carries.
#[derive(Clone, Debug)]
pub struct Connect {
    pub kind: String,
    pub name: String,
    pub credentials: Option<Value>,
    pub settings: Option<Value>,
}

fn parse_settings(v: Option<Value>, errs: &mut FieldErrors) -> ChannelSettings {
    match v {
        None | Some(Value::Null) => ChannelSettings::default(),
        Some(v) => serde_json::from_value(v).unwrap_or_else(|e| {
            errs.add("settings", format!("{e}"));
            ChannelSettings::default()
        }),
    }
}

fn to_json(s: &ChannelSettings) -> Value {
    serde_json::to_value(s).unwrap_or_else(|_| json!({}))
}

/// Checks a WhatsApp credential document: the fields the adapter needs, plus the two the
/// inbound path needs (app secret, verify token).
/// The keys of a WhatsApp credential document, and those that must be non-blank strings.
pub const WHATSAPP_CREDENTIAL_KEYS: [&str; 5] = [
    "phone_number_id",
    "waba_id",
    "access_token",
    "app_secret",
    "verify_token",
];
pub const WHATSAPP_REQUIRED_KEYS: [&str; 4] = ["phone_number_id", "access_token", "app_secret", "verify_token"];
/// Longest credential value, greeting or away message.
pub const TEXT_MAX: usize = 4096;
/// `reopen_window_hours` bounds.
pub const REOPEN_WINDOW_MAX_HOURS: i64 = 720;
/// Most `allowed_origins` of a web chat.
pub const ORIGINS_MAX: usize = 50;

fn whatsapp_credentials(v: Option<&Value>, errs: &mut FieldErrors) -> Option<WhatsappCredentials> {
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

fn mask(s: &str) -> String {
    let n = s.chars().count();
    if n <= 8 {
        return "…".into();
    }
    let tail: String = s.chars().skip(n - 4).collect();
    format!("…{tail}")
}

fn whatsapp_hint(c: &WhatsappCredentials, info: Option<&AccountInfo>) -> String {
    let number = info
        .and_then(|i| i.display_address.clone())
        .unwrap_or_else(|| format!("id {}", c.phone_number_id));
    format!("{number} · token {}", mask(&c.access_token))
}

/// The outcome of asking the provider.
enum Check {
    Ok(AccountInfo),
    /// The provider refused the credentials (wrong token, wrong id).
    Refused(String),
    /// The provider could not be asked (network, 5xx): try again later.
    Unreachable(String),
}

async fn check_with_provider(core: &Core, credentials: &Value) -> Check {
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

fn refused(message: String) -> CoreError {
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

fn encrypt(core: &Core, v: &Value) -> CoreResult<String> {
    core.keys
        .encrypt(&serde_json::to_vec(v).map_err(|e| CoreError::Internal(e.to_string()))?)
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
        kind::WHATSAPP_CLOUD => (
            kind::WHATSAPP_CLOUD,
            whatsapp_credentials(input.credentials.as_ref(), &mut errs),
        ),
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

fn account_json(info: &AccountInfo) -> Value {
    json!({
        "display_phone_number": info.display_address,
        "verified_name": info.verified_name,
        "quality_rating": info.quality_rating,
    })
}

/// The kinds a channel can be connected as (and listed by); the OpenAPI document's enum.
pub const CONNECTABLE_KINDS: [&str; 2] = [kind::WHATSAPP_CLOUD, kind::WEBCHAT];

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
    let c = channels::update(&tx, fresh, patch).await.map_err(conflict_on_number)?;
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

/// Health of a channel: its stored state, refreshed from the provider.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChannelHealth {
    pub id: Uuid,
    pub status: String,
    pub last_error: Option<String>,
    pub checked_at: DateTime<Utc>,
    /// What the provider says about the number (display number, verified name, quality rating).
    #[schema(value_type = Option<Object>)]
    pub account: Value,
    /// Messages waiting to be sent on this channel.
    pub queued_messages: u64,
    /// Messages that failed and wait for a retry or an agent.
    pub failed_messages: u64,
}

/// Re-checks the credentials and records the outcome. Used by `activate` (admin) and
/// `health` (anyone who can read channels: it reveals no secret).
async fn recheck(
    core: &Core,
    ctx: &TenantCtx,
    id: ChannelId,
    meta: Option<&RequestMeta>,
) -> CoreResult<(Channel, Value)> {
    let current = {
        let tx = core.db.tenant_tx(ctx.tenant_id).await?;
        let c = channels::get(&tx, id.uuid()).await?;
        tx.commit().await?;
        c
    };
    let (st, err, account) = if current.kind == kind::WHATSAPP_CLOUD {
        let doc = credentials_of(core, &current)?;
        match check_with_provider(core, &doc).await {
            Check::Ok(info) => (status::CONNECTED, None, account_json(&info)),
            Check::Refused(m) | Check::Unreachable(m) => (status::ERROR, Some(m), Value::Null),
        }
    } else {
        (status::CONNECTED, None, Value::Null)
    };
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let fresh = channels::get(&tx, id.uuid()).await?;
    let changed = fresh.status != st || fresh.last_error != err || meta.is_some();
    let c = if changed {
        let mut settings = fresh.settings.clone();
        if !account.is_null() {
            settings["account"] = account.clone();
        }
        let before = ChannelView::of(core, &fresh);
        let c = channels::update(
            &tx,
            fresh,
            ChannelPatch {
                status: Some(st),
                last_error: Some(err),
                settings: Some(settings),
                ..ChannelPatch::default()
            },
        )
        .await?;
        if let Some(meta) = meta {
            let view = ChannelView::of(core, &c);
            audit::record(
                &tx,
                Who::Ctx(ctx),
                meta,
                Entry::new("channels.activate", "channel", c.id)
                    .before(&before)
                    .after(&view),
            )
            .await?;
        }
        c
    } else {
        fresh
    };
    tx.commit().await?;
    Ok((c, account))
}

/// Re-checks the credentials and marks the channel `connected` (or `error` with the reason).
///
/// # Errors
/// 404.
pub async fn activate(core: &Core, ctx: &TenantCtx, id: ChannelId, meta: &RequestMeta) -> CoreResult<ChannelView> {
    require(ctx, Action::ChannelsManage)?;
    let (c, _) = recheck(core, ctx, id, Some(meta)).await?;
    Ok(ChannelView::of(core, &c))
}

/// # Errors
/// 404.
pub async fn health(core: &Core, ctx: &TenantCtx, id: ChannelId) -> CoreResult<ChannelHealth> {
    require(ctx, Action::ChannelsRead)?;
    let (c, account) = recheck(core, ctx, id, None).await?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let (queued, failed) = atende_db::repo::messages::outbound_backlog(&tx, c.id).await?;
    tx.commit().await?;
    Ok(ChannelHealth {
        id: c.id,
        status: c.status,
        last_error: c.last_error,
        checked_at: Utc::now(),
        account: if account.is_null() {
            c.settings.get("account").cloned().unwrap_or(Value::Null)
        } else {
            account
        },
        queued_messages: queued,
        failed_messages: failed,
    })
}

/// Marks a channel `error` with the provider's reason (e.g. Graph 190: the token expired), so
/// sending stops until an admin reconnects it.
///
/// # Errors
/// Database failure.
pub async fn mark_error(tx: &TenantTx, channel: Channel, reason: &str) -> CoreResult<()> {
    channels::update(
        tx,
        channel,
        ChannelPatch {
            status: Some(status::ERROR),
            last_error: Some(Some(reason.chars().take(1000).collect())),
            ..ChannelPatch::default()
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacing_keeps_a_number_under_its_rate_and_honours_holds() {
        let p = Pacing::new(2);
        let (ch, other) = (Uuid::now_v7(), Uuid::now_v7());
        // Two tokens per second: the first sends go now, the third must wait.
        assert_eq!(p.wait(ch, "5511900000001"), Duration::ZERO);
        assert_eq!(p.wait(ch, "5511900000002"), Duration::ZERO);
        assert!(p.wait(ch, "5511900000003") > Duration::ZERO);
        // Another number has its own bucket.
        assert_eq!(p.wait(other, "5511900000001"), Duration::ZERO);
        // A recipient hold (131056) stops that recipient only; a number hold (130429) all.
        p.hold(other, Some("5511900000009"), Duration::from_secs(60));
        assert!(p.wait(other, "5511900000009") > Duration::from_secs(50));
        p.hold(other, None, Duration::from_secs(30));
        assert!(p.wait(other, "5511900000001") > Duration::from_secs(20));
    }

    #[test]
    fn the_pair_limit_allows_a_burst_then_paces_one_recipient() {
        let p = Pacing::new(1000);
        let ch = Uuid::now_v7();
        let waits: Vec<Duration> = (0..46).map(|_| p.wait(ch, "5511987654321")).collect();
        assert!(waits[..45].iter().all(|w| w.is_zero()), "a burst of 45 goes at once");
        assert!(
            waits[45] > Duration::from_secs(1),
            "then about one every 6 s: {:?}",
            waits[45]
        );
    }

    #[test]
    fn masks_keep_only_the_end_of_a_secret() {
        assert_eq!(mask("EAAG-secret-token-abcd"), "…abcd");
        assert_eq!(mask("short"), "…");
    }

    #[test]
    fn origins_are_scheme_and_host() {
        assert!(valid_origin("https://shop.example.com"));
        assert!(valid_origin("http://localhost:3000"));
        assert!(!valid_origin("shop.example.com"));
        assert!(!valid_origin("https://shop.example.com/path"));
        assert!(!valid_origin("javascript://x"));
    }
}
