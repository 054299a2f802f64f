//! Reading the audit trail (admins only). There is no way to edit or delete it.

use crate::Core;
use crate::authz::require;
use crate::error::CoreResult;
use crate::views::{AuditLogView, Paged};
use atende_db::page::PageRequest;
use atende_db::repo::audit::{self, AuditFilter};
use atende_domain::{Action, TenantCtx};

pub async fn list(
    core: &Core,
    ctx: &TenantCtx,
    filter: &AuditFilter,
    page: PageRequest,
) -> CoreResult<Paged<AuditLogView>> {
    require(ctx, Action::AuditRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let rows = audit::list(&tx, filter, page).await?;
    tx.commit().await?;
    Ok(Paged::from_page(rows, |a| AuditLogView::from(&a)))
}
