//! What a message is: its type, which way it travelled and who wrote it.
//!
//! The vocabulary is channel-independent: adapters map WhatsApp's, Instagram's or the widget's
//! wire types onto it, and anything a channel sends that we do not model becomes `unsupported`
//! (stored with its raw payload) rather than an error, so an inbound delivery is never lost because
//! the provider added a type. Delivery status lives in [`crate::delivery`].

use crate::names::named_enum;

named_enum! {
    /// The content type of a message. `system` marks lines the platform writes itself
    /// ("conversation transferred to Sales"); they are never sent to a channel.
    pub enum MessageType (error = "invalid_message_type") {
        Text = "text",
        Image = "image",
        Audio = "audio",
        Video = "video",
        Document = "document",
        Location = "location",
        /// A shared contact card (vCard-like), not our `contacts` row.
        Contact = "contact",
        Sticker = "sticker",
        /// An emoji reaction to another message (an empty emoji removes it).
        Reaction = "reaction",
        /// A pre-approved WhatsApp template: the only type allowed outside the 24-hour window.
        Template = "template",
        /// Buttons, lists and the customer's replies to them.
        Interactive = "interactive",
        /// A type the channel sent that we do not model; the raw payload is kept.
        Unsupported = "unsupported",
        System = "system",
    }
}

impl MessageType {
    /// Types whose content is a file in object storage (per-type size limits apply).
    #[must_use]
    pub fn is_media(self) -> bool {
        matches!(
            self,
            Self::Image | Self::Audio | Self::Video | Self::Document | Self::Sticker
        )
    }
}

named_enum! {
    /// Which way a message travelled, seen from the business.
    pub enum Direction (error = "invalid_direction") {
        /// From the customer to us.
        Inbound = "inbound",
        /// From us (an agent, a bot, a campaign) to the customer.
        Outbound = "outbound",
    }
}

named_enum! {
    /// Who wrote a message. An inbound message is always by the `contact`; an outbound one by an
    /// `agent`, a `bot` (flows, automations, campaigns) or the `system`.
    pub enum Author (error = "invalid_author") {
        Contact = "contact",
        Agent = "agent",
        Bot = "bot",
        System = "system",
    }
}

named_enum! {
    /// What a `system` message records: its body is this name and its payload the details
    /// (`{from, to, by}` for assignments and transfers; `{from, by}` for status changes, `from`
    /// being the status and assignee before). Readers translate the name; the line is stored,
    /// so every agent sees it after a reload.
    pub enum SystemEvent (error = "invalid_system_event") {
        /// Assigned (or taken: `to.assignee_id == by`), also by a first reply.
        Assigned = "assigned",
        Transferred = "transferred",
        Resolved = "resolved",
        Reopened = "reopened",
    }
}

impl Author {
    /// The direction a message by this author travels: only the contact writes inbound.
    #[must_use]
    pub fn direction(self) -> Direction {
        match self {
            Self::Contact => Direction::Inbound,
            Self::Agent | Self::Bot | Self::System => Direction::Outbound,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn message_type_names_are_stable() {
        let table = [
            (MessageType::Text, "text"),
            (MessageType::Image, "image"),
            (MessageType::Audio, "audio"),
            (MessageType::Video, "video"),
            (MessageType::Document, "document"),
            (MessageType::Location, "location"),
            (MessageType::Contact, "contact"),
            (MessageType::Sticker, "sticker"),
            (MessageType::Reaction, "reaction"),
            (MessageType::Template, "template"),
            (MessageType::Interactive, "interactive"),
            (MessageType::Unsupported, "unsupported"),
            (MessageType::System, "system"),
        ];
        assert_eq!(table.len(), MessageType::ALL.len());
        for (kind, name) in table {
            assert_eq!(kind.as_str(), name);
            assert_eq!(MessageType::parse(name).unwrap(), kind);
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{name}\""));
            assert_eq!(
                serde_json::from_str::<MessageType>(&format!("\"{name}\"")).unwrap(),
                kind
            );
        }
    }

    #[test]
    fn unknown_names_are_rejected_with_their_code() {
        assert_eq!(MessageType::parse("Text").unwrap_err().code, "invalid_message_type");
        assert_eq!(MessageType::parse("gif").unwrap_err().code, "invalid_message_type");
        assert_eq!(Direction::parse("in").unwrap_err().code, "invalid_direction");
        assert_eq!(Author::parse("user").unwrap_err().code, "invalid_author");
        assert!(
            Author::parse("")
                .unwrap_err()
                .message
                .contains("contact, agent, bot, system")
        );
    }

    #[test]
    fn direction_and_author_round_trip() {
        for d in Direction::ALL {
            assert_eq!(Direction::parse(d.as_str()).unwrap(), *d);
        }
        for a in Author::ALL {
            assert_eq!(a.as_str().parse::<Author>().unwrap(), *a);
            assert_eq!(a.to_string(), a.as_str());
        }
        assert_eq!(Author::Contact.direction(), Direction::Inbound);
        assert_eq!(Author::Bot.direction(), Direction::Outbound);
    }

    #[test]
    fn media_types_are_the_file_backed_ones() {
        let media: Vec<_> = MessageType::ALL
            .iter()
            .filter(|t| t.is_media())
            .map(|t| t.as_str())
            .collect();
        assert_eq!(media, ["image", "audio", "video", "document", "sticker"]);
    }

    proptest! {
        #[test]
        fn message_type_parse_accepts_only_its_names(s in "\\PC{0,20}") {
            match MessageType::parse(&s) {
                Ok(t) => prop_assert_eq!(t.as_str(), s.as_str()),
                Err(e) => prop_assert_eq!(e.code, "invalid_message_type"),
            }
        }
    }
}
