//! Typed identifiers. Every id is a UUIDv7 so that ordering by id is ordering by creation time,
//! which keyset pagination relies on.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new, time-ordered id.
            #[must_use]
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// The raw UUID.
            #[must_use]
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    )*};
}

id_type!(
    /// A tenant (workspace, empresa).
    TenantId,
    /// A person who can sign in; may belong to several tenants.
    UserId,
    /// A user's membership in one tenant.
    MembershipId,
    /// A department (queue).
    DepartmentId,
    /// A team of agents.
    TeamId,
    /// An API key of a tenant.
    ApiKeyId,
    /// A custom domain of a tenant.
    TenantDomainId,
    /// One audit log row.
    AuditLogId,
    /// One job of the queue.
    JobId,
    /// A connected channel (a WhatsApp number, a web-chat widget).
    ChannelId,
    /// A conversation between a contact and the team on one channel.
    ConversationId,
    /// One message of a conversation.
    MessageId,
    /// One stored webhook delivery.
    WebhookEventId,
    /// A customer (contato) of a tenant.
    ContactId,
    /// A label (etiqueta) shared by contacts and conversations.
    TagId,
    /// A canned answer (resposta rápida) with a `/shortcut`.
    QuickReplyId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_time_ordered() {
        let a = TenantId::new();
        let b = TenantId::new();
        assert!(a < b);
    }

    #[test]
    fn id_round_trips_through_text() {
        let a = UserId::new();
        let parsed: UserId = a.to_string().parse().unwrap();
        assert_eq!(a, parsed);
        assert!("not-a-uuid".parse::<UserId>().is_err());
    }
}
