//! Routes under `/api/v1`, one module per resource, and the OpenAPI document they build.
//!
//! Handlers are thin: extract, call one use case of `atende-core`, map the result.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod channels;
pub mod contacts;
pub mod contract;
pub mod conversations;
pub mod departments;
pub mod flows;
pub mod health;
pub mod media;
pub mod members;
pub mod quick_replies;
pub mod realtime;
pub mod start_conversation;
pub mod tags;
pub mod teams;
pub mod templates;
pub mod tenants;
pub mod users;
pub mod webhooks;
pub mod widget;

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::http::StatusCode;
use serde::{Deserialize, Deserializer};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Atende API",
        description = "Multi-tenant omnichannel customer service. Errors always have the body \
            `{\"error\": {\"code\", \"message\", \"fields\"}}`; lists are keyset-paginated with \
            `limit` (1-200) and `cursor`.",
        license(name = "AGPL-3.0-or-later")
    ),
    components(schemas(ErrorBody, atende_core::channels::ChannelSettings)),
    modifiers(&SecurityAddon),
    tags(
        (name = "auth", description = "Sign-in, sessions, magic links"),
        (name = "users", description = "The caller's profile and second factor"),
        (name = "tenants", description = "Tenants, domains, members"),
        (name = "org", description = "Departments and teams"),
        (name = "api_keys", description = "Integration keys"),
        (name = "contacts", description = "Contacts and the tags on them"),
        (name = "tags", description = "Labels shared by contacts and conversations"),
        (name = "quick_replies", description = "Canned answers behind a /shortcut"),
        (name = "flows", description = "Chatbot flows: the builder's drafts, published versions, preview"),
        (name = "audit", description = "The audit trail"),
        (name = "channels", description = "WhatsApp numbers and web-chat widgets"),
        (name = "conversations", description = "The inbox: conversations, messages, templates, files"),
        (name = "webhooks", description = "Provider deliveries (signed) and their replay"),
        (name = "widget", description = "The web-chat widget's visitor API (visitor token, CORS per channel)"),
        (name = "realtime", description = "The live connection (WebSocket) and presence"),
        (name = "ops", description = "Health, readiness, metrics")
    )
)]
pub struct ApiDoc;

struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT access token or atk_ API key")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "visitor",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("vst_ visitor token from POST /widget/sessions")
                    .build(),
            ),
        );
    }
}

/// The API router and its OpenAPI document, built from the same handler list.
pub fn api() -> (axum::Router<AppState>, OpenApiDoc) {
    let v1 = OpenApiRouter::new()
        .routes(routes!(auth::token))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::switch_tenant))
        .routes(routes!(auth::magic_link))
        .routes(routes!(auth::magic_link_verify))
        .routes(routes!(auth::password_reset))
        .routes(routes!(auth::password_reset_confirm))
        .routes(routes!(users::me, users::update_me))
        .routes(routes!(users::totp_enroll))
        .routes(routes!(users::totp_confirm))
        .routes(routes!(users::totp_disable))
        .routes(routes!(tenants::list, tenants::create))
        .routes(routes!(tenants::get, tenants::update))
        .routes(routes!(tenants::list_domains, tenants::add_domain))
        .routes(routes!(tenants::impersonate))
        .routes(routes!(members::list, members::invite))
        .routes(routes!(members::update))
        .routes(routes!(members::resend_invitation))
        .routes(routes!(departments::list, departments::create))
        .routes(routes!(departments::get, departments::update, departments::delete))
        .routes(routes!(teams::list, teams::create))
        .routes(routes!(teams::get, teams::update, teams::delete))
        .routes(routes!(teams::list_members, teams::add_member))
        .routes(routes!(teams::remove_member))
        .routes(routes!(api_keys::list, api_keys::create))
        .routes(routes!(api_keys::revoke))
        .routes(routes!(audit::list))
        .routes(routes!(channels::list))
        .routes(routes!(channels::setup))
        .routes(routes!(channels::connect))
        .routes(routes!(channels::get, channels::update, channels::delete))
        .routes(routes!(channels::activate))
        .routes(routes!(channels::health))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(webhooks::whatsapp_verify, webhooks::whatsapp_deliver))
                .layer(axum::extract::DefaultBodyLimit::max(
                    usize::try_from(crate::middleware::WEBHOOK_LIMIT).unwrap_or(usize::MAX),
                )),
        )
        .routes(routes!(webhooks::replay))
        .routes(routes!(conversations::list))
        .routes(routes!(conversations::counts))
        .routes(routes!(start_conversation::start_conversation))
        .routes(routes!(conversations::get, conversations::update))
        .routes(routes!(conversations::assign))
        .routes(routes!(conversations::take))
        .routes(routes!(conversations::undo_resolve))
        .routes(routes!(conversations::transfer))
        .routes(routes!(conversations::read))
        .routes(routes!(conversations::messages, conversations::send_message))
        .routes(routes!(conversations::retry_media))
        .routes(routes!(conversations::retry))
        .routes(routes!(templates::list))
        .routes(routes!(templates::sync))
        .routes(routes!(media::download))
        .routes(routes!(realtime::ws))
        .routes(routes!(realtime::presence))
        .merge(
            // Uploads take files up to WhatsApp's 100 MB (the layer nearest the route wins).
            OpenApiRouter::new()
                .routes(routes!(media::upload))
                .layer(axum::extract::DefaultBodyLimit::max(
                    usize::try_from(crate::middleware::UPLOAD_LIMIT).unwrap_or(usize::MAX),
                )),
        )
        .routes(routes!(widget::start_session))
        .routes(routes!(widget::messages, widget::send))
        .routes(routes!(widget::typing))
        .routes(routes!(widget::stream))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(widget::upload))
                .layer(axum::extract::DefaultBodyLimit::max(widget::UPLOAD_LIMIT)),
        )
        .routes(routes!(contacts::list, contacts::create))
        .routes(routes!(contacts::get, contacts::update, contacts::delete))
        .routes(routes!(contacts::set_tags))
        .routes(routes!(tags::list, tags::create))
        .routes(routes!(tags::get, tags::update, tags::delete))
        .routes(routes!(flows::list, flows::create))
        .routes(routes!(flows::get, flows::update, flows::delete))
        .routes(routes!(flows::publish))
        .routes(routes!(flows::versions))
        .routes(routes!(flows::preview))
        .routes(routes!(quick_replies::list, quick_replies::create))
        .routes(routes!(
            quick_replies::get,
            quick_replies::update,
            quick_replies::delete
        ));
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", v1)
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
        .split_for_parts();
    let mut doc = doc;
    // After the routes are collected (a `modifiers(...)` entry would run on the empty path list).
    contract::error_responses(&mut doc);
    contract::page_limits(&mut doc);
    contract::component_rules(&mut doc);
    contract::channel_rules(&mut doc);
    contract::content_rules(&mut doc);
    contract::uuid_patterns(&mut doc);
    unique_operation_ids(&mut doc);
    (router, doc)
}

