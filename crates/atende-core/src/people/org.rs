//! Departments and teams.

use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::require;
use crate::error::{CoreError, CoreResult};
use crate::views::{DepartmentView, Paged, TeamView};
use atende_db::TenantTx;
use atende_db::page::PageRequest;
use atende_db::repo::{departments, memberships, teams};
use atende_domain::values::parse_name;
use atende_domain::{Action, DepartmentId, FieldErrors, TeamId, TenantCtx, UserId};
use uuid::Uuid;

/// The longest description of a department or team.
pub const DESCRIPTION_MAX: usize = 2000;

fn description(errs: &mut FieldErrors, d: Option<&str>) -> Option<String> {
    let d = d?.trim();
    if d.chars().count() > DESCRIPTION_MAX {
        errs.add("description", format!("must have at most {DESCRIPTION_MAX} characters"));
        return None;
    }
    (!d.is_empty()).then(|| d.to_owned())
}

pub async fn list_departments(core: &Core, ctx: &TenantCtx, page: PageRequest) -> CoreResult<Paged<DepartmentView>> {
    require(ctx, Action::DepartmentsRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let rows = departments::list(&tx, page).await?;
    tx.commit().await?;
    Ok(Paged::from_page(rows, |d| DepartmentView::from(&d)))
}

pub async fn get_department(core: &Core, ctx: &TenantCtx, id: DepartmentId) -> CoreResult<DepartmentView> {
    require(ctx, Action::DepartmentsRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let d = departments::get(&tx, id).await?;
    tx.commit().await?;
    Ok(DepartmentView::from(&d))
}

pub async fn create_department(
    core: &Core,
    ctx: &TenantCtx,
    name: &str,
    desc: Option<&str>,
    meta: &RequestMeta,
) -> CoreResult<DepartmentView> {
    require(ctx, Action::DepartmentsManage)?;
    let mut errs = FieldErrors::new();
    let name = errs.check("name", parse_name(name, atende_domain::values::NAME_MAX));
    let desc = description(&mut errs, desc);
    errs.into_result()?;
    let name = name.unwrap_or_default();
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let d = departments::create(&tx, &name, desc).await?;
    let view = DepartmentView::from(&d);
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("departments.create", "department", d.id).after(&view),
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}

/// `description: Some(None)` clears it.
pub async fn update_department(
    core: &Core,
    ctx: &TenantCtx,
    id: DepartmentId,
    name: Option<&str>,
    desc: Option<Option<&str>>,
    meta: &RequestMeta,
) -> CoreResult<DepartmentView> {
    require(ctx, Action::DepartmentsManage)?;
    let mut errs = FieldErrors::new();
    let name = name.and_then(|n| errs.check("name", parse_name(n, atende_domain::values::NAME_MAX)));
    let desc = desc.map(|d| description(&mut errs, d));
    errs.into_result()?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = departments::get(&tx, id).await?;
    let before = DepartmentView::from(&current);
    let d = departments::update(&tx, current, name, desc).await?;
    let after = DepartmentView::from(&d);
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("departments.update", "department", d.id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn delete_department(core: &Core, ctx: &TenantCtx, id: DepartmentId, meta: &RequestMeta) -> CoreResult<()> {
    require(ctx, Action::DepartmentsManage)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = departments::get(&tx, id).await?;
    let before = DepartmentView::from(&current);
    departments::delete(&tx, current).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("departments.delete", "department", id).before(&before),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn team_view(tx: &TenantTx, t: &atende_db::entities::teams::Model) -> CoreResult<TeamView> {
    Ok(TeamView::new(t, teams::members(tx, TeamId(t.id)).await?))
}

/// A department id given by the client must exist in the caller's tenant (404 otherwise).
async fn check_department(tx: &TenantTx, id: Option<Uuid>) -> CoreResult<()> {
    if let Some(d) = id {
        departments::get(tx, DepartmentId(d))
            .await
            .map_err(|_| CoreError::MissingReference {
                field: "department_id".into(),
                message: "no such department".into(),
            })?;
    }
    Ok(())
}

pub async fn list_teams(
    core: &Core,
    ctx: &TenantCtx,
    page: PageRequest,
    department: Option<Uuid>,
) -> CoreResult<Paged<TeamView>> {
    require(ctx, Action::TeamsRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let rows = teams::list(&tx, page, department).await?;
    let mut items = Vec::with_capacity(rows.items.len());
    for t in &rows.items {
        items.push(team_view(&tx, t).await?);
    }
    tx.commit().await?;
    Ok(Paged {
        items,
        next_cursor: rows.next_cursor,
    })
}

pub async fn get_team(core: &Core, ctx: &TenantCtx, id: TeamId) -> CoreResult<TeamView> {
    require(ctx, Action::TeamsRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let t = teams::get(&tx, id).await?;
    let v = team_view(&tx, &t).await?;
    tx.commit().await?;
    Ok(v)
}

pub async fn create_team(
    core: &Core,
    ctx: &TenantCtx,
    name: &str,
    desc: Option<&str>,
    department_id: Option<Uuid>,
    meta: &RequestMeta,
) -> CoreResult<TeamView> {
    require(ctx, Action::TeamsManage)?;
    let mut errs = FieldErrors::new();
    let name = errs.check("name", parse_name(name, atende_domain::values::NAME_MAX));
    let desc = description(&mut errs, desc);
    errs.into_result()?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    check_department(&tx, department_id).await?;
    let t = teams::create(&tx, &name.unwrap_or_default(), desc, department_id).await?;
    let view = TeamView::new(&t, vec![]);
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("teams.create", "team", t.id).after(&view),
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}

/// A team's changes; `Some(None)` clears an optional field.
#[derive(Default)]
pub struct UpdateTeam<'a> {
    pub name: Option<&'a str>,
    pub description: Option<Option<&'a str>>,
    pub department_id: Option<Option<Uuid>>,
}

pub async fn update_team(
    core: &Core,
    ctx: &TenantCtx,
    id: TeamId,
    input: UpdateTeam<'_>,
    meta: &RequestMeta,
) -> CoreResult<TeamView> {
    require(ctx, Action::TeamsManage)?;
    let mut errs = FieldErrors::new();
    let name = input
        .name
        .and_then(|n| errs.check("name", parse_name(n, atende_domain::values::NAME_MAX)));
    let desc = input.description.map(|d| description(&mut errs, d));
    errs.into_result()?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    check_department(&tx, input.department_id.flatten()).await?;
    let current = teams::get(&tx, id).await?;
    let before = team_view(&tx, &current).await?;
    let t = teams::update(
        &tx,
        current,
        teams::TeamPatch {
            name,
            description: desc,
            department_id: input.department_id,
        },
    )
    .await?;
    let after = team_view(&tx, &t).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("teams.update", "team", t.id).before(&before).after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn delete_team(core: &Core, ctx: &TenantCtx, id: TeamId, meta: &RequestMeta) -> CoreResult<()> {
    require(ctx, Action::TeamsManage)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = teams::get(&tx, id).await?;
    let before = team_view(&tx, &current).await?;
    teams::delete(&tx, current).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("teams.delete", "team", id).before(&before),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a tenant member to a team. Someone who is not a member of the tenant is a 404, like
/// any foreign id.
pub async fn add_team_member(
    core: &Core,
    ctx: &TenantCtx,
    team: TeamId,
    user: UserId,
    meta: &RequestMeta,
) -> CoreResult<TeamView> {
    require(ctx, Action::TeamsManage)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let t = teams::get(&tx, team).await?;
    // Only active members of the tenant: a deactivated member is as foreign as a stranger.
    if !memberships::of_user(&tx, user).await?.is_some_and(|m| m.active) {
        return Err(CoreError::NotFound);
    }
    teams::add_member(&tx, team, user).await.map_err(|e| match e {
        atende_db::DbError::Conflict { .. } => CoreError::Conflict {
            code: "already_member",
            field: "user_id".into(),
            message: "this user is already in the team".into(),
        },
        other => other.into(),
    })?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("teams.member_added", "team", team).after(&serde_json::json!({ "user_id": user })),
    )
    .await?;
    let v = team_view(&tx, &t).await?;
    tx.commit().await?;
    Ok(v)
}

pub async fn remove_team_member(
    core: &Core,
    ctx: &TenantCtx,
    team: TeamId,
    user: UserId,
    meta: &RequestMeta,
) -> CoreResult<()> {
    require(ctx, Action::TeamsManage)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    teams::get(&tx, team).await?;
    teams::remove_member(&tx, team, user).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("teams.member_removed", "team", team).before(&serde_json::json!({ "user_id": user })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
