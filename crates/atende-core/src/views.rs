//! Response shapes, shared by the API (serde) and its OpenAPI document (utoipa).

use atende_db::entities::{api_keys, audit_logs, departments, memberships, teams, tenant_domains, tenants, users};
use atende_domain::Role;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A user as others see them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub locale: String,
    pub is_super_admin: bool,
    pub totp_enabled: bool,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl From<&users::Model> for UserView {
    fn from(u: &users::Model) -> Self {
        Self {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            locale: u.locale.clone(),
            is_super_admin: u.is_super_admin,
            totp_enabled: u.totp_enabled,
            active: u.active,
            created_at: u.created_at,
        }
    }
}

/// A tenant in full.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TenantView {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    /// `active` or `suspended`.
    pub status: String,
    pub plan_id: Option<Uuid>,
    pub time_zone: String,
    pub locale: String,
    /// The settings object; `assign_on_reply` (default `true`) is read by the inbox.
    pub settings: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&tenants::Model> for TenantView {
    fn from(t: &tenants::Model) -> Self {
        Self {
            id: t.id,
            slug: t.slug.clone(),
            name: t.name.clone(),
            status: t.status.clone(),
            plan_id: t.plan_id,
            time_zone: t.time_zone.clone(),
            locale: t.locale.clone(),
            settings: t.settings.clone(),
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A tenant as listed in the tenant switcher, with the caller's role in it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TenantBrief {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub status: String,
    pub role: Role,
}

/// What signing in (or refreshing, or switching tenant) returns.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer …`, valid `expires_in` seconds.
    pub access_token: String,
    /// Single-use token for `POST /auth/refresh`; each use returns a new one.
    pub refresh_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub user: UserView,
    /// The tenant this session acts in (`null` for a platform-only super admin).
    pub tenant: Option<TenantBrief>,
    /// Every tenant the user belongs to.
    pub tenants: Vec<TenantBrief>,
}

/// `GET /users/me`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MeView {
    pub user: UserView,
    pub tenant: Option<TenantBrief>,
    pub tenants: Vec<TenantBrief>,
    /// Set while a super admin impersonates this tenant.
    pub impersonator_id: Option<Uuid>,
}

/// A member of a tenant.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MemberView {
    /// The membership id (used in `/tenants/{tenant}/members/{id}`).
    pub id: Uuid,
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// `false` while an invited user has not set a password yet.
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
}

impl MemberView {
    #[must_use]
    pub fn new(m: &memberships::Model, u: &users::Model) -> Self {
        Self {
            id: m.id,
            user_id: m.user_id,
            email: u.email.clone(),
            name: u.name.clone(),
            role: Role::parse(&m.role).unwrap_or(Role::Viewer),
            active: m.active,
            has_password: u.password_hash.is_some(),
            created_at: m.created_at,
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DepartmentView {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&departments::Model> for DepartmentView {
    fn from(d: &departments::Model) -> Self {
        Self {
            id: d.id,
            name: d.name.clone(),
            description: d.description.clone(),
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TeamView {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub department_id: Option<Uuid>,
    /// User ids of the members.
    pub member_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TeamView {
    #[must_use]
    pub fn new(t: &teams::Model, member_ids: Vec<Uuid>) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            description: t.description.clone(),
            department_id: t.department_id,
            member_ids,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DomainView {
    pub id: Uuid,
    pub domain: String,
    pub verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<&tenant_domains::Model> for DomainView {
    fn from(d: &tenant_domains::Model) -> Self {
        Self {
            id: d.id,
            domain: d.domain.clone(),
            verified_at: d.verified_at,
            created_at: d.created_at,
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ApiKeyView {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the key, to recognise it in lists.
    pub prefix: String,
    pub role: Role,
    pub scopes: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<&api_keys::Model> for ApiKeyView {
    fn from(k: &api_keys::Model) -> Self {
        Self {
            id: k.id,
            name: k.name.clone(),
            prefix: k.prefix.clone(),
            role: Role::parse(&k.role).unwrap_or(Role::Viewer),
            scopes: k.scopes.clone(),
            created_at: k.created_at,
            last_used_at: k.last_used_at,
            revoked_at: k.revoked_at,
        }
    }
}

/// A new key: the secret is shown this once and never again.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ApiKeyCreated {
    pub key: ApiKeyView,
    pub secret: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditLogView {
    pub id: Uuid,
    pub actor_user_id: Option<Uuid>,
    pub actor_api_key_id: Option<Uuid>,
    pub impersonator_id: Option<Uuid>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&audit_logs::Model> for AuditLogView {
    fn from(a: &audit_logs::Model) -> Self {
        Self {
            id: a.id,
            actor_user_id: a.actor_user_id,
            actor_api_key_id: a.actor_api_key_id,
            impersonator_id: a.impersonator_id,
            action: a.action.clone(),
            entity_type: a.entity_type.clone(),
            entity_id: a.entity_id.clone(),
            before: a.before.clone(),
            after: a.after.clone(),
            ip: a.ip.clone(),
            user_agent: a.user_agent.clone(),
            request_id: a.request_id.clone(),
            created_at: a.created_at,
        }
    }
}

/// TOTP enrolment: the secret for manual entry and the `otpauth://` URI for a QR code.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TotpEnrollView {
    pub secret: String,
    pub otpauth_uri: String,
}

/// One page of a list. `next_cursor` goes back as `?cursor=` for the next page; `null` at the end.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Paged<T: ToSchema> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> Paged<T> {
    pub fn from_page<M>(p: atende_db::Page<M>, f: impl FnMut(M) -> T) -> Self {
        let p = p.map(f);
        Self {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}
