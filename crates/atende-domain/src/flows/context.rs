//! What the interpreter may know about the world at one step, handed in by the caller.

use crate::hours::BusinessHours;
use crate::ids::{ConversationId, TagId};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The facts a step may read: the contact, its tags, the channel, business hours, the
/// conversation and the clock. Built fresh by the caller for every call, so it reflects what
/// the effects of earlier steps did (tags added, a contact renamed).
#[derive(Clone, Debug)]
pub struct FlowContext {
    /// `{{conversation.id}}`; `None` in a preview.
    pub conversation_id: Option<ConversationId>,
    pub contact: ContactFacts,
    /// The contact's tags now.
    pub tags: Vec<TagId>,
    /// The channel kind (`whatsapp`, `webchat`, …), for conditions and `{{channel.kind}}`.
    pub channel_kind: String,
    /// The tenant's business hours; `None` counts as always open.
    pub business_hours: Option<BusinessHours>,
    /// The current time; every deadline is computed from it.
    pub now: DateTime<Utc>,
}

/// Contact fields visible to templates (`{{contact.name}}`) and conditions.
#[derive(Clone, Debug, Default)]
pub struct ContactFacts {
    pub name: Option<String>,
    /// E.164 (`+5511987654321`).
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Custom fields by key; in templates they sit beside the built-in ones
    /// (`{{contact.cpf}}`), which win on a clash when set.
    pub fields: BTreeMap<String, Value>,
}

impl ContactFacts {
    /// One field by name: `name`, `phone`, `email` or a custom key.
    #[must_use]
    pub fn get(&self, field: &str) -> Option<Value> {
        let text = |v: &Option<String>| v.clone().map(Value::String);
        match field {
            "name" => text(&self.name),
            "phone" => text(&self.phone),
            "email" => text(&self.email),
            other => self.fields.get(other).cloned(),
        }
    }

    /// The contact as one JSON object (custom fields, then the built-in ones that are set over
    /// them; unset ones are left out, so they render empty rather than `none`).
    #[must_use]
    pub fn to_json(&self) -> Value {
        let mut map: Map<String, Value> = self.fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (key, value) in [("name", &self.name), ("phone", &self.phone), ("email", &self.email)] {
            if let Some(v) = value {
                map.insert(key.to_owned(), Value::String(v.clone()));
            }
        }
        Value::Object(map)
    }
}

impl FlowContext {
    /// A context with nothing known but the clock (previews and tests start from it).
    #[must_use]
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            conversation_id: None,
            contact: ContactFacts::default(),
            tags: Vec::new(),
            channel_kind: String::new(),
            business_hours: None,
            now,
        }
    }

    /// Whether the business is open now (`true` without business hours).
    #[must_use]
    pub fn business_open(&self) -> bool {
        self.business_hours.as_ref().is_none_or(|h| h.is_open(self.now))
    }
}