/// Calls `f` on every operation of the document with its path.
fn for_each_operation(doc: &mut OpenApiDoc, mut f: impl FnMut(&str, &mut utoipa::openapi::path::Operation)) {
    for_each_method(doc, |path, _, op| f(path, op));
}

/// Calls `f` on every operation of the document with its path and lower-case method.
fn for_each_method(doc: &mut OpenApiDoc, mut f: impl FnMut(&str, &str, &mut utoipa::openapi::path::Operation)) {
    for (path, item) in &mut doc.paths.paths {
        let ops = [
            ("get", item.get.as_mut()),
            ("post", item.post.as_mut()),
            ("put", item.put.as_mut()),
            ("patch", item.patch.as_mut()),
            ("delete", item.delete.as_mut()),
        ];
        for (method, op) in ops {
            if let Some(op) = op {
                f(path, method, op);
            }
        }
    }
}

/// OpenAPI requires unique `operationId`s (the web app's generated client names its functions
/// by them), but handlers of different resources share names (`list`, `update`, …). A shared id
/// becomes `{resource}_{id}`, the resource being the path's last literal segment.
fn unique_operation_ids(doc: &mut OpenApiDoc) {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for_each_operation(doc, |_, op| {
        if let Some(id) = &op.operation_id {
            *seen.entry(id.clone()).or_default() += 1;
        }
    });
    for_each_operation(doc, |path, op| {
        let Some(id) = &op.operation_id else { return };
        if seen.get(id).copied().unwrap_or(0) > 1 {
            let resource = path
                .rsplit('/')
                .find(|s| !s.is_empty() && !s.starts_with('{'))
                .unwrap_or("api")
                .replace('-', "_");
            op.operation_id = Some(format!("{resource}_{id}"));
        }
    });
}

/// For PATCH bodies: distinguishes an absent field (`None`) from an explicit `null`
/// (`Some(None)`, which clears the value).
pub(crate) fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// 204 No Content.
pub(crate) fn no_content() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// The per-IP limit of the sign-in routes.
pub(crate) fn limit_ip(state: &AppState, ip: Option<&str>) -> Result<(), ApiError> {
    let Some(ip) = ip.and_then(|s| s.parse().ok()) else {
        return Ok(());
    };
    match state.auth_limiter.check_key(&ip) {
        Ok(()) => Ok(()),
        Err(not_until) => {
            use governor::clock::{Clock, DefaultClock};
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            Err(ApiError {
                retry_after: Some(wait.as_secs().max(1)),
                ..ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_requests",
                    "too many requests from your address; slow down",
                )
            })
        }
    }
}
