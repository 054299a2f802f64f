//! The one permission matrix: which role may do which action inside a tenant.
//!
//! The platform's super admin is not in the matrix: platform actions check the user's flag, and
//! tenant data is reached only through an explicit, audited impersonation that yields an `admin`
//! context marked with the impersonator.

use crate::role::Role;

/// Everything a tenant member can attempt. Names are `area.verb`, the same strings the audit log
/// and the API's 403 bodies use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    TenantRead,
    TenantUpdate,
    MembersRead,
    MembersInvite,
    MembersManage,
    DepartmentsRead,
    DepartmentsManage,
    TeamsRead,
    TeamsManage,
    ChannelsRead,
    ChannelsManage,
    ConversationsRead,
    ConversationsWork,
    ConversationsManage,
    ContactsRead,
    ContactsWrite,
    ReportsRead,
    AuditRead,
    ApiKeysManage,
}

impl Action {
    pub const ALL: [Action; 19] = [
        Action::TenantRead,
        Action::TenantUpdate,
        Action::MembersRead,
        Action::MembersInvite,
        Action::MembersManage,
        Action::DepartmentsRead,
        Action::DepartmentsManage,
        Action::TeamsRead,
        Action::TeamsManage,
        Action::ChannelsRead,
        Action::ChannelsManage,
        Action::ConversationsRead,
        Action::ConversationsWork,
        Action::ConversationsManage,
        Action::ContactsRead,
        Action::ContactsWrite,
        Action::ReportsRead,
        Action::AuditRead,
        Action::ApiKeysManage,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TenantRead => "tenant.read",
            Self::TenantUpdate => "tenant.update",
            Self::MembersRead => "members.read",
            Self::MembersInvite => "members.invite",
            Self::MembersManage => "members.manage",
            Self::DepartmentsRead => "departments.read",
            Self::DepartmentsManage => "departments.manage",
            Self::TeamsRead => "teams.read",
            Self::TeamsManage => "teams.manage",
            Self::ChannelsRead => "channels.read",
            Self::ChannelsManage => "channels.manage",
            Self::ConversationsRead => "conversations.read",
            Self::ConversationsWork => "conversations.work",
            Self::ConversationsManage => "conversations.manage",
            Self::ContactsRead => "contacts.read",
            Self::ContactsWrite => "contacts.write",
            Self::ReportsRead => "reports.read",
            Self::AuditRead => "audit.read",
            Self::ApiKeysManage => "api_keys.manage",
        }
    }
}

/// Which conversations a role works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConversationScope {
    /// Every conversation of the tenant.
    All,
    /// Conversations assigned to the caller, to one of the caller's teams, or to a department
    /// one of those teams belongs to — plus unassigned ones, which any agent may pick up.
    TeamsAndOwn,
}

/// The matrix. Written as one `match` so a reviewer reads it as a table.
#[must_use]
pub fn allows(role: Role, action: Action) -> bool {
    use Action as A;
    use Role::{Admin, Agent, Supervisor, Viewer};
    let allowed = match action {
        // Everyone in the tenant may read what the inbox needs to render.
        A::TenantRead
        | A::MembersRead
        | A::DepartmentsRead
        | A::TeamsRead
        | A::ChannelsRead
        | A::ConversationsRead
        | A::ContactsRead => true,
        // Agents work conversations and contacts; viewers only look.
        A::ConversationsWork | A::ContactsWrite => matches!(role, Agent | Supervisor | Admin),
        // Supervisors run the floor: teams, departments, every conversation, reports.
        A::ConversationsManage | A::DepartmentsManage | A::TeamsManage | A::ReportsRead => {
            matches!(role, Supervisor | Admin)
        }
        // Admins own the tenant: people, channels, settings, keys, the audit trail.
        A::TenantUpdate | A::MembersInvite | A::MembersManage | A::ChannelsManage | A::AuditRead | A::ApiKeysManage => {
            role == Admin
        }
    };
    allowed && !(role == Viewer && is_write(action))
}

/// Whether an action changes state. Viewers never get one, whatever the matrix above says.
#[must_use]
pub fn is_write(action: Action) -> bool {
    !matches!(
        action,
        Action::TenantRead
            | Action::MembersRead
            | Action::DepartmentsRead
            | Action::TeamsRead
            | Action::ChannelsRead
            | Action::ConversationsRead
            | Action::ContactsRead
            | Action::ReportsRead
            | Action::AuditRead
    )
}

/// The conversation scope of a role.
#[must_use]
pub fn conversation_scope(role: Role) -> ConversationScope {
    match role {
        Role::Agent => ConversationScope::TeamsAndOwn,
        Role::Viewer | Role::Supervisor | Role::Admin => ConversationScope::All,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;

    /// The matrix as a table: (action, viewer, agent, supervisor, admin).
    const TABLE: &[(Action, bool, bool, bool, bool)] = &[
        (A::TenantRead, true, true, true, true),
        (A::TenantUpdate, false, false, false, true),
        (A::MembersRead, true, true, true, true),
        (A::MembersInvite, false, false, false, true),
        (A::MembersManage, false, false, false, true),
        (A::DepartmentsRead, true, true, true, true),
        (A::DepartmentsManage, false, false, true, true),
        (A::TeamsRead, true, true, true, true),
        (A::TeamsManage, false, false, true, true),
        (A::ChannelsRead, true, true, true, true),
        (A::ChannelsManage, false, false, false, true),
        (A::ConversationsRead, true, true, true, true),
        (A::ConversationsWork, false, true, true, true),
        (A::ConversationsManage, false, false, true, true),
        (A::ContactsRead, true, true, true, true),
        (A::ContactsWrite, false, true, true, true),
        (A::ReportsRead, false, false, true, true),
        (A::AuditRead, false, false, false, true),
        (A::ApiKeysManage, false, false, false, true),
    ];

    #[test]
    fn matrix_matches_table() {
        assert_eq!(TABLE.len(), Action::ALL.len(), "every action has a row");
        for &(action, viewer, agent, supervisor, admin) in TABLE {
            for (role, expected) in [
                (Role::Viewer, viewer),
                (Role::Agent, agent),
                (Role::Supervisor, supervisor),
                (Role::Admin, admin),
            ] {
                assert_eq!(allows(role, action), expected, "{role:?} × {}", action.as_str());
            }
        }
    }

    #[test]
    fn viewer_never_writes() {
        for a in Action::ALL {
            if is_write(a) {
                assert!(!allows(Role::Viewer, a), "{}", a.as_str());
            }
        }
    }

    #[test]
    fn only_agents_are_scoped_to_their_teams() {
        assert_eq!(conversation_scope(Role::Agent), ConversationScope::TeamsAndOwn);
        assert_eq!(conversation_scope(Role::Supervisor), ConversationScope::All);
    }
}
