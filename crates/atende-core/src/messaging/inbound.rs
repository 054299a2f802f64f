//! The one use case that records what customers write, whatever the channel: a batch of
//! WhatsApp deliveries ([`crate::ingest`]) and a web-chat visitor's message
//! ([`crate::widget`]) both end here once they know who wrote (the contact) and what (the
//! message). Chatwoot's single `incoming_message_base_service` is the model.
//!
//! For a batch, in one tenant transaction and a fixed number of statements:
//! 1. messages already stored (their provider id is known) are left alone — a repeated
//!    delivery changes nothing, not even its conversation's status;
//! 2. each contact's latest conversation on the channel is read at once, and the reopen policy
//!    (`atende_domain::conversation::on_inbound`) decides per contact: continue it (reopened if
//!    it was resolved within the window), or open a new one — all new ones in one `INSERT`;
//! 3. the messages go in with one multi-row `INSERT … ON CONFLICT DO NOTHING`, replies linked to
//!    the message they quote (stored before, or earlier in the batch);
//! 4. the counters of every conversation touched move in one statement (last activity, the
//!    24-hour window's start, unread);
//! 5. each conversation opened here gets its channel's welcome message, if it has one
//!    ([`crate::channels::greeting`]): one more `INSERT` for the messages, one for their jobs;
//! 6. the events for live screens are collected for the caller to publish after its commit.
//!
//! The caller serializes writers per customer (`TenantTx::lock`, Postgres; SQLite has one
//! writer), so a first contact never opens two conversations.

use crate::bus::{Event, EventKind};
use atende_db::entities::channels::Model as Channel;
use atende_db::entities::conversations::Model as Conversation;
use atende_db::entities::messages::Model as Message;
use atende_db::repo::conversations::{self, Activity, ConversationPatch, NewConversation};
use atende_db::repo::messages::{self, NewMessage};
use atende_db::{DbError, TenantTx};
use atende_domain::conversation::{InboundOutcome, on_inbound};
use atende_domain::{ConversationStatus, TeamId};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

/// A message a customer wrote, ready to record.
#[derive(Clone, Debug)]
pub struct Inbound {
    pub channel: Channel,
    pub contact_id: Uuid,
    /// Its `conversation_id` is ignored: the reopen policy picks the conversation.
    pub message: NewMessage,
    /// When the customer wrote (`atende_domain::window::inbound_time`): the conversation's last
    /// activity and, if the customer wrote, the 24-hour window's start.
    pub at: DateTime<Utc>,
    /// `false` for a provider's notice (the customer changed number): it neither opens the
    /// window nor counts as unread.
    pub customer_wrote: bool,
}

/// What became of one [`Inbound`].
#[derive(Clone, Debug)]
pub struct Recorded {
    pub message: Message,
    /// `false`: it was stored before (a repeated delivery); nothing changed.
    pub created: bool,
}

