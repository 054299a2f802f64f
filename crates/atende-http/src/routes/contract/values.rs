//! The schemas of validated values, built from the constants the validation reads.

use atende_core::messaging::{contacts, quick_replies, tags};
use atende_core::people::org;
use atende_domain::values::{NAME_MAX, NAME_PATTERN, Password};
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, SchemaType, Type};

pub(super) fn text(nullable: bool, min: usize, max: usize, pattern: Option<&str>) -> Object {
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

pub(super) fn with_format(o: Object, format: &str, description: &str) -> Object {
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

/// The inbox's cursor (`InboxCursor::decode`, not the plain id cursor of other lists).
pub fn inbox_cursor() -> Object {
    text(true, 0, 32, Some(atende_db::repo::conversations::INBOX_CURSOR_PATTERN))
}

/// An origin `channels::valid_origin` accepts: `http(s)://host[:port]`.
pub const ORIGIN_PATTERN: &str = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$";

/// The hyphenated form every id is written in (serde's `Uuid` also reads other spellings).
pub const UUID_PATTERN: &str = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// A flow's description (`flows::DESCRIPTION_MAX`); blank or `null` clears it.
pub fn flow_description() -> Object {
    text(true, 0, atende_core::flows::DESCRIPTION_MAX, None)
}

/// A flow's priority: 0 to `flows::PRIORITY_MAX`.
pub fn flow_priority() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Integer))
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Int32,
        )))
        .minimum(Some(0))
        .maximum(Some(atende_core::flows::PRIORITY_MAX))
        .build()
}

/// A flow's triggers: at most `flows::TRIGGERS_MAX`.
pub fn flow_triggers() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("Trigger"))
        .max_items(Some(atende_core::flows::TRIGGERS_MAX))
        .build()
}

/// A preview's messages: at most `PREVIEW_MESSAGES_MAX`, each of at most `PREVIEW_MESSAGE_MAX`
/// characters.
pub fn preview_messages() -> utoipa::openapi::schema::Array {
    use atende_core::flows::publish::{PREVIEW_MESSAGE_MAX, PREVIEW_MESSAGES_MAX};
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(text(false, 0, PREVIEW_MESSAGE_MAX, None))
        .max_items(Some(PREVIEW_MESSAGES_MAX))
        .build()
}
