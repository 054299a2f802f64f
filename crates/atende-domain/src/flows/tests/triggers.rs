//! Triggers and picking a flow.

use super::*;
use crate::ids::ChannelId;

fn kw(mode: KeywordMatch, words: &[&str]) -> Trigger {
    Trigger::Keyword {
        mode,
        keywords: words.iter().map(|w| (*w).to_owned()).collect(),
    }
}

fn event(text: &str, channel: ChannelId) -> InboundEvent<'_> {
    InboundEvent {
        text,
        new_conversation: false,
        channel_id: channel,
        business_open: true,
    }
}

fn cand(id: &'static str, priority: i32, triggers: Vec<Trigger>) -> FlowCandidate<&'static str> {
    FlowCandidate {
        id,
        priority,
        triggers,
        channels: vec![],
    }
}

#[test]
fn keywords_ignore_case_accents_and_end_punctuation() {
    let ch = ChannelId::new();
    let equals = kw(KeywordMatch::Equals, &["Olá"]);
    assert!(equals.rank(&event("  OLA!! ", ch)).is_some());
    assert!(equals.rank(&event("ola tudo bem", ch)).is_none());
    let contains = kw(KeywordMatch::Contains, &["segunda via"]);
    assert!(contains.rank(&event("Quero a SEGUNDA   VIA do boleto", ch)).is_some());
    let starts = kw(KeywordMatch::StartsWith, &["menu"]);
    assert!(starts.rank(&event("Menu principal", ch)).is_some());
    assert!(starts.rank(&event("o menu", ch)).is_none());
    assert!(
        kw(KeywordMatch::Equals, &["", "  "]).rank(&event("", ch)).is_none(),
        "blank keywords never match"
    );
}

#[test]
fn event_triggers() {
    let ch = ChannelId::new();
    let mut e = event("qualquer", ch);
    assert!(Trigger::FirstMessage.rank(&e).is_none());
    assert!(Trigger::OutsideBusinessHours.rank(&e).is_none());
    e.new_conversation = true;
    e.business_open = false;
    assert!(Trigger::FirstMessage.rank(&e).is_some());
    assert!(Trigger::OutsideBusinessHours.rank(&e).is_some());
    assert!(Trigger::NewConversation { channel_id: ch }.rank(&e).is_some());
    assert!(
        Trigger::NewConversation {
            channel_id: ChannelId::new()
        }
        .rank(&e)
        .is_none()
    );
    assert!(Trigger::Manual.rank(&e).is_none());
}

#[test]
fn pick_flow_by_priority_then_specificity_then_order() {
    let ch = ChannelId::new();
    let mut e = event("oi", ch);
    e.new_conversation = true;
    let low_keyword = cand("kw", 1, vec![kw(KeywordMatch::Equals, &["oi"])]);
    let high_first = cand("first", 5, vec![Trigger::FirstMessage]);
    assert_eq!(pick_flow(&[low_keyword.clone(), high_first.clone()], &e), Some("first"));
    let same_first = cand("first", 1, vec![Trigger::FirstMessage]);
    assert_eq!(
        pick_flow(&[same_first.clone(), low_keyword.clone()], &e),
        Some("kw"),
        "equal priority: the keyword is more specific"
    );
    let twin = cand("twin", 1, vec![kw(KeywordMatch::Equals, &["oi"])]);
    assert_eq!(
        pick_flow(&[low_keyword.clone(), twin], &e),
        Some("kw"),
        "a full tie: the first"
    );
    assert_eq!(pick_flow(&[cand("m", 9, vec![Trigger::Manual])], &e), None);
}

#[test]
fn pick_flow_respects_the_flow_channels() {
    let (ch, other) = (ChannelId::new(), ChannelId::new());
    let mut only_other = cand("other", 9, vec![kw(KeywordMatch::Contains, &["oi"])]);
    only_other.channels = vec![other];
    let any = cand("any", 0, vec![kw(KeywordMatch::Contains, &["oi"])]);
    assert_eq!(pick_flow(&[only_other.clone(), any], &event("oi", ch)), Some("any"));
    assert_eq!(pick_flow(&[only_other], &event("oi", other)), Some("other"));
}

#[test]
fn trigger_validation_codes() {
    assert_eq!(
        kw(KeywordMatch::Equals, &[" !"]).validate().unwrap_err().code,
        "no_keywords"
    );
    let long = "x".repeat(101);
    assert_eq!(
        kw(KeywordMatch::Equals, &[&long]).validate().unwrap_err().code,
        "keyword_too_long"
    );
    let many: Vec<&str> = vec!["a"; 51];
    assert_eq!(
        kw(KeywordMatch::Equals, &many).validate().unwrap_err().code,
        "too_many_keywords"
    );
    assert!(kw(KeywordMatch::Equals, &["oi"]).validate().is_ok());
    assert!(Trigger::FirstMessage.validate().is_ok());
}
