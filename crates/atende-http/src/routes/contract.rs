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

use crate::error::ErrorBody;
use atende_core::messaging::{contacts, quick_replies, tags};
use atende_core::people::org;
use atende_domain::values::{NAME_MAX, NAME_PATTERN, Password};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, SchemaType, Type};
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
    super::for_each_method(doc, |_, method, op| {
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
    super::for_each_method(doc, |_, _, op: &mut Operation| {
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

fn text(nullable: bool, min: usize, max: usize, pattern: Option<&str>) -> Object {
    let ty = if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::Type(Type::String)
    };
    ObjectBuilder::new()
        .schema_type(ty)
        .min_length((min > 0).then_some(min))
        .max_length(Some(max))
        .pattern(pattern)
        .build()
}

/// A display name (person, tenant, department, team, channel, API key): `parse_name(_, NAME_MAX)`.
pub fn display_name() -> Object {
    text(false, 1, NAME_MAX, Some(NAME_PATTERN))
}

/// The same for an optional field (`null` reads as absent).
pub fn display_name_opt() -> Object {
    text(true, 1, NAME_MAX, Some(NAME_PATTERN))
}

/// A tag's name on an update (`null` reads as absent).
pub fn tag_name_opt() -> Object {
    text(true, 1, tags::NAME_MAX, Some(NAME_PATTERN))
}

/// A contact's name (`contacts::NAME_MAX`); `null` clears it.
pub fn contact_name() -> Object {
    text(true, 1, contacts::NAME_MAX, Some(NAME_PATTERN))
}

/// A tag's name (`tags::NAME_MAX`).
pub fn tag_name() -> Object {
    text(false, 1, tags::NAME_MAX, Some(NAME_PATTERN))
}

/// `#rrggbb`, the form `tags::parse_color` accepts.
pub fn color() -> Object {
    text(true, 7, 7, Some(TAG_COLOR_PATTERN))
}

/// What `tags::parse_color` accepts (it also trims surrounding blanks).
pub const TAG_COLOR_PATTERN: &str = "^#[0-9A-Fa-f]{6}$";

/// A department's or team's description (`org::DESCRIPTION_MAX`); blank or `null` clears it.
pub fn description() -> Object {
    text(true, 0, org::DESCRIPTION_MAX, None)
}

/// A quick reply's `/shortcut`: `/` (optional) and 1 to `SHORTCUT_MAX` letters, digits, `_` or
/// `-`. The pattern names ASCII letters and digits; the server also takes other alphabets.
pub fn shortcut() -> Object {
    let max = quick_replies::SHORTCUT_MAX;
    text(false, 1, max + 1, Some(&format!("^/?[A-Za-z0-9_-]{{1,{max}}}$")))
}

/// A quick reply's title (`quick_replies::TITLE_MAX`).
pub fn quick_reply_title() -> Object {
    text(false, 1, quick_replies::TITLE_MAX, Some(NAME_PATTERN))
}

/// A quick reply's text (`quick_replies::CONTENT_MAX`): not blank; line breaks and tabs are
/// the only control characters allowed.
pub fn quick_reply_content() -> Object {
    text(
        false,
        1,
        quick_replies::CONTENT_MAX,
        Some(
            r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$",
        ),
    )
}

/// A quick reply's category (`quick_replies::CATEGORY_MAX`); blank or `null` clears it.
pub fn quick_reply_category() -> Object {
    text(true, 0, quick_replies::CATEGORY_MAX, Some(r"^[^\x00-\x1F\x7F-\x9F]*$"))
}

/// A new password: `Password::MIN` to `Password::MAX` characters.
pub fn new_password() -> Object {
    text(true, Password::MIN, Password::MAX, None)
}

/// A new password that must be given (not `null`): `Password::MIN` to `Password::MAX` characters.
pub fn new_password_required() -> Object {
    text(false, Password::MIN, Password::MAX, None)
}

/// A channel kind that can be connected (`channels::CONNECTABLE_KINDS`).
pub fn channel_kind() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .enum_values(Some(atende_core::channels::CONNECTABLE_KINDS))
        .build()
}

/// The same, as an optional filter.
pub fn channel_kind_filter() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(atende_core::channels::CONNECTABLE_KINDS))
        .build()
}

