//! Retry delays: exponential (2^n seconds) with jitter, capped.

use std::time::Duration;

/// The delay before retry number `attempt` (1 for the first retry).
///
/// `jitter` in `[0, 1)` spreads retries of many jobs that failed together: the delay is drawn
/// uniformly from the upper half of the exponential step (`0.5 + jitter / 2` of it), so it never
/// collapses to zero and never exceeds `cap`.
#[must_use]
pub fn retry_delay(attempt: u32, jitter: f64, cap: Duration) -> Duration {
    let exp = 2f64.powi(attempt.clamp(1, 30) as i32);
    let factor = 0.5 + jitter.clamp(0.0, 1.0) / 2.0;
    let secs = (exp * factor).min(cap.as_secs_f64());
    Duration::from_secs_f64(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_and_is_capped() {
        let cap = Duration::from_secs(3600);
        assert_eq!(retry_delay(1, 1.0, cap), Duration::from_secs(2));
        assert_eq!(retry_delay(3, 1.0, cap), Duration::from_secs(8));
        assert_eq!(retry_delay(3, 0.0, cap), Duration::from_secs(4));
        assert_eq!(retry_delay(40, 0.7, cap), cap);
    }

    #[test]
    fn never_zero() {
        assert!(retry_delay(0, 0.0, Duration::from_secs(10)) >= Duration::from_secs(1));
    }
}
