//! `/contacts`: the contact book, and the tags on a contact (`PUT /contacts/{id}/tags`
//! replaces the whole set, so the UI sends what its tag picker shows).

use super::{double_option, no_content};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Meta, Tenant};
use crate::state::AppState;
use atende_core::messaging::contacts::{self, ContactChanges, ContactPage, ContactView, NewContactInput};
use atende_core::people::page_request;
use atende_domain::{ContactId, TagId};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListContactsQuery {
    pub limit: Option<u64>,
    pub cursor: Option<String>,
    /// Part of the name or e-mail, or a phone in any spelling (`(11) 98765-4321`,
    /// `+55 11 8765-4321`, `5511987654321`), or at least three of its digits.
    pub q: Option<String>,
    /// Only contacts carrying this tag (id).
    pub tag: Option<Uuid>,
}

/// Contacts of the tenant, oldest first, with their tags, identities, conversation count and
/// last contact, and the total the filter matches (everyone).
#[utoipa::path(get, path = "/contacts", tag = "contacts", params(ListContactsQuery),
    security(("bearer" = [])), responses((status = 200, body = ContactPage)))]
pub async fn list(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiQuery(q): ApiQuery<ListContactsQuery>,
) -> ApiResult<Json<ContactPage>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(Json(
        contacts::list(&s.core, &ctx, q.q.as_deref(), q.tag.map(TagId), page).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContactBody {
    /// Defaults to the phone (or e-mail) when absent.
    #[schema(schema_with = super::contract::contact_name)]
    pub name: Option<String>,
    /// Any spelling; stored as E.164. Unique per tenant (409 on `phone`).
    #[schema(schema_with = super::contract::phone)]
    pub phone: Option<String>,
    #[schema(schema_with = super::contract::email_nullable)]
    pub email: Option<String>,
    #[schema(schema_with = super::contract::url)]
    pub avatar_url: Option<String>,
    /// A JSON object of the tenant's own fields.
    #[schema(schema_with = super::contract::custom_attributes)]
    pub custom_attributes: Option<serde_json::Value>,
    #[serde(default)]
    pub blocked: bool,
    #[serde(default)]
    pub opt_out: bool,
}

/// Create a contact (agent, supervisor, admin). Needs a name, a phone or an e-mail.
#[utoipa::path(post, path = "/contacts", tag = "contacts", request_body = CreateContactBody,
    security(("bearer" = [])), responses((status = 201, body = ContactView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<CreateContactBody>,
) -> ApiResult<(StatusCode, Json<ContactView>)> {
    let input = NewContactInput {
        name: b.name,
        phone: b.phone,
        email: b.email,
        avatar_url: b.avatar_url,
        custom_attributes: b.custom_attributes,
        blocked: b.blocked,
        opt_out: b.opt_out,
    };
    Ok((
        StatusCode::CREATED,
        Json(contacts::create(&s.core, &ctx, input, &meta).await?),
    ))
}

/// One contact with its tags and channel identities.
#[utoipa::path(get, path = "/contacts/{id}", tag = "contacts", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ContactView)))]
pub async fn get(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath(id): ApiPath<ContactId>,
) -> ApiResult<Json<ContactView>> {
    Ok(Json(contacts::get(&s.core, &ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateContactBody {
    #[schema(schema_with = super::contract::contact_name)]
    pub name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = super::contract::phone)]
    pub phone: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = super::contract::email_nullable)]
    pub email: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = super::contract::url)]
    pub avatar_url: Option<Option<String>>,
    /// Merged into the stored object key by key; a key set to `null` is removed.
    #[schema(schema_with = super::contract::custom_attributes)]
    pub custom_attributes: Option<serde_json::Value>,
    pub blocked: Option<bool>,
    pub opt_out: Option<bool>,
}

/// Update a contact (agent, supervisor, admin).
#[utoipa::path(patch, path = "/contacts/{id}", tag = "contacts", request_body = UpdateContactBody, params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ContactView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<ContactId>,
    ApiJson(b): ApiJson<UpdateContactBody>,
) -> ApiResult<Json<ContactView>> {
    let input = ContactChanges {
        name: b.name,
        phone: b.phone,
        email: b.email,
        avatar_url: b.avatar_url,
        custom_attributes: b.custom_attributes,
        blocked: b.blocked,
        opt_out: b.opt_out,
    };
    Ok(Json(contacts::update(&s.core, &ctx, id, input, &meta).await?))
}

/// Delete a contact **with its conversations and messages**. Agents may delete a contact
/// without conversations; one with conversations needs a supervisor or admin (403
/// `contact_has_conversations` otherwise).
#[utoipa::path(delete, path = "/contacts/{id}", tag = "contacts", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 204)))]
pub async fn delete(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<ContactId>,
) -> ApiResult<StatusCode> {
    contacts::delete(&s.core, &ctx, id, &meta).await?;
    Ok(no_content())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetTagsBody {
    /// The complete set of tags the contact should carry (ids; at most 50). `[]` removes all.
    pub tag_ids: Vec<Uuid>,
}

/// Replace the tags on a contact (agent, supervisor, admin).
#[utoipa::path(put, path = "/contacts/{id}/tags", tag = "contacts", request_body = SetTagsBody, params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ContactView)))]
pub async fn set_tags(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<ContactId>,
    ApiJson(b): ApiJson<SetTagsBody>,
) -> ApiResult<Json<ContactView>> {
    Ok(Json(contacts::set_tags(&s.core, &ctx, id, &b.tag_ids, &meta).await?))
}