/// Records a batch (see the module docs), returning one [`Recorded`] per item, in order, and
/// adding the events to `out`. `now` is when the batch is applied (the reopen window counts
/// to it); `outbound_attempts` is the delivery jobs' attempts for the greetings it queues.
///
/// # Errors
/// Database failure; `MissingReference` when a contact or channel is not this tenant's.
pub async fn record(
    tx: &TenantTx,
    items: Vec<Inbound>,
    now: DateTime<Utc>,
    outbound_attempts: i32,
    out: &mut Vec<Event>,
) -> Result<Vec<Recorded>, DbError> {
    let stored = already_stored(tx, &items).await?;
    let fresh: Vec<&Inbound> = items
        .iter()
        .filter(|i| {
            !i.message
                .provider_message_id
                .as_ref()
                .is_some_and(|p| stored.contains_key(&(i.channel.id, p.clone())))
        })
        .collect();
    let (conversations, opened) = conversations_for(tx, &fresh, now, out).await?;

    // The messages, in order, each in its contact's conversation.
    let mut batch = Vec::with_capacity(fresh.len());
    for item in &fresh {
        let conv = conversations
            .get(&(item.channel.id, item.contact_id))
            .ok_or(DbError::NotFound)?;
        batch.push(NewMessage {
            conversation_id: conv.id,
            ..item.message.clone()
        });
    }
    link_replies(tx, &mut batch).await?;
    let inserted = messages::insert_many(tx, batch).await?;
    link_replies_within(tx, &inserted).await?;

    // Counters and events of what was created.
    let tenant = tx.tenant_id();
    let mut activity: Vec<Activity> = Vec::new();
    for (item, ins) in fresh.iter().zip(&inserted) {
        if !ins.created {
            continue;
        }
        let m = &ins.message;
        match activity.iter_mut().find(|a| a.conversation_id == m.conversation_id) {
            Some(a) => {
                a.last_message_at = a.last_message_at.max(item.at);
                if item.customer_wrote {
                    a.last_inbound_at = Some(a.last_inbound_at.map_or(item.at, |t| t.max(item.at)));
                    a.unread += 1;
                }
            }
            None => activity.push(Activity {
                conversation_id: m.conversation_id,
                last_message_at: item.at,
                last_inbound_at: item.customer_wrote.then_some(item.at),
                unread: i32::from(item.customer_wrote),
            }),
        }
        out.push(
            Event::new(EventKind::MessageCreated, tenant)
                .conversation(m.conversation_id)
                .message(m.id)
                .data(json!({ "direction": "inbound", "type": m.kind })),
        );
    }
    // Greet the conversations opened here in which the customer wrote (see `greeting`).
    let wrote: std::collections::HashSet<Uuid> = activity
        .iter()
        .filter(|a| a.last_inbound_at.is_some())
        .map(|a| a.conversation_id)
        .collect();
    let to_greet: Vec<(Uuid, &Channel)> = opened.into_iter().filter(|(id, _)| wrote.contains(id)).collect();
    for g in crate::channels::greeting::queue_for_new(tx, &to_greet, outbound_attempts, out).await? {
        if let Some(a) = activity.iter_mut().find(|a| a.conversation_id == g.conversation_id) {
            a.last_message_at = a.last_message_at.max(g.at);
        }
    }
    for a in &activity {
        out.push(Event::new(EventKind::ConversationUpdated, tenant).conversation(a.conversation_id));
    }
    conversations::record_activity(tx, activity).await?;

    let mut fresh_results = inserted.into_iter();
    let mut results = Vec::with_capacity(items.len());
    for item in &items {
        let known = item
            .message
            .provider_message_id
            .as_ref()
            .and_then(|p| stored.get(&(item.channel.id, p.clone())));
        match known {
            Some(m) => results.push(Recorded {
                message: m.clone(),
                created: false,
            }),
            None => {
                let ins = fresh_results.next().ok_or(DbError::NotFound)?;
                results.push(Recorded {
                    message: ins.message,
                    created: ins.created,
                });
            }
        }
    }
    Ok(results)
}

/// The stored messages among the items' provider ids, keyed by (channel, provider id).
async fn already_stored(tx: &TenantTx, items: &[Inbound]) -> Result<HashMap<(Uuid, String), Message>, DbError> {
    let mut by_channel: HashMap<Uuid, Vec<&str>> = HashMap::new();
    for i in items {
        if let Some(p) = &i.message.provider_message_id {
            by_channel.entry(i.channel.id).or_default().push(p);
        }
    }
    let mut found = HashMap::new();
    for (channel, pids) in by_channel {
        for m in messages::find_by_provider_ids(tx, channel, &pids).await? {
            if let Some(p) = m.provider_message_id.clone() {
                found.insert((channel, p), m);
            }
        }
    }
    Ok(found)
}

