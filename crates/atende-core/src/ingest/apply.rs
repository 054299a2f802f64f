//! Applying a batch of stored deliveries: the `webhook.ingest` job's work.
//!
//! 1. One read of the deliveries and one of their channels (platform scope); each delivery is
//!    parsed by its channel's adapter, and each event routed to the channel of the number it
//!    was for (Meta sends every number of an app to one callback URL) — one more read for the
//!    numbers the URL did not name.
//! 2. Per tenant: the files of new media messages are downloaded, outside any transaction
//!    ([`super::media`]).
//! 3. Per tenant, **one transaction** ([`apply_tenant`]): customers locked, contacts and
//!    identities resolved set-based, messages recorded by the one inbound use case
//!    ([`crate::messaging::inbound::record`]), statuses applied in one statement, template
//!    reviews, and the deliveries marked processed — in the same commit.
//! 4. The events of every committed transaction go to the bus once, together.
//!
//! If a tenant's transaction fails, its deliveries are applied again in halves, down to one:
//! a delivery that keeps failing retries on its own (its job's attempts, then the dead letter)
//! and never holds back the rest of the batch. A delivery that can never apply (not the
//! provider's format, its channel deleted) is marked `failed` with the reason and kept for a
//! replay; its job is done.

use super::content::{self, MediaOutcome};
use super::media::{self, Wanted};
use crate::Core;
use crate::bus::{Event, EventKind};
use crate::jobs::JobError;
use crate::messaging::inbound::{self, Inbound};
use atende_channels::{DeliveryStatus, InboundEvent, InboundMessage, MessageContent, StatusUpdate};
use atende_db::entities::channels::Model as Channel;
use atende_db::entities::webhook_events::Model as Delivery;
use atende_db::repo::contacts::{self, ContactPatch, NewContact};
use atende_db::repo::messages::{self, StatusOutcome, StatusReport};
use atende_db::repo::webhook_events;
use atende_db::{DbError, TenantTx};
use atende_domain::window::inbound_time;
use atende_domain::{MessageStatus, MessageType, PhoneE164, TenantId};
use chrono::Utc;
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// A delivery parsed and routed, ready to apply.
struct Parsed {
    id: Uuid,
    tenant: TenantId,
    events: Vec<InboundEvent>,
    /// The channel each event is for (by its position); events for numbers not connected in
    /// the delivery's workspace are absent (kept raw, ignored).
    routes: HashMap<usize, Channel>,
}

fn retry(e: impl std::fmt::Display) -> JobError {
    JobError::Retry(e.to_string())
}

/// Applies the deliveries `ids` (see the module docs); one outcome per id, in order.
pub(super) async fn apply_batch(core: &Core, ids: &[Uuid]) -> Vec<Result<(), JobError>> {
    match prepare(core, ids).await {
        Ok((parsed, mut done)) => {
            let mut events = Vec::new();
            let mut by_tenant: Vec<(TenantId, Vec<Parsed>)> = Vec::new();
            for p in parsed {
                match by_tenant.iter_mut().find(|(t, _)| *t == p.tenant) {
                    Some((_, v)) => v.push(p),
                    None => by_tenant.push((p.tenant, vec![p])),
                }
            }
            for (tenant, group) in by_tenant {
                apply_tenant_batch(core, tenant, group, &mut done, &mut events).await;
            }
            core.publish(events).await;
            ids.iter()
                .map(|id| done.remove(id).unwrap_or_else(|| Err(retry("delivery not applied"))))
                .collect()
        }
        Err(e) => ids.iter().map(|_| Err(retry(&e))).collect(),
    }
}

