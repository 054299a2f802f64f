//! The adapter registry (one adapter per channel kind) and send pacing.

use crate::error::{CoreError, CoreResult};
use atende_channels::ChannelAdapter;
use atende_channels::whatsapp_cloud::{GraphConfig, WhatsappCloudAdapter};
use atende_db::repo::channels::kind;
use dashmap::DashMap;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The adapters, one per channel kind this installation serves.
pub struct Adapters {
    whatsapp: Arc<WhatsappCloudAdapter>,
}

impl Adapters {
    /// # Errors
    /// `Internal` when an HTTP client cannot be built.
    pub fn new(config: &crate::CoreConfig) -> CoreResult<Self> {
        let graph = GraphConfig {
            base_url: config.whatsapp_graph_url.trim_end_matches('/').to_owned(),
            ..GraphConfig::default()
        };
        let whatsapp = WhatsappCloudAdapter::new(graph).map_err(|e| CoreError::Internal(e.to_string()))?;
        Ok(Self {
            whatsapp: Arc::new(whatsapp),
        })
    }

    /// The adapter of a stored channel kind; `None` for kinds without a provider (web chat).
    #[must_use]
    pub fn get(&self, kind: &str) -> Option<Arc<dyn ChannelAdapter>> {
        match kind {
            kind::WHATSAPP_CLOUD => Some(self.whatsapp.clone()),
            _ => None,
        }
    }

    #[must_use]
    pub fn whatsapp(&self) -> &WhatsappCloudAdapter {
        &self.whatsapp
    }
}

/// Keeps sends within the provider's limits instead of hitting them: a token bucket per
/// channel (WhatsApp: 80 messages/s per number by default), one per (channel, recipient) pair
/// (Meta's pair limit: about one message per 6 s sustained, bursts of 45), and holds set by
/// rate-limit errors (130429 holds the number, 131056 the recipient).
///
/// Process-local: several worker processes each pace themselves, so the per-number rate is
/// per process. The holds still converge, since every process that hits the limit is told so.
pub struct Pacing {
    per_channel: DefaultKeyedRateLimiter<Uuid>,
    per_recipient: DefaultKeyedRateLimiter<(Uuid, String)>,
    holds: DashMap<String, Instant>,
}

impl Pacing {
    #[must_use]
    pub fn new(per_second: u32) -> Self {
        let rate = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let pair_burst = NonZeroU32::new(45).unwrap_or(NonZeroU32::MIN);
        let pair_rate = NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN);
        Self {
            per_channel: RateLimiter::keyed(Quota::per_second(rate)),
            per_recipient: RateLimiter::keyed(Quota::per_minute(pair_rate).allow_burst(pair_burst)),
            holds: DashMap::new(),
        }
    }

    fn hold_key(channel: Uuid, recipient: Option<&str>) -> String {
        recipient.map_or_else(|| channel.to_string(), |r| format!("{channel}/{r}"))
    }

    /// Holds back a channel (recipient `None`) or one recipient of it for `d`.
    pub fn hold(&self, channel: Uuid, recipient: Option<&str>, d: Duration) {
        self.holds
            .insert(Self::hold_key(channel, recipient), Instant::now() + d);
    }

    /// How long a send must wait (zero: go now, and a token was taken).
    #[must_use]
    pub fn wait(&self, channel: Uuid, recipient: &str) -> Duration {
        let now = Instant::now();
        for key in [Self::hold_key(channel, None), Self::hold_key(channel, Some(recipient))] {
            let until = self.holds.get(&key).map(|v| *v);
            match until {
                Some(until) if until > now => return until - now,
                Some(_) => {
                    self.holds.remove(&key);
                }
                None => {}
            }
        }
        let clock = governor::clock::DefaultClock::default();
        if let Err(not_until) = self.per_recipient.check_key(&(channel, recipient.to_owned())) {
            return not_until.wait_time_from(governor::clock::Clock::now(&clock));
        }
        if let Err(not_until) = self.per_channel.check_key(&channel) {
            return not_until.wait_time_from(governor::clock::Clock::now(&clock));
        }
        Duration::ZERO
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacing_keeps_a_number_under_its_rate_and_honours_holds() {
        let p = Pacing::new(2);
        let (ch, other) = (Uuid::now_v7(), Uuid::now_v7());
        // Two tokens per second: the first sends go now, the third must wait.
        assert_eq!(p.wait(ch, "5511900000001"), Duration::ZERO);
        assert_eq!(p.wait(ch, "5511900000002"), Duration::ZERO);
        assert!(p.wait(ch, "5511900000003") > Duration::ZERO);
        // Another number has its own bucket.
        assert_eq!(p.wait(other, "5511900000001"), Duration::ZERO);
        // A recipient hold (131056) stops that recipient only; a number hold (130429) all.
        p.hold(other, Some("5511900000009"), Duration::from_secs(60));
        assert!(p.wait(other, "5511900000009") > Duration::from_secs(50));
        p.hold(other, None, Duration::from_secs(30));
        assert!(p.wait(other, "5511900000001") > Duration::from_secs(20));
    }

    #[test]
    fn the_pair_limit_allows_a_burst_then_paces_one_recipient() {
        let p = Pacing::new(1000);
        let ch = Uuid::now_v7();
        let waits: Vec<Duration> = (0..46).map(|_| p.wait(ch, "5511987654321")).collect();
        assert!(waits[..45].iter().all(|w| w.is_zero()), "a burst of 45 goes at once");
        assert!(
            waits[45] > Duration::from_secs(1),
            "then about one every 6 s: {:?}",
            waits[45]
        );
    }
}
