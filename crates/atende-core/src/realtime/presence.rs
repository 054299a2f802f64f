//! Who is online, per tenant: `online`, `away` or `offline` per user.
//!
//! **Per node, in memory.** Each node counts its own live connections per user (a user with
//! two tabs is online while either is; `away` only when every tab says so). When a user's state
//! *on this node* changes, the node announces it on the bus as a `presence` event carrying
//! `{"state", "node"}`; the other nodes keep what each node last said. What a user looks like
//! is the liveliest state any node reports (online > away > offline), and screens are told
//! only when that changes: the registry calls its listener ([`PresenceRegistry::with_listener`])
//! with each change, under its lock, so a screen that starts listening and then reads the
//! snapshot ([`PresenceRegistry::of_tenant`]) may hear of a change twice, never not at all,
//! and never of a change from before it listened.
//!
//! **Limits.** Nodes re-announce their users every [`REFRESH`] and forget what another node
//! said after [`REMOTE_TTL`] without news, so a node that dies without saying goodbye leaves
//! its users looking online on the other nodes for up to that long; a node that starts (or
//! whose `LISTEN` connection dropped) learns the other nodes' users within one [`REFRESH`].
//! Nothing is stored in the database: after a restart of every node everyone is offline
//! until they reconnect, which they do at once.

use crate::bus::{Event, EventKind};
use atende_domain::{TenantId, UserId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use utoipa::ToSchema;
use uuid::Uuid;

/// How often a node re-announces its users' states.
pub const REFRESH: Duration = Duration::from_secs(60);
/// How long a node's word counts without a re-announcement.
pub const REMOTE_TTL: Duration = Duration::from_secs(150);
/// What hears each change of what a user looks like (a `presence` event with `{"state"}`).
/// Called under the registry's lock, in the order of the changes: it must not block or call
/// back into the registry.
pub type Listener = Box<dyn Fn(Event) + Send + Sync>;

/// A user's state. Ordered: the liveliest wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PresenceState {
    Offline,
    Away,
    Online,
}

impl PresenceState {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Offline => "offline",
            Self::Away => "away",
            Self::Online => "online",
        }
    }
}

/// A live connection's handle in the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConnectionId(u64);

#[derive(Default)]
struct UserPresence {
    /// This node's connections of the user and what each says.
    local: HashMap<u64, PresenceState>,
    /// Other nodes: what each said last, and when.
    remote: HashMap<Uuid, (PresenceState, Instant)>,
    /// What screens were last told.
    shown: Option<PresenceState>,
}

impl UserPresence {
    fn on_this_node(&self) -> PresenceState {
        self.local.values().copied().max().unwrap_or(PresenceState::Offline)
    }

    fn overall(&self) -> PresenceState {
        self.remote
            .values()
            .map(|(s, _)| *s)
            .chain(std::iter::once(self.on_this_node()))
            .max()
            .unwrap_or(PresenceState::Offline)
    }
}

#[derive(Default)]
struct Inner {
    next: u64,
    connections: HashMap<u64, (TenantId, UserId)>,
    users: HashMap<(TenantId, UserId), UserPresence>,
}

/// The presence of every user, as this node knows it.
pub struct PresenceRegistry {
    node: Uuid,
    inner: Mutex<Inner>,
    listener: Option<Listener>,
}

impl std::fmt::Debug for PresenceRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PresenceRegistry")
            .field("node", &self.node)
            .finish_non_exhaustive()
    }
}

impl Default for PresenceRegistry {
    fn default() -> Self {
        Self::new()
    }
}

impl PresenceRegistry {
    #[must_use]
    pub fn new() -> Self {
        Self {
            node: Uuid::now_v7(),
            inner: Mutex::new(Inner::default()),
            listener: None,
        }
    }

    /// A registry that tells `listener` of every change of what a user looks like.
    #[must_use]
    pub fn with_listener(listener: impl Fn(Event) + Send + Sync + 'static) -> Self {
        Self {
            listener: Some(Box::new(listener)),
            ..Self::new()
        }
    }