fn with_format(o: Object, format: &str, description: &str) -> Object {
    let mut o = o;
    o.format = Some(utoipa::openapi::SchemaFormat::Custom(format.to_owned()));
    o.description = Some(description.to_owned());
    o
}

/// An e-mail address (`Email::parse`: at most 254 characters).
pub fn email() -> Object {
    with_format(text(false, 3, 254, None), "email", "An e-mail address.")
}

/// The same; `null` (where the field allows it) clears it.
pub fn email_nullable() -> Object {
    with_format(
        text(true, 3, 254, None),
        "email",
        "An e-mail address; `null` clears it.",
    )
}

/// An http(s) URL of at most `contacts::URL_MAX` characters.
pub fn url() -> Object {
    let mut o = text(true, 8, contacts::URL_MAX, Some(URL_PATTERN));
    o.description = Some("An http or https URL.".to_owned());
    o
}

/// The URLs the document promises to take: http(s), a host name, an optional path of
/// unreserved characters (the server takes any URL `url::Url` parses with these schemes).
pub const URL_PATTERN: &str = r"^https?://([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(/[A-Za-z0-9._~/-]*)?$";

/// A tenant slug (`Slug::parse`): 2-63 of `a-z`, `0-9` and inner hyphens.
pub fn slug() -> Object {
    text(false, 2, 63, Some("^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$"))
}

/// `format: phone`: a phone number the server can parse (`PhoneE164::parse`), in any common
/// spelling (`+55 11 98765-4321`, `(11) 98765-4321`, `+5511987654321`); stored as E.164.
pub fn phone() -> Object {
    with_format(
        text(true, 1, atende_domain::phone::MAX_INPUT_CHARS, None),
        PHONE_FORMAT,
        "A valid phone number in any common spelling (E.164 preferred: `+5511987654321`); \
         numbers without a country code are taken as Brazilian. `null` clears it.",
    )
}

/// The custom format name of [`phone`]; `scripts/lib/api_contract_hooks.py` generates it.
pub const PHONE_FORMAT: &str = "phone";

/// `format: iana-time-zone`: a zone of the IANA database (`TimeZoneName::parse`).
pub fn time_zone() -> Object {
    with_format(
        text(true, 1, 64, None),
        TIME_ZONE_FORMAT,
        "An IANA time zone name, such as `America/Sao_Paulo`.",
    )
}

/// The custom format name of [`time_zone`]; `scripts/lib/api_contract_hooks.py` generates it.
pub const TIME_ZONE_FORMAT: &str = "iana-time-zone";

/// The inbox's `status` filter: `all`, or a comma-separated list of conversation statuses
/// (`ConversationStatus::ALL`).
pub fn conversation_status_filter() -> Object {
    let one = atende_domain::ConversationStatus::ALL
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("|");
    text(true, 0, 200, Some(&format!("^(all|({one})(,({one}))*)?$")))
}

/// The inbox's `assignee` filter: `me`, `none` or a user id.
pub fn assignee_filter() -> Object {
    text(
        true,
        2,
        36,
        Some("^(me|none|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"),
    )
}

/// A template review state (`templates::KNOWN_STATUSES`).
pub fn template_status() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .enum_values(Some(atende_core::inbox::templates::KNOWN_STATUSES.iter().copied()))
        .build()
}

