//! State shared by handlers.

use atende_core::Core;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use metrics_exporter_prometheus::PrometheusHandle;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

/// HTTP settings.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// Requests per minute per client IP on the sign-in routes (`/auth/*`).
    pub auth_per_ip_per_minute: u32,
    /// Honour `X-Forwarded-For` (only behind a proxy you control).
    pub trust_proxy: bool,
    /// Largest JSON body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Requests per minute per client IP on the web-chat visitor API (`/widget/*`).
    pub widget_per_ip_per_minute: u32,
    /// The WebSocket hub's limits.
    pub ws: crate::ws::WsConfig,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            auth_per_ip_per_minute: 30,
            trust_proxy: false,
            max_body_bytes: 256 * 1024,
            widget_per_ip_per_minute: 240,
            ws: crate::ws::WsConfig::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub core: Core,
    pub metrics: Option<PrometheusHandle>,
    pub auth_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    /// Per-IP limit of the web-chat visitor API, separate from sign-in's.
    pub widget_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    pub trust_proxy: bool,
    /// Live connections of this node (`/api/v1/ws`) and presence.
    pub hub: Arc<crate::ws::Hub>,
}

impl AppState {
    /// Forgets the per-IP limiter state of addresses not seen recently, so the map does not grow
    /// with every client that ever connected. Called periodically by the server.
    pub fn prune_limiters(&self) {
        self.auth_limiter.retain_recent();
        self.auth_limiter.shrink_to_fit();
        self.widget_limiter.retain_recent();
        self.widget_limiter.shrink_to_fit();
    }

    #[must_use]
    pub fn new(core: Core, metrics: Option<PrometheusHandle>, cfg: &HttpConfig) -> Self {
        let per_min = NonZeroU32::new(cfg.auth_per_ip_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let widget_per_min = NonZeroU32::new(cfg.widget_per_ip_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            hub: Arc::new(crate::ws::Hub::new(core.clone(), cfg.ws.clone())),
            core,
            metrics,
            auth_limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(per_min))),
            widget_limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(widget_per_min))),
            trust_proxy: cfg.trust_proxy,
        }
    }
}
