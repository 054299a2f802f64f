//! Live screens: who may watch what, and who is online. The WebSocket hub of `atende-http`
//! speaks the protocol; the decisions live here so they are the same rules as the REST API.
//!
//! - [`Watcher`]: one connection's authorization. It authorizes each subscription (`tenant`
//!   needs `conversations.read`; `conversation:{id}` needs that conversation visible, with the
//!   same 404 as the REST API for a foreign or hidden id; `presence` any member) and filters
//!   every bus event by the agent's visibility, caching the answer per conversation and asking
//!   again when the conversation is (re)assigned. [`Watcher::refresh`] re-reads the role, the
//!   membership and the tenant (a suspended tenant or a deactivated member is refused).
//! - [`presence`]: online / away / offline per user, kept per node in memory and announced on
//!   the bus so other nodes learn it.

pub mod presence;

pub use presence::{ConnectionId, PresenceRegistry, PresenceState};

use crate::auth::{self, Principal, tokens};
use crate::authz::require;
use crate::bus::{Event, EventKind, Topic};
use crate::error::{CoreError, CoreResult};
use crate::{Core, inbox};
use atende_db::repo::conversations::Visibility;
use atende_domain::{Action, TenantCtx, UserId};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Conversations whose visibility a connection remembers before it forgets them all (an agent
/// rarely watches more; the cache is only a shortcut).
const CACHE_LIMIT: usize = 4096;

/// A verified credential for a live connection.
#[derive(Clone)]
pub struct Credential {
    pub principal: Principal,
    /// When the access token expires (the connection closes then); `None` for API keys.
    pub expires_at: Option<DateTime<Utc>>,
    /// An API key never expires but can be revoked: it is checked again on every refresh.
    api_key: Option<String>,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("principal", &self.principal)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Verifies an access token or API key for a live connection, keeping the token's expiry.
///
/// # Errors
/// `Unauthorized` (`invalid_token`, `token_expired`).
pub async fn authenticate(core: &Core, token: &str) -> CoreResult<Credential> {
    let principal = auth::authenticate(core, token).await?;
    if token.starts_with(auth::API_KEY_PREFIX) {
        return Ok(Credential {
            principal,
            expires_at: None,
            api_key: Some(token.to_owned()),
        });
    }
    let claims = tokens::verify_access(&core.keys, token)?;
    Ok(Credential {
        principal,
        expires_at: DateTime::from_timestamp(claims.exp, 0),
        api_key: None,
    })
}

/// What a connection may know of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sight {
    /// Not for this caller.
    Hidden,
    /// Deliver it.
    Visible,
    /// The conversation was just assigned out of the caller's sight: deliver this last event
    /// (so the screen drops the conversation) and nothing more of it.
    Leaving,
}

/// One live connection's view of its tenant. Not `Clone`: its cache belongs to one connection.
pub struct Watcher {
    core: Core,
    principal: Principal,
    api_key: Option<String>,
    ctx: TenantCtx,
    /// `None`: sees every conversation of the tenant (supervisors, admins, API keys).
    visibility: Option<Visibility>,
    /// Conversation id → visible to this caller, as last checked.
    seen: HashMap<Uuid, bool>,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher")
            .field("ctx", &self.ctx)
            .finish_non_exhaustive()
    }
}

impl Watcher {
    /// The watcher of a verified caller, inside their tenant.
    ///
    /// # Errors
    /// `Forbidden` (`tenant_required`, `tenant_suspended`, `membership_inactive`).
    pub async fn new(core: &Core, credential: Credential) -> CoreResult<Self> {
        let Credential { principal, api_key, .. } = credential;
        let ctx = auth::tenant_ctx(core, &principal).await?;
        let visibility = Self::visibility_of(core, &ctx).await?;
        Ok(Self {
            core: core.clone(),
            principal,
            api_key,
            ctx,
            visibility,
            seen: HashMap::new(),
        })
    }

    async fn visibility_of(core: &Core, ctx: &TenantCtx) -> CoreResult<Option<Visibility>> {
        let tx = core.db.tenant_tx(ctx.tenant_id).await?;
        let v = inbox::visibility(&tx, ctx).await?;
        tx.commit().await?;
        Ok(v)
    }

    #[must_use]
    pub fn ctx(&self) -> &TenantCtx {
        &self.ctx
    }

    /// The signed-in user (not for API keys).
    #[must_use]
    pub fn user_id(&self) -> Option<UserId> {
        self.ctx.user_id()
    }