/// Rules on whole request bodies, applied to their component schemas by name: "at least one of
/// these fields", and the parts of core types (`AttachmentRef`) the HTTP layer does not declare.
pub(super) fn component_rules(doc: &mut OpenApiDoc) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let schemas = &mut components.schemas;
    let attachment_text = || text(false, 1, quick_replies::ATTACHMENT_TEXT_MAX, Some(NAME_PATTERN));
    if let Some(RefOr::T(Schema::Object(o))) = schemas.get_mut("AttachmentRef") {
        for f in ["object_key", "mime_type", "file_name"] {
            if let Some(p) = o.properties.get_mut(f) {
                *p = RefOr::T(Schema::Object(attachment_text()));
            }
        }
        if let Some(p) = o.properties.get_mut("url") {
            *p = RefOr::T(Schema::Object(text(
                false,
                8,
                quick_replies::ATTACHMENT_TEXT_MAX,
                Some(URL_PATTERN),
            )));
        }
    }
    // Multipart forms: the handlers read the documented parts only.
    for name in ["UploadForm", "WidgetUploadForm"] {
        if let Some(RefOr::T(Schema::Object(o))) = schemas.get_mut(name) {
            o.additional_properties = Some(Box::new(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)));
        }
    }
    // `contacts::create`: a contact needs a name, a phone or an e-mail.
    at_least_one_of(schemas, "CreateContactBody", &["name", "phone", "email"]);
    // `conversations::assign`: a user (`null` unassigns), a team or a department.
    at_least_one_of(schemas, "AssignBody", &["user_id", "team_id", "department_id"]);
    // `conversations::transfer`: a user, a team or a department to transfer to.
    at_least_one_of(schemas, "TransferBody", &["user_id", "team_id", "department_id"]);
    // `quick_replies`: an attachment is a stored file or a URL.
    at_least_one_of(schemas, "AttachmentRef", &["object_key", "url"]);
    // `inbox::start`: a contact by id or a phone number (a parseable one), never both.
    if let Some(RefOr::T(Schema::Object(o))) = schemas.get_mut("StartConversation") {
        o.properties.insert("phone".into(), RefOr::T(Schema::Object(phone())));
        o.properties
            .insert("name".into(), RefOr::T(Schema::Object(contact_name())));
    }
    exactly_one_of(schemas, "StartConversation", &["contact_id", "phone"]);
}

/// Wraps the named schema in `allOf: [schema, oneOf: [{required: [f], f non-null} …]]`: exactly
/// one of the fields is given (and not `null`).
fn exactly_one_of(schemas: &mut std::collections::BTreeMap<String, RefOr<Schema>>, name: &str, fields: &[&str]) {
    let Some(RefOr::T(Schema::Object(obj))) = schemas.get(name) else {
        return;
    };
    let obj = obj.clone();
    let mut one = utoipa::openapi::schema::OneOfBuilder::new();
    for f in fields {
        one = one.item(alternative(&obj, name, f));
    }
    let all = utoipa::openapi::schema::AllOfBuilder::new()
        .item(Schema::Object(obj))
        .item(Schema::OneOf(one.build()))
        .build();
    schemas.insert(name.to_owned(), RefOr::T(Schema::AllOf(all)));
}

/// `{required: [f], properties: {f: <f's schema without null>}}` (`AssignBody.user_id` keeps
/// its `null`, which names a target: unassign).
fn alternative(obj: &Object, name: &str, f: &str) -> Object {
    let mut alt = ObjectBuilder::new().required(f);
    let null_names_it = name == "AssignBody" && f == "user_id";
    if !null_names_it && let Some(RefOr::T(Schema::Object(p))) = obj.properties.get(f) {
        let mut p = p.clone();
        if let SchemaType::Array(types) = &p.schema_type {
            let kept: Vec<Type> = types.iter().filter(|t| **t != Type::Null).cloned().collect();
            p.schema_type = match kept.as_slice() {
                [one] => SchemaType::Type(one.clone()),
                _ => SchemaType::Array(kept),
            };
        }
        alt = alt.property(f, p);
    }
    alt.build()
}

/// `contacts::check_attributes`: an object of at most 100 keys of 1 to 64 characters.
pub fn custom_attributes() -> Object {
    let mut o = ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Object, Type::Null]))
        .max_properties(Some(contacts::ATTRIBUTES_MAX_KEYS))
        .description(Some(format!(
            "A JSON object of the tenant's own fields: at most {} keys of 1 to {} characters, \
             {} bytes in all.",
            contacts::ATTRIBUTES_MAX_KEYS,
            contacts::ATTRIBUTE_KEY_MAX,
            contacts::ATTRIBUTES_MAX_BYTES
        )))
        .build();
    o.property_names = Some(Box::new(Schema::Object(text(
        false,
        1,
        contacts::ATTRIBUTE_KEY_MAX,
        Some(r"^[^\x00-\x1F\x7F-\x9F]*$"),
    ))));
    o
}

