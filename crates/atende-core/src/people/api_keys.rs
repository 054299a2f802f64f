//! Integration keys. The secret is shown once; only its digest is stored.

use crate::audit::{self, Entry, RequestMeta, Who};
use crate::auth::API_KEY_PREFIX;
use crate::authz::{require, require_person};
use crate::error::{CoreError, CoreResult};
use crate::views::{ApiKeyCreated, ApiKeyView, Paged};
use crate::{Core, crypto};
use atende_db::page::PageRequest;
use atende_db::repo::api_keys::{self, NewApiKey};
use atende_domain::{Action, ApiKeyId, FieldErrors, Role, TenantCtx};

pub async fn list(core: &Core, ctx: &TenantCtx, page: PageRequest) -> CoreResult<Paged<ApiKeyView>> {
    require(ctx, Action::ApiKeysManage)?;
    require_person(ctx)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let rows = api_keys::list(&tx, page).await?;
    tx.commit().await?;
    Ok(Paged::from_page(rows, |k| ApiKeyView::from(&k)))
}

/// Creates a key acting with `role` (never above the creator's own).
pub async fn create(
    core: &Core,
    ctx: &TenantCtx,
    name: &str,
    role: &str,
    meta: &RequestMeta,
) -> CoreResult<ApiKeyCreated> {
    require(ctx, Action::ApiKeysManage)?;
    require_person(ctx)?;
    let mut errs = FieldErrors::new();
    let name = errs.check(
        "name",
        atende_domain::values::parse_name(name, atende_domain::values::NAME_MAX),
    );
    let role = errs.check("role", Role::parse(role));
    errs.into_result()?;
    let (Some(name), Some(role)) = (name, role) else {
        return Err(CoreError::Internal("validation bookkeeping".into()));
    };
    if role > ctx.role {
        return Err(CoreError::field("role", "cannot exceed your own role"));
    }
    let secret = crypto::random_token(API_KEY_PREFIX);
    let prefix: String = secret.chars().take(API_KEY_PREFIX.len() + 6).collect();
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let k = api_keys::create(
        &tx,
        NewApiKey {
            id: ApiKeyId::new(),
            name: &name,
            prefix: &prefix,
            key_hash: crypto::token_digest(&secret),
            role: role.as_str(),
            scopes: serde_json::json!([]),
            created_by: ctx.user_id().map(atende_domain::UserId::uuid),
        },
    )
    .await?;
    let view = ApiKeyView::from(&k);
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("api_keys.create", "api_key", k.id).after(&view),
    )
    .await?;
    tx.commit().await?;
    Ok(ApiKeyCreated { key: view, secret })
}

pub async fn revoke(core: &Core, ctx: &TenantCtx, id: ApiKeyId, meta: &RequestMeta) -> CoreResult<ApiKeyView> {
    require(ctx, Action::ApiKeysManage)?;
    require_person(ctx)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = api_keys::get(&tx, id).await?;
    if current.revoked_at.is_some() {
        return Ok(ApiKeyView::from(&current));
    }
    let k = api_keys::revoke(&tx, current).await?;
    let view = ApiKeyView::from(&k);
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("api_keys.revoke", "api_key", k.id).after(&view),
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}
