//! Keys and primitives. Every key is derived from the one secret key of the installation, each
//! with its own label, so no key is ever used for two purposes.

use crate::error::CoreError;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// Current key id for secrets at rest; stored with each ciphertext so keys can rotate.
const KEY_ID: &str = "k1";

/// Keys derived from the installation's secret key.
pub struct Keys {
    jwt: [u8; 32],
    secrets: [u8; 32],
    links: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(***)")
    }
}

fn derive(master: &[u8], label: &str) -> [u8; 32] {
    // HMAC as a PRF keyed by the master secret: HKDF-Expand with a single block.
    let Ok(mut mac) = HmacSha256::new_from_slice(master) else {
        return [0; 32];
    };
    mac.update(label.as_bytes());
    let out = mac.finalize().into_bytes();
    let mut k = [0u8; 32];
    k.copy_from_slice(&out);
    k
}

impl Keys {
    /// Derives every key from the secret (at least 32 bytes).
    ///
    /// # Errors
    /// A secret shorter than 32 bytes.
    pub fn from_secret(master: &[u8]) -> Result<Self, CoreError> {
        if master.len() < 32 {
            return Err(CoreError::Internal("the secret key must have at least 32 bytes".into()));
        }
        Ok(Self {
            jwt: derive(master, "atende/jwt/v1"),
            secrets: derive(master, "atende/secrets/v1"),
            links: derive(master, "atende/links/v1"),
        })
    }

    /// An HMAC-SHA256 tag (URL-safe base64) over `message`, for signed links and visitor tokens.
    #[must_use]
    pub fn sign(&self, message: &str) -> String {
        let Ok(mut mac) = HmacSha256::new_from_slice(&self.links) else {
            return String::new();
        };
        mac.update(message.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Whether `tag` is [`Keys::sign`] of `message` (constant time).
    #[must_use]
    pub fn verify_signed(&self, message: &str, tag: &str) -> bool {
        ct_eq(self.sign(message).as_bytes(), tag.as_bytes())
    }

    #[must_use]
    pub fn jwt_key(&self) -> &[u8] {
        &self.jwt
    }

    /// Encrypts a secret for storage: `k1:<base64(nonce ‖ ciphertext)>`.
    ///
    /// # Errors
    /// Never in practice (AES-GCM only fails on absurd lengths).
    pub fn encrypt(&self, plaintext: &[u8]) -> Result<String, CoreError> {
        let cipher = Aes256Gcm::new_from_slice(&self.secrets).map_err(|e| CoreError::Internal(e.to_string()))?;
        let mut nonce = [0u8; 12];
        rand::fill(&mut nonce);
        let ct = cipher
            .encrypt(&Nonce::from(nonce), plaintext)
            .map_err(|_| CoreError::Internal("encryption failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(format!("{KEY_ID}:{}", STANDARD_NO_PAD.encode(out)))
    }

    /// Decrypts what [`Keys::encrypt`] produced.
    ///
    /// # Errors
    /// Unknown key id, tampering, or the wrong key.
    pub fn decrypt(&self, stored: &str) -> Result<Vec<u8>, CoreError> {
        let bad = || CoreError::Internal("cannot decrypt a stored secret".into());
        let (kid, b64) = stored.split_once(':').ok_or_else(bad)?;
        if kid != KEY_ID {
            return Err(bad());
        }
        let raw = STANDARD_NO_PAD.decode(b64).map_err(|_| bad())?;
        if raw.len() < 12 + 16 {
            return Err(bad());
        }
        let (nonce, ct) = raw.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| bad())?;
        let cipher = Aes256Gcm::new_from_slice(&self.secrets).map_err(|_| bad())?;
        cipher.decrypt(&Nonce::from(nonce), ct).map_err(|_| bad())
    }
}

/// Hashes a password with argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane — OWASP's
/// recommendation) into a PHC string.
///
/// # Errors
/// Never in practice.
pub fn hash_password(password: &str) -> Result<String, CoreError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| CoreError::Internal(format!("password hashing failed: {e}")))
}

/// Checks a password against a stored PHC string. A malformed hash never verifies.
#[must_use]
pub fn verify_password(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

/// A hash to verify against when the account does not exist, so an unknown e-mail takes as
/// long to reject as a wrong password (no account enumeration by timing).
pub fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash_password("dummy password for timing").unwrap_or_default());
    let _ = verify_password(password, phc);
}

/// Verifies a password (or, without a stored hash, burns the same time on a dummy) on the
/// blocking thread pool, at most one per CPU at a time, so a burst of sign-ins never stalls the
/// async runtime nor queues unbounded argon2 work.
pub async fn verify_password_off_runtime(password: String, phc: Option<String>) -> bool {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let slots = SLOTS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
    });
    let Ok(_permit) = slots.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || match phc {
        Some(h) => verify_password(&password, &h),
        None => {
            dummy_verify(&password);
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// A fresh random token (256 bits) as URL-safe text, with a readable prefix.
#[must_use]
pub fn random_token(prefix: &str) -> String {
    let mut b = [0u8; 32];
    rand::fill(&mut b);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(b))
}

/// SHA-256 of a high-entropy token, hex. Enough for random tokens (no dictionary to attack),
/// and it lets the database find a token by its digest with a unique index.
#[must_use]
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Constant-time comparison of two byte strings.
#[must_use]
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_round_trip_and_detect_tampering() {
        let k = Keys::from_secret(&[7u8; 32]).unwrap();
        let c = k.encrypt(b"JBSWY3DPEHPK3PXP").unwrap();
        assert!(c.starts_with("k1:"));
        assert_eq!(k.decrypt(&c).unwrap(), b"JBSWY3DPEHPK3PXP");
        let mut tampered = c.clone();
        tampered.pop();
        tampered.push(if c.ends_with('A') { 'B' } else { 'A' });
        assert!(k.decrypt(&tampered).is_err());
        let other = Keys::from_secret(&[8u8; 32]).unwrap();
        assert!(other.decrypt(&c).is_err());
    }

    #[test]
    fn short_secret_is_refused() {
        assert!(Keys::from_secret(b"short").is_err());
    }

    #[test]
    fn passwords_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn tokens_are_unique_and_digests_stable() {
        let a = random_token("rt_");
        assert_ne!(a, random_token("rt_"));
        assert_eq!(token_digest(&a), token_digest(&a));
        assert_eq!(token_digest(&a).len(), 64);
        assert!(ct_eq(b"abc", b"abc") && !ct_eq(b"abc", b"abd") && !ct_eq(b"a", b"ab"));
    }
}