/// Wraps the named schema in `allOf: [schema, anyOf: [{required: [f], f non-null} …]]`. The
/// exception is `AssignBody.user_id`, whose `null` (unassign) names a target too.
fn at_least_one_of(schemas: &mut std::collections::BTreeMap<String, RefOr<Schema>>, name: &str, fields: &[&str]) {
    let Some(RefOr::T(Schema::Object(obj))) = schemas.get(name) else {
        return;
    };
    let obj = obj.clone();
    let mut any = utoipa::openapi::schema::AnyOfBuilder::new();
    for f in fields {
        any = any.item(alternative(&obj, name, f));
    }
    let all = utoipa::openapi::schema::AllOfBuilder::new()
        .item(Schema::Object(obj))
        .item(Schema::AnyOf(any.build()))
        .build();
    schemas.insert(name.to_owned(), RefOr::T(Schema::AllOf(all)));
}

/// The inbox's cursor (`InboxCursor::decode`, not the plain id cursor of other lists).
pub fn inbox_cursor() -> Object {
    text(true, 0, 32, Some(atende_db::repo::conversations::INBOX_CURSOR_PATTERN))
}

/// A WhatsApp credential document (`channels::whatsapp_credentials`): the known keys only,
/// strings of at most `channels::TEXT_MAX` bytes, the required ones not blank.
fn whatsapp_credentials(nullable: bool, complete: bool) -> Object {
    use atende_core::channels::{TEXT_MAX, WHATSAPP_CREDENTIAL_KEYS, WHATSAPP_REQUIRED_KEYS};
    let ty = if nullable {
        SchemaType::from_iter([Type::Object, Type::Null])
    } else {
        SchemaType::Type(Type::Object)
    };
    let mut b = ObjectBuilder::new()
        .schema_type(ty)
        .description(Some(
            "WhatsApp: `phone_number_id`, `waba_id`, `access_token`, `app_secret`, `verify_token`. \
             Never returned afterwards.",
        ))
        .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)));
    for k in WHATSAPP_CREDENTIAL_KEYS {
        // Bytes, not characters, are counted: ASCII keeps the two the same. The two ids are
        // Graph ids (`is_graph_id`).
        let s = if matches!(k, "phone_number_id" | "waba_id") {
            text(false, 1, 64, Some(atende_channels::whatsapp_cloud::GRAPH_ID_PATTERN))
        } else if k == "verify_token" {
            // `channels::setup::check_verify_token`: it goes into Meta's handshake URL.
            let len = atende_core::channels::setup::VERIFY_TOKEN_LEN;
            text(false, *len.start(), *len.end(), Some(r"^[A-Za-z0-9._~-]+$"))
        } else {
            text(false, 1, TEXT_MAX, Some(r"^[\x21-\x7E]+$"))
        };
        b = b.property(k, s);
    }
    // On connect the document is complete; a PATCH sends only the keys that change (merged).
    if complete {
        for k in WHATSAPP_REQUIRED_KEYS {
            b = b.required(k);
        }
    }
    b.build()
}

