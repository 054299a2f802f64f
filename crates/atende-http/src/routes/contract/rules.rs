//! Rules on component schemas that field annotations cannot express.

use atende_core::messaging::quick_replies;
use atende_domain::values::NAME_PATTERN;
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi as OpenApiDoc, RefOr};

use super::values::*;

/// Rules on whole request bodies, applied to their component schemas by name: "at least one of
/// these fields", and the parts of core types (`AttachmentRef`) the HTTP layer does not declare.
pub(in crate::routes) fn component_rules(doc: &mut OpenApiDoc) {
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
pub(in crate::routes) fn channel_rules(doc: &mut OpenApiDoc) {
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

/// Gives every `format: uuid` string of the document its pattern too, so generators that
/// ignore formats (and clients that check patterns only) still produce and expect ids.
pub(in crate::routes) fn uuid_patterns(doc: &mut OpenApiDoc) {
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
    crate::routes::for_each_method(doc, |_, _, op| {
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
pub(in crate::routes) fn content_rules(doc: &mut OpenApiDoc) {
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