/// Reads, parses and routes the deliveries. Those that cannot apply are marked failed here and
/// answered in the map; the rest come back parsed.
async fn prepare(core: &Core, ids: &[Uuid]) -> Result<(Vec<Parsed>, HashMap<Uuid, Result<(), JobError>>), DbError> {
    let mut unique: Vec<Uuid> = Vec::with_capacity(ids.len());
    for id in ids {
        if !unique.contains(id) {
            unique.push(*id);
        }
    }
    let tx = core.db.platform_tx().await?;
    let rows: HashMap<Uuid, Delivery> = webhook_events::get_many(&tx, &unique)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let channel_ids: Vec<Uuid> = rows.values().filter_map(|d| d.channel_id).collect();
    let channels: HashMap<Uuid, Channel> = atende_db::repo::channels::find_live_many(&tx, &channel_ids)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    tx.commit().await?;

    let mut done: HashMap<Uuid, Result<(), JobError>> = HashMap::new();
    let mut failed: Vec<(Uuid, String)> = Vec::new();
    let mut parsed = Vec::new();
    for id in unique {
        let Some(d) = rows.get(&id) else {
            done.insert(id, Err(JobError::Permanent("delivery not found".into())));
            continue;
        };
        let (Some(tenant), Some(channel_id)) = (d.tenant_id, d.channel_id) else {
            failed.push((id, "delivery without a channel".into()));
            continue;
        };
        let Some(channel) = channels.get(&channel_id).filter(|c| c.tenant_id == tenant) else {
            failed.push((id, "the channel was deleted".into()));
            continue;
        };
        let Some(adapter) = core.adapters.get(&channel.kind) else {
            failed.push((id, format!("channels of kind {} take no webhooks", channel.kind)));
            continue;
        };
        match adapter.parse_webhook(&d.raw_body) {
            Ok(events) => parsed.push((d, channel.clone(), events)),
            Err(e) => failed.push((id, e.to_string())),
        }
    }
    let routed = route(core, parsed).await?;
    if !failed.is_empty() {
        let tx = core.db.platform_tx().await?;
        for (id, why) in &failed {
            webhook_events::mark_failed(&tx, *id, why).await?;
        }
        tx.commit().await?;
        for (id, why) in failed {
            tracing::info!(delivery = %id, reason = %why, "delivery cannot apply: marked failed (kept for a replay)");
            done.insert(id, Ok(()));
        }
    }
    Ok((routed, done))
}

/// The number an event was for (`None`: account-level, e.g. a template review).
fn endpoint(e: &InboundEvent) -> Option<String> {
    match e {
        InboundEvent::Message(m) => m.routing.endpoint_id.clone(),
        InboundEvent::Status(s) => s.routing.endpoint_id.clone(),
        InboundEvent::ProviderErrors { routing, .. } | InboundEvent::Other { routing, .. } => {
            routing.endpoint_id.clone()
        }
        InboundEvent::TemplateStatus(_) => None,
    }
}

/// Which channel each event belongs to: the URL's, or — when the event names another number —
/// that number's channel, if it is connected in the same workspace.
async fn route(core: &Core, parsed: Vec<(&Delivery, Channel, Vec<InboundEvent>)>) -> Result<Vec<Parsed>, DbError> {
    let mut others: HashMap<String, Vec<String>> = HashMap::new();
    for (_, ch, events) in &parsed {
        for ep in events.iter().filter_map(endpoint) {
            if ch.external_id.as_deref() != Some(ep.as_str()) {
                others.entry(ch.kind.clone()).or_default().push(ep);
            }
        }
    }
    let mut by_endpoint: HashMap<(String, String), Channel> = HashMap::new();
    if !others.is_empty() {
        let tx = core.db.platform_tx().await?;
        for (kind, eps) in others {
            for c in atende_db::repo::channels::find_by_external_ids(&tx, &kind, &eps).await? {
                if let Some(ep) = c.external_id.clone() {
                    by_endpoint.insert((kind.clone(), ep), c);
                }
            }
        }
        tx.commit().await?;
    }
    Ok(parsed
        .into_iter()
        .map(|(d, ch, events)| {
            let mut routes = HashMap::new();
            for (i, e) in events.iter().enumerate() {
                let target = match endpoint(e) {
                    None => Some(ch.clone()),
                    Some(ep) if ch.external_id.as_deref() == Some(ep.as_str()) => Some(ch.clone()),
                    Some(ep) => by_endpoint
                        .get(&(ch.kind.clone(), ep))
                        .filter(|c| c.tenant_id == ch.tenant_id)
                        .cloned(),
                };
                if let Some(t) = target {
                    routes.insert(i, t);
                }
            }
            Parsed {
                id: d.id,
                tenant: TenantId(ch.tenant_id),
                events,
                routes,
            }
        })
        .collect())
}