/// `channels::check_settings` on `ChannelSettings`, and the credential document by kind.
pub(super) fn channel_rules(doc: &mut OpenApiDoc) {
    use atende_core::channels::{ORIGINS_MAX, REOPEN_WINDOW_MAX_HOURS, TEXT_MAX};
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let schemas = &mut components.schemas;
    if let Some(RefOr::T(Schema::Object(o))) = schemas.get_mut("ChannelSettings") {
        for f in ["greeting", "away_message"] {
            if let Some(p) = o.properties.get_mut(f) {
                *p = RefOr::T(Schema::Object(text(true, 0, TEXT_MAX, None)));
            }
        }
        if let Some(RefOr::T(Schema::Object(p))) = o.properties.get_mut("reopen_window_hours") {
            p.minimum = Some(0.into());
            p.maximum = Some(REOPEN_WINDOW_MAX_HOURS.into());
        }
        if let Some(p) = o.properties.get_mut("allowed_origins") {
            *p = RefOr::T(Schema::Array(
                utoipa::openapi::schema::ArrayBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
                    .max_items(Some(ORIGINS_MAX))
                    .items(text(false, 8, 261, Some(ORIGIN_PATTERN)))
                    .build(),
            ));
        }
        o.additional_properties = Some(Box::new(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)));
    }
    for name in ["ConnectBody", "UpdateChannelBody"] {
        if let Some(RefOr::T(Schema::Object(o))) = schemas.get_mut(name) {
            let settings = RefOr::Ref(utoipa::openapi::Ref::from_schema_name("ChannelSettings"));
            o.properties.insert("settings".into(), settings);
            let complete = name == "ConnectBody";
            o.properties.insert(
                "credentials".into(),
                RefOr::T(Schema::Object(whatsapp_credentials(true, complete))),
            );
        }
    }
    // Connect: WhatsApp needs the credential document, web chat takes none.
    if let Some(RefOr::T(Schema::Object(obj))) = schemas.get("ConnectBody") {
        let obj = obj.clone();
        let kind = |k: &str| {
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .enum_values(Some([k.to_owned()]))
                .build()
        };
        let whatsapp = ObjectBuilder::new()
            .property("kind", kind(atende_db::repo::channels::kind::WHATSAPP_CLOUD))
            .property("credentials", whatsapp_credentials(false, true))
            .required("credentials")
            .build();
        let webchat = ObjectBuilder::new()
            .property("kind", kind(atende_db::repo::channels::kind::WEBCHAT))
            .property(
                "credentials",
                ObjectBuilder::new().schema_type(SchemaType::Type(Type::Null)).build(),
            )
            .build();
        let one = utoipa::openapi::schema::OneOfBuilder::new()
            .item(whatsapp)
            .item(webchat)
            .build();
        let all = utoipa::openapi::schema::AllOfBuilder::new()
            .item(Schema::Object(obj))
            .item(Schema::OneOf(one))
            .build();
        schemas.insert("ConnectBody".to_owned(), RefOr::T(Schema::AllOf(all)));
    }
}

/// An origin `channels::valid_origin` accepts: `http(s)://host[:port]`.
pub const ORIGIN_PATTERN: &str = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$";

/// The hyphenated form every id is written in (serde's `Uuid` also reads other spellings).
pub const UUID_PATTERN: &str = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// Gives every `format: uuid` string of the document its pattern too, so generators that
/// ignore formats (and clients that check patterns only) still produce and expect ids.
pub(super) fn uuid_patterns(doc: &mut OpenApiDoc) {
    fn walk(s: &mut Schema) {
        match s {
            Schema::Object(o) => {
                let is_uuid = matches!(
                    &o.format,
                    Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Uuid
                    ))
                );
                if is_uuid && o.pattern.is_none() {
                    o.pattern = Some(UUID_PATTERN.to_owned());
                }
                for p in o.properties.values_mut() {
                    walk_ref(p);
                }
            }
            Schema::Array(a) => {
                if let utoipa::openapi::schema::ArrayItems::RefOrSchema(i) = &mut a.items {
                    walk_ref(i);
                }
            }
            Schema::AllOf(x) => x.items.iter_mut().for_each(walk_ref),
            Schema::AnyOf(x) => x.items.iter_mut().for_each(walk_ref),
            Schema::OneOf(x) => x.items.iter_mut().for_each(walk_ref),
            _ => {}
        }
    }
    fn walk_ref(r: &mut RefOr<Schema>) {
        if let RefOr::T(s) = r {
            walk(s);
        }
    }
    if let Some(c) = doc.components.as_mut() {
        c.schemas.values_mut().for_each(walk_ref);
    }
    super::for_each_method(doc, |_, _, op| {
        for p in op.parameters.iter_mut().flatten() {
            if let RefOr::T(p) = p
                && let Some(s) = p.schema.as_mut()
            {
                walk_ref(s);
            }
        }
        if let Some(RefOr::T(b)) = op.request_body.as_mut() {
            for c in b.content.values_mut() {
                if let RefOr::T(c) = c
                    && let Some(s) = c.schema.as_mut()
                {
                    walk_ref(s);
                }
            }
        }
    });
}

