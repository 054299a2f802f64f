//! The API contract: what the OpenAPI document promises beyond each handler's own annotation.
//!
//! Two things live here so that a route cannot lie about them (see "API contract" in
//! docs/architecture.md, and `scripts/api-contract`, which runs schemathesis against the served
//! document):
//!
//! - [`error_responses`]: the error statuses an operation can answer, derived from what it
//!   takes (credentials, path parameters, query parameters, a body) and what it does (a mutation
//!   can conflict), each with the standard error body. A handler lists only its success statuses
//!   and the errors no rule covers (`401` on the sign-in routes, `426` on the WebSocket).
//! - The schemas of validated values ([`display_name`], [`shortcut`], …, and every `limit`
//!   parameter, see [`page_limits`]): built from the same constants the validation in
//!   `atende-domain`/`atende-core` reads, so a changed limit changes the document too. Request
//!   fields point at them with `#[schema(schema_with = contract::…)]` (or
//!   `#[param(schema_with = …)]`).
//!
//! # Layout
//! - this module: [`error_responses`], [`page_limits`].
//! - `values`: the schemas of validated values (re-exported here: `contract::display_name`).
//! - `rules`: what the derived component schemas cannot say alone (`exactly_one_of`,
//!   `at_least_one_of`, the channel credentials, UUID patterns, message content).

mod rules;
mod values;

pub(super) use rules::{channel_rules, component_rules, content_rules, uuid_patterns};
pub use values::*;

use crate::error::ErrorBody;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDoc, RefOr, ResponseBuilder};

/// Adds the error responses an operation can give, each pointing at `ErrorBody`:
///
/// | status | when |
/// | --- | --- |
/// | 400 | always (malformed JSON, path or query) |
/// | 401, 403 | the operation needs credentials (`security` is set) |
/// | 404 | credentials (ids of another tenant answer 404) or a path parameter |
/// | 409 | a secured `POST`, `PUT`, `PATCH` or `DELETE` (unique names, state changes) |
/// | 413, 415 | a request body |
/// | 422 | a body, a query parameter or credentials (the use case validates what it is given) |
/// | 429 | always (rate limits) |
/// | 500 | always |
///
/// A status the handler's annotation already lists keeps the handler's description.
pub(super) fn error_responses(doc: &mut OpenApiDoc) {
    let err = |desc: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(desc)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                            <ErrorBody as utoipa::ToSchema>::name(),
                        ))))
                        .build(),
                )
                .build(),
        )
    };
    crate::routes::for_each_method(doc, |_, method, op| {
        let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
        let has_body = op.request_body.is_some();
        let has_in = |kind: ParameterIn| {
            op.parameters
                .iter()
                .flatten()
                .filter_map(|p| match p {
                    RefOr::T(p) => Some(p),
                    RefOr::Ref(_) => None,
                })
                .any(|p| std::mem::discriminant(&p.parameter_in) == std::mem::discriminant(&kind))
        };
        let has_query = has_in(ParameterIn::Query);
        let has_path = has_in(ParameterIn::Path);
        let mutation = matches!(method, "post" | "put" | "patch" | "delete");
        let rs = &mut op.responses.responses;
        let mut add = |code: &str, desc: &str| {
            rs.entry(code.to_owned()).or_insert_with(|| err(desc));
        };
        add("400", "Malformed request (bad JSON, bad path or query)");
        add("429", "Too many requests (see Retry-After)");
        add(
            "500",
            "Internal error (details in the server log, under the request id)",
        );
        if has_body {
            add("413", "Body too large");
            add("415", "Content type is not the one documented");
        }
        if has_body || has_query || secured {
            add("422", "Validation failed (`fields` names each problem)");
        }
        if secured {
            add("401", "Missing or invalid credentials (WWW-Authenticate: Bearer)");
            add("403", "Not allowed for this role, or tenant suspended");
        }
        if secured || has_path {
            add("404", "Not found (also for ids of another tenant)");
        }
        if secured && mutation {
            add(
                "409",
                "Conflicts with the current state (a unique name in use, a state change not allowed)",
            );
        }
    });
}

/// Every `limit` query parameter: 1 to [`atende_db::page::MAX_LIMIT`], the bounds
/// `PageRequest::parse` enforces (lists of one resource may be smaller, never larger); every
/// `cursor`: [`atende_db::page::CURSOR_PATTERN`], what `decode_cursor` reads.
pub(super) fn page_limits(doc: &mut OpenApiDoc) {
    crate::routes::for_each_method(doc, |_, _, op: &mut Operation| {
        for p in op.parameters.iter_mut().flatten() {
            let RefOr::T(p) = p else { continue };
            // `send::send`: 1 to IDEMPOTENCY_KEY visible ASCII characters (the header must be text).
            if p.name == "Idempotency-Key" && matches!(p.parameter_in, ParameterIn::Header) {
                p.schema = Some(RefOr::T(Schema::Object(text(
                    false,
                    1,
                    atende_core::inbox::send::limits::IDEMPOTENCY_KEY,
                    Some(r"^[\x21-\x7E]+$"),
                ))));
            }
            // A cursor that declares its own shape (the inbox's) keeps it.
            let has_pattern = matches!(&p.schema, Some(RefOr::T(Schema::Object(o))) if o.pattern.is_some());
            if p.name == "cursor" && matches!(p.parameter_in, ParameterIn::Query) && !has_pattern {
                p.schema = Some(RefOr::T(Schema::Object(text(
                    true,
                    0,
                    22,
                    Some(atende_db::page::CURSOR_PATTERN),
                ))));
            }
            if p.name == "limit" && matches!(p.parameter_in, ParameterIn::Query) {
                let max = p
                    .schema
                    .as_ref()
                    .and_then(|s| match s {
                        RefOr::T(Schema::Object(o)) => o.maximum.clone(),
                        _ => None,
                    })
                    .unwrap_or_else(|| atende_db::page::MAX_LIMIT.into());
                p.schema = Some(RefOr::T(Schema::Object(
                    ObjectBuilder::new()
                        .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
                        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                            utoipa::openapi::KnownFormat::Int64,
                        )))
                        .minimum(Some(1))
                        .maximum(Some(max))
                        .build(),
                )));
            }
        }
    });
}