/// The conversation each (channel, contact) of the batch writes to, by the reopen policy, with
/// the reopened and new ones announced in `out`; and the ids of those it opened.
async fn conversations_for<'a>(
    tx: &TenantTx,
    items: &[&'a Inbound],
    now: DateTime<Utc>,
    out: &mut Vec<Event>,
) -> Result<(HashMap<(Uuid, Uuid), Conversation>, Vec<(Uuid, &'a Channel)>), DbError> {
    let tenant = tx.tenant_id();
    let mut chosen: HashMap<(Uuid, Uuid), Conversation> = HashMap::new();
    let mut opened: Vec<(Uuid, &'a Channel)> = Vec::new();
    let mut channels: Vec<&'a Channel> = Vec::new();
    for i in items {
        if !channels.iter().any(|c| c.id == i.channel.id) {
            channels.push(&i.channel);
        }
    }
    for ch in channels {
        let mut contacts: Vec<Uuid> = Vec::new();
        for i in items.iter().filter(|i| i.channel.id == ch.id) {
            if !contacts.contains(&i.contact_id) {
                contacts.push(i.contact_id);
            }
        }
        let latest = conversations::latest_for_many(tx, ch.id, &contacts).await?;
        let window = TimeDelta::hours(atende_db::repo::channels::reopen_window_hours(ch));
        let mut to_open = Vec::new();
        for contact in contacts {
            let Some(c) = latest.get(&contact) else {
                to_open.push(contact);
                continue;
            };
            let status: ConversationStatus = c.status.parse().map_err(|_| corrupt(&c.status))?;
            match on_inbound(status, c.resolved_at, now, window) {
                InboundOutcome::Continue(s) if s == status => {
                    chosen.insert((ch.id, contact), c.clone());
                }
                InboundOutcome::Continue(s) => {
                    let patch = ConversationPatch {
                        status: Some(s),
                        snoozed_until: Some(None),
                        ..ConversationPatch::default()
                    };
                    let c = conversations::update(tx, c.clone(), patch).await?;
                    out.push(
                        Event::new(EventKind::ConversationUpdated, tenant)
                            .conversation(c.id)
                            .data(json!({ "status": s.as_str(), "reopened": true })),
                    );
                    chosen.insert((ch.id, contact), c);
                }
                InboundOutcome::StartNew => to_open.push(contact),
            }
        }
        if to_open.is_empty() {
            continue;
        }
        let team = default_team(tx, ch).await?;
        let new: Vec<NewConversation> = to_open
            .iter()
            .map(|contact| NewConversation {
                team_id: team,
                ..NewConversation::open(ch.id, *contact)
            })
            .collect();
        for c in conversations::create_many(tx, new).await? {
            out.push(Event::new(EventKind::ConversationCreated, tenant).conversation(c.id));
            opened.push((c.id, ch));
            chosen.insert((ch.id, c.contact_id), c);
        }
    }
    Ok((chosen, opened))
}

fn corrupt(status: &str) -> DbError {
    DbError::Other(atende_db::sea_orm::DbErr::Custom(format!(
        "conversation with an unknown status: {status}"
    )))
}

/// The team new conversations of the channel go to (its `default_team_id`), if it still exists.
pub(crate) async fn default_team(tx: &TenantTx, ch: &Channel) -> Result<Option<Uuid>, DbError> {
    let Some(team) = ch
        .settings
        .get("default_team_id")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
    else {
        return Ok(None);
    };
    match atende_db::repo::teams::get(tx, TeamId(team)).await {
        Ok(_) => Ok(Some(team)),
        // Deleted since it was configured: open without a team.
        Err(DbError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Links replies to messages stored before the batch (one read for all of them).
async fn link_replies(tx: &TenantTx, batch: &mut [NewMessage]) -> Result<(), DbError> {
    let mut by_channel: HashMap<Uuid, Vec<String>> = HashMap::new();
    for m in batch.iter().filter(|m| m.reply_to_id.is_none()) {
        if let Some(p) = &m.reply_to_provider_id {
            by_channel.entry(m.channel_id).or_default().push(p.clone());
        }
    }
    let mut found: HashMap<(Uuid, String), Uuid> = HashMap::new();
    for (channel, pids) in by_channel {
        let refs: Vec<&str> = pids.iter().map(String::as_str).collect();
        for m in messages::find_by_provider_ids(tx, channel, &refs).await? {
            if let Some(p) = m.provider_message_id {
                found.insert((channel, p), m.id);
            }
        }
    }
    for m in batch.iter_mut().filter(|m| m.reply_to_id.is_none()) {
        if let Some(p) = &m.reply_to_provider_id {
            m.reply_to_id = found.get(&(m.channel_id, p.clone())).copied();
        }
    }
    Ok(())
}

/// Links replies to a message earlier in the same batch, as if they had come one by one.
async fn link_replies_within(tx: &TenantTx, inserted: &[messages::Inserted]) -> Result<(), DbError> {
    let mut earlier: HashMap<(Uuid, &str), Uuid> = HashMap::new();
    let mut links = Vec::new();
    for ins in inserted {
        let m = &ins.message;
        if ins.created
            && m.reply_to_id.is_none()
            && let Some(p) = &m.reply_to_provider_id
            && let Some(target) = earlier.get(&(m.channel_id, p.as_str()))
        {
            links.push((m.id, *target));
        }
        if let Some(p) = &m.provider_message_id {
            earlier.entry((m.channel_id, p.as_str())).or_insert(m.id);
        }
    }
    messages::set_reply_targets(tx, links).await
}
