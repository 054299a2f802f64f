//! JWT access tokens.

use super::Principal;
use crate::crypto::Keys;
use crate::error::{CoreError, CoreResult};
use atende_domain::{Actor, TenantId, UserId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use uuid::Uuid;

const ISSUER: &str = "atende";

/// What an access token says.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    /// The tenant the session acts in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<Uuid>,
    /// Super admin of the platform.
    #[serde(default)]
    pub sa: bool,
    /// The super admin impersonating this tenant, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imp: Option<Uuid>,
    /// The session (refresh-token family).
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
}

impl Claims {
    /// # Errors
    /// Never: kept fallible for symmetry with API keys.
    pub fn principal(&self) -> CoreResult<Principal> {
        Ok(Principal {
            actor: Actor::User(UserId(self.sub)),
            tenant_id: self.tid.map(TenantId),
            super_admin: self.sa,
            impersonator: self.imp.map(UserId),
            session: Some(self.sid),
            key_role: None,
        })
    }
}

/// Signs an access token.
///
/// # Errors
/// Never in practice.
pub fn issue_access(
    keys: &Keys,
    user: UserId,
    tenant: Option<TenantId>,
    super_admin: bool,
    impersonator: Option<UserId>,
    session: Uuid,
    ttl: Duration,
) -> CoreResult<String> {
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        sub: user.uuid(),
        tid: tenant.map(TenantId::uuid),
        sa: super_admin,
        imp: impersonator.map(UserId::uuid),
        sid: session,
        iat: now,
        exp: now + i64::try_from(ttl.as_secs()).unwrap_or(900),
        iss: ISSUER.into(),
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(keys.jwt_key()),
    )
    .map_err(|e| CoreError::Internal(format!("jwt: {e}")))
}

/// Verifies signature, algorithm, issuer and expiry (no leeway).
///
/// # Errors
/// `Unauthorized`: `token_expired` or `invalid_token`.
pub fn verify_access(keys: &Keys, token: &str) -> CoreResult<Claims> {
    let mut v = Validation::new(Algorithm::HS256);
    v.leeway = 0;
    v.set_issuer(&[ISSUER]);
    v.set_required_spec_claims(&["exp", "sub", "iss"]);
    match jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(keys.jwt_key()), &v) {
        Ok(d) => Ok(d.claims),
        Err(e) if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::ExpiredSignature) => Err(
            CoreError::Unauthorized("token_expired", "the access token has expired; refresh it".into()),
        ),
        Err(_) => Err(CoreError::Unauthorized(
            "invalid_token",
            "the access token is invalid".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_token_round_trip_and_rejections() {
        let keys = Keys::from_secret(&[1u8; 32]).unwrap();
        let user = UserId::new();
        let sid = Uuid::now_v7();
        let t = issue_access(&keys, user, None, false, None, sid, Duration::from_secs(60)).unwrap();
        let c = verify_access(&keys, &t).unwrap();
        assert_eq!(c.sub, user.uuid());
        assert_eq!(c.sid, sid);

        let other = Keys::from_secret(&[2u8; 32]).unwrap();
        assert_eq!(verify_access(&other, &t).unwrap_err().code(), "invalid_token");
        assert_eq!(verify_access(&keys, "garbage").unwrap_err().code(), "invalid_token");

        let expired = issue_access(&keys, user, None, false, None, sid, Duration::ZERO).unwrap();
        std::thread::sleep(Duration::from_millis(1100));
        assert_eq!(verify_access(&keys, &expired).unwrap_err().code(), "token_expired");
    }
}