/// One tenant's deliveries: media first, then one transaction — in halves on failure.
async fn apply_tenant_batch(
    core: &Core,
    tenant: TenantId,
    group: Vec<Parsed>,
    done: &mut HashMap<Uuid, Result<(), JobError>>,
    events: &mut Vec<Event>,
) {
    let wanted: Vec<Wanted<'_>> = group
        .iter()
        .enumerate()
        .flat_map(|(d, p)| {
            p.events.iter().enumerate().filter_map(move |(e, ev)| match ev {
                InboundEvent::Message(m) if matches!(m.content, MessageContent::Media(_)) => Some(Wanted {
                    at: (d, e),
                    channel: p.routes.get(&e)?,
                    message: m,
                }),
                _ => None,
            })
        })
        .collect();
    let fetched = media::fetch(core, tenant, wanted).await;
    let mut ready: Vec<(&Parsed, HashMap<usize, MediaOutcome>)> = Vec::with_capacity(group.len());
    for (d, p) in group.iter().enumerate() {
        if let Some(why) = fetched.retry.get(&d) {
            done.insert(p.id, Err(retry(why)));
            continue;
        }
        let files = fetched
            .outcomes
            .iter()
            .filter(|((dd, _), _)| *dd == d)
            .map(|((_, e), o)| (*e, o.clone()))
            .collect();
        ready.push((p, files));
    }
    // Halves until each part applies or is a single delivery that fails.
    let mut parts = vec![ready];
    while let Some(part) = parts.pop() {
        if part.is_empty() {
            continue;
        }
        match apply_tenant(core, tenant, &part).await {
            Ok(mut evs) => {
                events.append(&mut evs);
                for (p, _) in &part {
                    done.insert(p.id, Ok(()));
                }
            }
            Err(e) if part.len() == 1 => {
                tracing::warn!(delivery = %part[0].0.id, error = %e, "delivery could not be applied; will retry");
                done.insert(part[0].0.id, Err(retry(e)));
            }
            Err(e) => {
                tracing::warn!(deliveries = part.len(), error = %e, "batch could not be applied; applying it in halves");
                let mut part = part;
                let second = part.split_off(part.len() / 2);
                parts.push(second);
                parts.push(part);
            }
        }
    }
}

/// One tenant transaction over `part` (see the module docs); the events to publish.
async fn apply_tenant(
    core: &Core,
    tenant: TenantId,
    part: &[(&Parsed, HashMap<usize, MediaOutcome>)],
) -> Result<Vec<Event>, DbError> {
    let now = Utc::now();
    let tx = core.db.tenant_tx(tenant).await?;
    let mut out = Vec::new();
    let mut messages: Vec<(&Channel, &InboundMessage, Option<MediaOutcome>)> = Vec::new();
    let mut statuses: Vec<(&Channel, &StatusUpdate)> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for (p, files) in part {
        for (i, event) in p.events.iter().enumerate() {
            let Some(ch) = p.routes.get(&i) else {
                notes.push(format!(
                    "{}: event {i} for a number not connected in this workspace",
                    p.id
                ));
                continue;
            };
            match event {
                InboundEvent::Message(m) => messages.push((ch, m.as_ref(), files.get(&i).cloned())),
                InboundEvent::Status(s) => statuses.push((ch, s.as_ref())),
                InboundEvent::TemplateStatus(t) => crate::inbox::templates::apply_status_update(&tx, t).await?,
                InboundEvent::ProviderErrors { errors, .. } => {
                    let codes: Vec<String> = errors
                        .iter()
                        .map(|e| e.code.map_or_else(|| "?".into(), |c| c.to_string()))
                        .collect();
                    tracing::warn!(channel = %ch.id, codes = ?codes, "provider reported errors");
                    // Account-level errors: the channel shows as degraded (`channels::health`).
                    if let Some(e) = errors.iter().find(|e| crate::channels::health::detail_degrades(e)) {
                        let (code, text) = crate::channels::health::detail_reason(e);
                        crate::channels::health::record(&tx, ch.id, &code, &text).await?;
                    }
                }
                InboundEvent::Other { kind, .. } => notes.push(format!("{}: not modelled: {kind}", p.id)),
            }
        }
    }
    record_messages(&tx, messages, now, core.config.outbound_max_attempts, &mut out).await?;
    apply_statuses(&tx, statuses, &mut out, &mut notes).await?;
    let ids: Vec<Uuid> = part.iter().map(|(p, _)| p.id).collect();
    webhook_events::mark_processed_many(&tx, &ids).await?;
    tx.commit().await?;
    if !notes.is_empty() {
        tracing::info!(notes = ?notes, "deliveries partly ignored (kept raw)");
    }
    Ok(out)
}