/// `send::validate` on `Content` (what `POST /conversations/{id}/messages` takes), from
/// `send::limits`. Texts must not be blank. A `Choice`'s title takes the stricter of its two
/// uses (a button's 20 characters; a list row's 24).
pub(super) fn content_rules(doc: &mut OpenApiDoc) {
    use atende_core::inbox::send::limits as l;
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let schemas = &mut components.schemas;
    let req = |max: usize| RefOr::T(Schema::Object(text(false, 1, max, Some(r"\S"))));
    let opt = |max: usize| RefOr::T(Schema::Object(text(true, 1, max, Some(r"\S"))));
    if let Some(RefOr::T(Schema::Object(o))) = schemas.get_mut("Choice") {
        o.properties.insert("id".into(), req(l::CHOICE_ID));
        o.properties
            .insert("title".into(), req(l::BUTTON_TITLE.min(l::ROW_TITLE)));
        o.properties.insert("description".into(), opt(l::CHOICE_DESCRIPTION));
    }
    if let Some(RefOr::T(Schema::Object(o))) = schemas.get_mut("ChoiceSection") {
        o.properties.insert("title".into(), opt(l::SECTION_TITLE));
        if let Some(RefOr::T(Schema::Array(a))) = o.properties.get_mut("rows") {
            a.min_items = Some(1);
            a.max_items = Some(l::ROWS);
        }
    }
    if let Some(RefOr::T(Schema::AllOf(all))) = schemas.get_mut("SendMessage") {
        for item in &mut all.items {
            if let RefOr::T(Schema::Object(o)) = item
                && let Some(RefOr::T(Schema::Array(a))) = o.properties.get_mut("mentions")
            {
                a.max_items = Some(l::MENTIONS);
            }
        }
    }
    let Some(RefOr::T(Schema::OneOf(one))) = schemas.get_mut("Content") else {
        return;
    };
    for item in &mut one.items {
        let RefOr::T(Schema::Object(o)) = item else { continue };
        let kind = match o.properties.get("type") {
            Some(RefOr::T(Schema::Object(t))) => t
                .enum_values
                .as_ref()
                .and_then(|v| v.first())
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            _ => None,
        };
        // `validate`: a private note is text. `Content` is only ever flattened into
        // `SendMessage`, so the other kinds state that its `private_note` must be false.
        if kind.as_deref() != Some("text") {
            o.properties.insert(
                "private_note".into(),
                RefOr::T(Schema::Object(
                    ObjectBuilder::new()
                        .schema_type(Type::Boolean)
                        .enum_values(Some([false]))
                        .description(Some("A private note is text."))
                        .build(),
                )),
            );
        }
        let mut set = |field: &str, s: RefOr<Schema>| {
            if o.properties.contains_key(field) {
                o.properties.insert(field.to_owned(), s);
            }
        };
        match kind.as_deref() {
            Some("text") => set("body", req(l::TEXT_BODY)),
            Some("media") => set("caption", opt(l::CAPTION)),
            Some("template") => {
                set("name", req(l::TEMPLATE_NAME));
                set("language", req(l::LANGUAGE));
            }
            Some("buttons") => {
                set("body", req(l::BUTTONS_BODY));
                set("header", opt(l::HEADER));
                set("footer", opt(l::FOOTER));
            }
            Some("list") => {
                set("body", req(l::TEXT_BODY));
                set("header", opt(l::HEADER));
                set("footer", opt(l::FOOTER));
                set("button", req(l::LIST_BUTTON));
            }
            Some("reaction") => set("emoji", opt(l::EMOJI)),
            _ => {}
        }
        let (count_field, max) = match kind.as_deref() {
            Some("buttons") => ("buttons", l::BUTTONS),
            // "At most ROWS rows in all sections" has no JSON Schema form: the document promises
            // one section (of up to ROWS rows); the server also takes up to SECTIONS sections
            // with ROWS rows in all, as the description says.
            Some("list") => {
                o.description = Some(format!(
                    "{} The schema shows one section of up to {} rows; up to {} sections with {} rows \
                     in all are accepted.",
                    o.description.clone().unwrap_or_default(),
                    l::ROWS,
                    l::SECTIONS,
                    l::ROWS
                ));
                ("sections", 1)
            }
            _ => continue,
        };
        if let Some(RefOr::T(Schema::Array(a))) = o.properties.get_mut(count_field) {
            a.min_items = Some(1);
            a.max_items = Some(max);
        }
    }
}