    /// Re-reads what may have changed since the connection opened: the tenant's status, the
    /// membership and its role, the teams (visibility). Forgets the visibility cache.
    ///
    /// # Errors
    /// `Forbidden` when the tenant is suspended or the membership deactivated;
    /// `Unauthorized` when the API key was revoked.
    pub async fn refresh(&mut self) -> CoreResult<()> {
        if let Some(key) = &self.api_key {
            auth::authenticate(&self.core, key).await?;
        }
        let ctx = auth::tenant_ctx(&self.core, &self.principal).await?;
        self.visibility = Self::visibility_of(&self.core, &ctx).await?;
        self.ctx = ctx;
        self.seen.clear();
        Ok(())
    }

    /// Whether the caller may subscribe to `topic`.
    ///
    /// # Errors
    /// `Forbidden` without `conversations.read`; `NotFound` for a conversation that is not
    /// visible (or of another tenant, or none at all: indistinguishable).
    pub async fn authorize(&mut self, topic: &Topic) -> CoreResult<()> {
        match topic {
            Topic::Presence => Ok(()),
            Topic::Tenant => require(&self.ctx, Action::ConversationsRead),
            Topic::Conversation(id) => {
                require(&self.ctx, Action::ConversationsRead)?;
                // Always asked of the database, even for supervisors: the id must exist in
                // this tenant.
                self.seen.remove(id);
                if self.check(*id).await? {
                    Ok(())
                } else {
                    Err(CoreError::NotFound)
                }
            }
        }
    }

    /// Whether this connection should receive `event` (on any of its topics): the event is of
    /// the caller's tenant and, when it names a conversation, the caller may see it.
    pub async fn sees(&mut self, event: &Event) -> Sight {
        if event.tenant_id != self.ctx.tenant_id {
            return Sight::Hidden;
        }
        let Some(id) = event.conversation_id else {
            return Sight::Visible;
        };
        if self.visibility.is_none() {
            return Sight::Visible;
        }
        if event.kind == EventKind::ConversationAssigned {
            // Asked again: the assignment may have moved it into or out of sight.
            let before = self.seen.remove(&id).unwrap_or(false);
            return match (before, self.visible(id).await) {
                (_, true) => Sight::Visible,
                (true, false) => Sight::Leaving,
                (false, false) => Sight::Hidden,
            };
        }
        if self.visible(id).await {
            Sight::Visible
        } else {
            Sight::Hidden
        }
    }

    /// Whether the caller may see conversation `id`, from the cache or the database. A
    /// database failure answers `false` (fail closed) and is not cached.
    pub async fn visible(&mut self, id: Uuid) -> bool {
        if self.visibility.is_none() {
            return true;
        }
        if let Some(v) = self.seen.get(&id) {
            return *v;
        }
        match self.check(id).await {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, "live visibility check failed");
                false
            }
        }
    }

    async fn check(&mut self, id: Uuid) -> CoreResult<bool> {
        let tx = self.core.db.tenant_tx(self.ctx.tenant_id).await?;
        let found = atende_db::repo::conversations::get(&tx, id).await;
        tx.commit().await?;
        let visible = match found {
            Ok(c) => self.visibility.as_ref().is_none_or(|v| v.allows(&c)),
            Err(atende_db::DbError::NotFound) => false,
            Err(e) => return Err(e.into()),
        };
        if self.seen.len() >= CACHE_LIMIT {
            self.seen.clear();
        }
        self.seen.insert(id, visible);
        Ok(visible)
    }

    /// The caller is (or stopped) typing in a conversation: a `typing` event on its
    /// `conversation:{id}` topic (the web-chat widget shows it to the visitor).
    ///
    /// # Errors
    /// `Forbidden` without `conversations.work`; `NotFound` for a conversation not visible.
    pub async fn typing(&mut self, conversation_id: Uuid, on: bool) -> CoreResult<()> {
        require(&self.ctx, Action::ConversationsWork)?;
        if !self.visible(conversation_id).await || !self.exists(conversation_id).await? {
            return Err(CoreError::NotFound);
        }
        let mut e = Event::new(EventKind::Typing, self.ctx.tenant_id)
            .conversation(conversation_id)
            .data(json!({ "on": on, "author": "agent" }));
        if let Some(u) = self.ctx.user_id() {
            e = e.user(u);
        }
        self.core.publish(vec![e]).await;
        Ok(())
    }

    /// Supervisors skip the visibility query, but a typing event must still name a
    /// conversation of this tenant.
    async fn exists(&mut self, id: Uuid) -> CoreResult<bool> {
        if self.visibility.is_some() {
            return Ok(true);
        }
        if let Some(v) = self.seen.get(&id) {
            return Ok(*v);
        }
        self.check(id).await
    }
}