/// The customers' messages: one writer per customer, contacts resolved at once, then the
/// inbound use case.
async fn record_messages(
    tx: &TenantTx,
    messages: Vec<(&Channel, &InboundMessage, Option<MediaOutcome>)>,
    now: chrono::DateTime<Utc>,
    outbound_attempts: i32,
    out: &mut Vec<Event>,
) -> Result<(), DbError> {
    if messages.is_empty() {
        return Ok(());
    }
    // One customer at a time per channel: a first contact must not open two conversations.
    let mut locks: Vec<String> = messages
        .iter()
        .map(|(ch, m, _)| format!("ingest:{}:{}", ch.id, m.from))
        .collect();
    locks.sort_unstable();
    locks.dedup();
    tx.lock_all(&locks).await?;

    // A repeated delivery touches nothing: not its contact either.
    let mut known: std::collections::HashSet<(Uuid, String)> = std::collections::HashSet::new();
    let mut by_channel: HashMap<Uuid, Vec<&str>> = HashMap::new();
    for (ch, m, _) in &messages {
        by_channel.entry(ch.id).or_default().push(&m.provider_message_id);
    }
    for (channel, pids) in by_channel {
        for m in atende_db::repo::messages::find_by_provider_ids(tx, channel, &pids).await? {
            if let Some(p) = m.provider_message_id {
                known.insert((channel, p));
            }
        }
    }
    let fresh: Vec<_> = messages
        .into_iter()
        .filter(|(ch, m, _)| !known.contains(&(ch.id, m.provider_message_id.clone())))
        .collect();

    let contact_of = resolve_contacts(tx, &fresh).await?;
    let items: Vec<Inbound> = fresh
        .into_iter()
        .filter_map(|(ch, m, file)| {
            let contact_id = *contact_of.get(&(ch.kind.clone(), m.from.clone()))?;
            let message = content::new_message(ch.id, m, file);
            let customer_wrote = message.kind != MessageType::System;
            Some(Inbound {
                channel: ch.clone(),
                contact_id,
                message,
                at: inbound_time(m.timestamp, now),
                customer_wrote,
            })
        })
        .collect();
    inbound::record(tx, items, now, outbound_attempts, out).await?;
    Ok(())
}