    /// This node's id in its announcements.
    #[must_use]
    pub fn node(&self) -> Uuid {
        self.node
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves counts that are still counts: keep going.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A user's connection opened (online). Returns its handle and the announcement to publish
    /// on the bus, if the user's state on this node changed.
    pub fn connect(&self, tenant: TenantId, user: UserId) -> (ConnectionId, Option<Event>) {
        let mut inner = self.lock();
        inner.next += 1;
        let id = inner.next;
        inner.connections.insert(id, (tenant, user));
        let announce = self.change(&mut inner, tenant, user, |u| {
            u.local.insert(id, PresenceState::Online);
        });
        (ConnectionId(id), announce)
    }

    /// A connection says its user is `online` or `away`. Returns the bus announcement, if any.
    pub fn set(&self, conn: ConnectionId, state: PresenceState) -> Option<Event> {
        let mut inner = self.lock();
        let (tenant, user) = *inner.connections.get(&conn.0)?;
        self.change(&mut inner, tenant, user, |u| {
            u.local.insert(conn.0, state);
        })
    }

    /// A connection closed. Returns the bus announcement, if any.
    pub fn disconnect(&self, conn: ConnectionId) -> Option<Event> {
        let mut inner = self.lock();
        let (tenant, user) = inner.connections.remove(&conn.0)?;
        self.change(&mut inner, tenant, user, |u| {
            u.local.remove(&conn.0);
        })
    }

    /// Applies a change to one user; tells screens if the overall state changed; returns the
    /// announcement for other nodes if this node's state of the user changed.
    fn change(
        &self,
        inner: &mut Inner,
        tenant: TenantId,
        user: UserId,
        f: impl FnOnce(&mut UserPresence),
    ) -> Option<Event> {
        let u = inner.users.entry((tenant, user)).or_default();
        let before = u.on_this_node();
        f(u);
        let after = u.on_this_node();
        self.show(u, tenant, user);
        if u.local.is_empty() && u.remote.is_empty() {
            inner.users.remove(&(tenant, user));
        }
        (before != after).then(|| self.announcement(tenant, user, after))
    }

    fn show(&self, u: &mut UserPresence, tenant: TenantId, user: UserId) {
        let now = u.overall();
        if u.shown.unwrap_or(PresenceState::Offline) != now {
            u.shown = Some(now);
            if let Some(listener) = &self.listener {
                listener(
                    Event::new(EventKind::Presence, tenant)
                        .user(user)
                        .data(json!({ "state": now.as_str() })),
                );
            }
        }
    }

    fn announcement(&self, tenant: TenantId, user: UserId, state: PresenceState) -> Event {
        Event::new(EventKind::Presence, tenant)
            .user(user)
            .data(json!({ "state": state.as_str(), "node": self.node }))
    }

    /// Takes in another node's announcement from the bus (this node's own are ignored).
    pub fn apply_remote(&self, event: &Event) {
        #[derive(Deserialize)]
        struct Said {
            state: PresenceState,
            node: Uuid,
        }
        let (EventKind::Presence, Some(user)) = (event.kind, event.user_id) else {
            return;
        };
        let Ok(said) = serde_json::from_value::<Said>(event.data.clone()) else {
            return;
        };
        if said.node == self.node {
            return;
        }
        let mut inner = self.lock();
        let key = (event.tenant_id, user);
        let u = inner.users.entry(key).or_default();
        if said.state == PresenceState::Offline {
            u.remote.remove(&said.node);
        } else {
            u.remote.insert(said.node, (said.state, Instant::now()));
        }
        self.show(u, key.0, key.1);
        if u.local.is_empty() && u.remote.is_empty() {
            inner.users.remove(&key);
        }
    }

    /// Forgets what other nodes said longer than [`REMOTE_TTL`] ago.
    pub fn expire(&self) {
        let mut inner = self.lock();
        let now = Instant::now();
        let mut gone = Vec::new();
        for (key, u) in &mut inner.users {
            let before = u.remote.len();
            u.remote.retain(|_, (_, at)| now.duration_since(*at) < REMOTE_TTL);
            if u.remote.len() != before {
                self.show(u, key.0, key.1);
            }
            if u.local.is_empty() && u.remote.is_empty() {
                gone.push(*key);
            }
        }
        for key in gone {
            inner.users.remove(&key);
        }
    }

    /// This node's announcements of every user it has online or away (the periodic refresh).
    #[must_use]
    pub fn announcements(&self) -> Vec<Event> {
        let inner = self.lock();
        inner
            .users
            .iter()
            .filter(|(_, u)| !u.local.is_empty())
            .map(|((t, user), u)| self.announcement(*t, *user, u.on_this_node()))
            .collect()
    }

    /// The users of a tenant who are online or away, by user id.
    #[must_use]
    pub fn of_tenant(&self, tenant: TenantId) -> Vec<(UserId, PresenceState)> {
        let inner = self.lock();
        let mut out: Vec<_> = inner
            .users
            .iter()
            .filter(|((t, _), _)| *t == tenant)
            .map(|((_, user), u)| (*user, u.overall()))
            .filter(|(_, s)| *s != PresenceState::Offline)
            .collect();
        out.sort_by_key(|(u, _)| *u);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_of(e: &Event) -> &str {
        e.data["state"].as_str().unwrap()
    }

    /// A registry and what its listener heard.
    fn heard() -> (PresenceRegistry, std::sync::Arc<Mutex<Vec<Event>>>) {
        let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
        let log = std::sync::Arc::clone(&seen);
        let r = PresenceRegistry::with_listener(move |e| log.lock().unwrap().push(e));
        (r, seen)
    }

    #[test]
    fn two_tabs_keep_a_user_online_until_both_close() {
        let (r, changes) = heard();
        let (t, u) = (TenantId::new(), UserId::new());
        let (a, announce) = r.connect(t, u);
        assert_eq!(state_of(&announce.unwrap()), "online");
        let (b, announce) = r.connect(t, u);
        assert!(announce.is_none());
        assert_eq!(r.of_tenant(t), vec![(u, PresenceState::Online)]);
        assert!(r.set(a, PresenceState::Away).is_none(), "the other tab is still online");
        assert_eq!(state_of(&r.set(b, PresenceState::Away).unwrap()), "away");
        assert!(r.disconnect(a).is_none());
        assert_eq!(state_of(&r.disconnect(b).unwrap()), "offline");
        assert!(r.of_tenant(t).is_empty());
        let seen: Vec<String> = changes.lock().unwrap().iter().map(|e| state_of(e).to_owned()).collect();
        assert_eq!(seen, ["online", "away", "offline"]);
        assert!(r.of_tenant(TenantId::new()).is_empty());
    }

    #[test]
    fn other_nodes_announcements_count_and_own_are_ignored() {
        let (here, there) = (PresenceRegistry::new(), PresenceRegistry::new());
        let (t, u) = (TenantId::new(), UserId::new());
        let (conn, announce) = there.connect(t, u);
        let announce = announce.unwrap();
        here.apply_remote(&announce);
        assert_eq!(here.of_tenant(t), vec![(u, PresenceState::Online)]);
        there.apply_remote(&announce);
        assert_eq!(there.of_tenant(t), vec![(u, PresenceState::Online)]);
        assert_eq!(there.announcements().len(), 1);
        here.apply_remote(&there.disconnect(conn).unwrap());
        assert!(here.of_tenant(t).is_empty());
    }
}
