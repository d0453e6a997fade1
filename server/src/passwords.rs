//! Password hashing with argon2id (OWASP parameters: 19 MiB, 2 passes, 1
//! lane), on the blocking thread pool so hashing never stalls requests, and
//! never more hashes at once than the machine has cores: each takes 19 MiB
//! and a core, and a flood of logins (for accounts that exist or not) then
//! queues instead of exhausting memory.

use app::ports::{PasswordHasher, PortError, PortResult};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use async_trait::async_trait;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct Argon2Hasher {
    params: Params,
    /// A hash to verify against when the account does not exist, so that
    /// both cases take the same time.
    dummy: String,
    /// One permit per hash that may run at once.
    gate: Arc<Semaphore>,
    /// Hashes running now, and the most there ever were at once.
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

/// How many hashes may run at once: the machine's cores.
fn hashes_at_once() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}

impl Argon2Hasher {
    /// OWASP-recommended argon2id parameters.
    pub fn owasp() -> Argon2Hasher {
        Self::with_params(Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params"))
    }

    /// Cheap parameters for tests only (the algorithm stays argon2id).
    pub fn fast_for_tests() -> Argon2Hasher {
        Self::with_params(Params::new(256, 1, 1, None).expect("valid argon2 params"))
    }

    fn with_params(params: Params) -> Argon2Hasher {
        let mut hasher = Argon2Hasher {
            params,
            dummy: String::new(),
            gate: Arc::new(Semaphore::new(hashes_at_once())),
            running: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        };
        hasher.dummy = hasher.hash_now("not a real password").expect("hash dummy");
        hasher
    }

    fn argon(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Hashes synchronously (CLI and demo data).
    pub fn hash_now(&self, password: &str) -> Result<String, String> {
        use argon2::PasswordHasher as _;
        let salt = SaltString::generate(&mut OsRng);
        self.argon()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    }

    fn verify_now(&self, password: &str, hash: Option<&str>) -> bool {
        use argon2::PasswordVerifier as _;
        let (hash, real) = match hash {
            Some(h) => (h, true),
            None => (self.dummy.as_str(), false),
        };
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        // Verification uses the parameters stored in the hash itself.
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        ok && real
    }
}

impl Argon2Hasher {
    /// Runs `work` on the blocking pool once a permit is free.
    async fn gated<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Argon2Hasher) -> T + Send + 'static,
    ) -> Result<T, String> {
        let permit = self
            .gate
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| e.to_string())?;
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let now = me.running.fetch_add(1, Ordering::SeqCst) + 1;
            me.peak.fetch_max(now, Ordering::SeqCst);
            let out = work(&me);
            me.running.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
            out
        })
        .await
        .map_err(|e| e.to_string())
    }

    /// The most hashes that ever ran at once in this process.
    pub fn peak_concurrent_hashes(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &str) -> PortResult<String> {
        let password = password.to_string();
        self.gated(move |me| me.hash_now(&password))
            .await
            .map_err(|e| PortError::internal("hash task", e))?
            .map_err(|e| PortError::internal("hash", e))
    }

    async fn verify(&self, password: &str, hash: Option<&str>) -> bool {
        let password = password.to_string();
        let hash = hash.map(str::to_string);
        self.gated(move |me| me.verify_now(&password, hash.as_deref()))
            .await
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_wrong_passwords_fail() {
        let h = Argon2Hasher::fast_for_tests();
        let hash = h.hash_now("Correct horse 1").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(h.verify_now("Correct horse 1", Some(&hash)));
        assert!(!h.verify_now("correct horse 1", Some(&hash)));
        assert!(!h.verify_now("not a real password", None));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_hashes_run_at_once_than_there_are_cores() {
        // Real parameters: each hash takes long enough that, without the
        // gate, the blocking pool would run them all at once.
        let h = Argon2Hasher::owasp();
        let hash = h.hash_now("Correct horse 1").unwrap();
        let tries: Vec<_> = (0..32)
            .map(|i| {
                let h = h.clone();
                let hash = hash.clone();
                tokio::spawn(async move {
                    let known = if i % 2 == 0 {
                        Some(hash.as_str())
                    } else {
                        None
                    };
                    h.verify("wrong", known).await
                })
            })
            .collect();
        for t in tries {
            assert!(!t.await.unwrap());
        }
        let peak = h.peak_concurrent_hashes();
        assert!(peak >= 1 && peak <= hashes_at_once(), "peak {peak}");
    }

    #[test]
    fn owasp_parameters_are_used() {
        let h = Argon2Hasher::owasp();
        let hash = h.hash_now("Correct horse 1").unwrap();
        assert!(hash.contains("m=19456,t=2,p=1"), "{hash}");
    }
}