/// The contact of each (channel kind, sender), created if new; a contact known only by number
/// takes the profile name the provider gives.
async fn resolve_contacts(
    tx: &TenantTx,
    fresh: &[(&Channel, &InboundMessage, Option<MediaOutcome>)],
) -> Result<HashMap<(String, String), Uuid>, DbError> {
    let mut kinds: Vec<&str> = fresh.iter().map(|(ch, _, _)| ch.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut contact_of = HashMap::new();
    for kind in kinds {
        let mut people: Vec<(String, NewContact)> = Vec::new();
        let mut names: HashMap<String, String> = HashMap::new();
        for (_, m, _) in fresh.iter().filter(|(ch, _, _)| ch.kind == kind) {
            let name = m.contact.as_ref().and_then(|c| c.name.clone()).unwrap_or_default();
            let phone = PhoneE164::parse(&format!("+{}", m.from.trim_start_matches('+'))).ok();
            names.entry(m.from.clone()).or_insert_with(|| name.clone());
            people.push((
                m.from.clone(),
                NewContact {
                    name: if name.is_empty() {
                        phone.as_ref().map_or_else(|| m.from.clone(), |p| p.as_str().to_owned())
                    } else {
                        name
                    },
                    phone,
                    ..NewContact::default()
                },
            ));
        }
        for (from, resolved) in contacts::resolve_identities(tx, kind, people).await? {
            let mut contact = resolved.contact;
            let name = names.get(&from).cloned().unwrap_or_default();
            if !name.is_empty()
                && (contact.name.is_empty() || Some(contact.name.as_str()) == contact.phone_e164.as_deref())
            {
                contact = contacts::update(
                    tx,
                    contact,
                    ContactPatch {
                        name: Some(name),
                        ..ContactPatch::default()
                    },
                )
                .await?;
            }
            contact_of.insert((kind.to_owned(), from), contact.id);
        }
    }
    Ok(contact_of)
}

/// Delivery statuses, per channel in one statement each. A status for an id we do not know
/// but carrying our message id as callback data settles that message first: the send reached
/// the provider but its answer was lost (timeout, crash), so the message is still `queued`;
/// recording the provider id moves it to `sent`, and its delivery job never sends it again.
async fn apply_statuses(
    tx: &TenantTx,
    statuses: Vec<(&Channel, &StatusUpdate)>,
    out: &mut Vec<Event>,
    notes: &mut Vec<String>,
) -> Result<(), DbError> {
    let mut channels: Vec<&Channel> = Vec::new();
    for (ch, _) in &statuses {
        if !channels.iter().any(|c| c.id == ch.id) {
            channels.push(ch);
        }
    }
    for ch in channels {
        let mine: Vec<(&StatusUpdate, MessageStatus)> = statuses
            .iter()
            .filter(|(c, _)| c.id == ch.id)
            .filter_map(|(_, s)| Some((*s, message_status(&s.status)?)))
            .collect();
        settle_by_callback(tx, ch, &mine).await?;
        let reports: Vec<(String, StatusReport)> = mine
            .iter()
            .map(|(s, status)| {
                let mut report = StatusReport::new(*status, s.timestamp.unwrap_or_else(Utc::now));
                if let Some(e) = s.errors.first() {
                    report.error_code = e.code.map(|c| c.to_string());
                    report.error_title = e.title.clone().or_else(|| e.message.clone());
                }
                (s.provider_message_id.clone(), report)
            })
            .collect();
        let outcomes = messages::apply_statuses(tx, ch.id, &reports).await?;
        for ((s, _), outcome) in mine.iter().zip(outcomes) {
            match outcome {
                StatusOutcome::Applied(m) => out.push(
                    Event::new(EventKind::MessageStatusChanged, tx.tenant_id())
                        .conversation(m.conversation_id)
                        .message(m.id)
                        .data(json!({ "status": m.status })),
                ),
                StatusOutcome::Unchanged(_) => {}
                StatusOutcome::Unknown => notes.push(format!(
                    "status {} for unknown message {}",
                    status_name(&s.status),
                    s.provider_message_id
                )),
            }
        }
    }
    Ok(())
}

fn status_name(s: &DeliveryStatus) -> String {
    match s {
        DeliveryStatus::Other(o) => o.clone(),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// Our status for the provider's; `None` for those that change nothing of ours (`deleted`,
/// `warning` …: the raw delivery keeps them).
fn message_status(s: &DeliveryStatus) -> Option<MessageStatus> {
    match s {
        DeliveryStatus::Sent => Some(MessageStatus::Sent),
        DeliveryStatus::Delivered => Some(MessageStatus::Delivered),
        DeliveryStatus::Read => Some(MessageStatus::Read),
        DeliveryStatus::Played => Some(MessageStatus::Played),
        DeliveryStatus::Failed => Some(MessageStatus::Failed),
        DeliveryStatus::Other(_) => None,
    }
}

async fn settle_by_callback(
    tx: &TenantTx,
    ch: &Channel,
    statuses: &[(&StatusUpdate, MessageStatus)],
) -> Result<(), DbError> {
    let candidates: Vec<(&StatusUpdate, Uuid)> = statuses
        .iter()
        .filter_map(|(s, _)| Some((*s, Uuid::parse_str(s.callback_data.as_deref()?).ok()?)))
        .collect();
    if candidates.is_empty() {
        return Ok(());
    }
    let pids: Vec<&str> = candidates.iter().map(|(s, _)| s.provider_message_id.as_str()).collect();
    let mut known: std::collections::HashSet<String> = messages::find_by_provider_ids(tx, ch.id, &pids)
        .await?
        .into_iter()
        .filter_map(|m| m.provider_message_id)
        .collect();
    for (s, ours) in candidates {
        if known.contains(&s.provider_message_id) {
            continue;
        }
        let m = match messages::get(tx, ours).await {
            Ok(m) => m,
            Err(DbError::NotFound) => continue,
            Err(e) => return Err(e),
        };
        if m.channel_id != ch.id || m.provider_message_id.is_some() {
            continue;
        }
        messages::mark_sent(tx, ours, &s.provider_message_id, s.timestamp.unwrap_or_else(Utc::now)).await?;
        known.insert(s.provider_message_id.clone());
    }
    Ok(())
}
