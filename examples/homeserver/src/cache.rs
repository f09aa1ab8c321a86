//! The introspection cache: what the authorization server said about a token, kept for a short
//! while so that not every request costs a round trip.
//!
//! An answer is kept no longer than the server allows and no longer than the token lives: a
//! positive entry until `min(exp, received + max_age)`, a negative one (inactive or unknown
//! token) for `negative_age`. Only answers are cached, never a failure to get one. Both tables
//! are bounded, apart, so a flood of made-up tokens (each a negative entry) cannot push out the
//! positive entries of real users. Keys are SHA-256 digests: the cache holds no usable token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use ring::digest::{SHA256, digest};

use crate::introspection::Introspection;

/// The most positive entries kept (one per live access token).
pub const POSITIVE_CAPACITY: usize = 10_000;
/// The most negative entries kept.
pub const NEGATIVE_CAPACITY: usize = 1_000;

/// The cache key of a token.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key([u8; 32]);

impl Key {
    /// The key of `token`.
    pub fn of(token: &str) -> Self {
        let mut key = [0; 32];
        key.copy_from_slice(digest(&SHA256, token.as_bytes()).as_ref());
        Self(key)
    }
}

/// A cached answer.
struct Entry {
    /// `None`: inactive (or unknown to the authorization server).
    answer: Option<Arc<Introspection>>,
    /// The end of the cache lifetime, on the monotonic clock.
    until: Instant,
    /// The token's own expiry (`exp`), on the wall clock it is given in.
    expires: Option<SystemTime>,
}

impl Entry {
    fn is_fresh(&self, now: Instant) -> bool {
        now < self.until && self.expires.is_none_or(|exp| SystemTime::now() < exp)
    }
}

/// One bounded table.
struct Table {
    entries: HashMap<Key, Entry>,
    capacity: usize,
}

impl Table {
    fn new(capacity: usize) -> Self {
        Self { entries: HashMap::new(), capacity }
    }

    fn insert(&mut self, key: Key, entry: Entry) {
        if self.entries.len() >= self.capacity && !self.entries.contains_key(&key) {
            let now = Instant::now();
            self.entries.retain(|_, e| e.is_fresh(now));
            // Still full of fresh entries: the one that would go first makes room.
            if self.entries.len() >= self.capacity
                && let Some(soonest) = self.entries.iter().min_by_key(|(_, e)| e.until).map(|(k, _)| *k)
            {
                self.entries.remove(&soonest);
            }
        }
        self.entries.insert(key, entry);
    }
}

/// A cache hit.
pub enum Hit {
    /// The token is active, as introspected.
    Active(Arc<Introspection>),
    /// The token is inactive.
    Inactive,
}

/// The introspection cache.
pub struct Cache {
    positive: Mutex<Table>,
    negative: Mutex<Table>,
    max_age: Duration,
    negative_age: Duration,
}

impl Cache {
    /// A cache keeping active answers for at most `max_age` (and never past the token's `exp`),
    /// inactive ones for `negative_age`.
    pub fn new(max_age: Duration, negative_age: Duration) -> Self {
        Self {
            positive: Mutex::new(Table::new(POSITIVE_CAPACITY)),
            negative: Mutex::new(Table::new(NEGATIVE_CAPACITY)),
            max_age,
            negative_age,
        }
    }

    fn lock(table: &Mutex<Table>) -> MutexGuard<'_, Table> {
        // A panic mid-insert leaves a map of plain entries behind; keep serving.
        table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The fresh answer for `key`, if any; a stale one is dropped.
    pub fn get(&self, key: &Key) -> Option<Hit> {
        let now = Instant::now();
        for table in [&self.positive, &self.negative] {
            let mut table = Self::lock(table);
            match table.entries.get(key) {
                Some(entry) if entry.is_fresh(now) => {
                    return Some(entry.answer.clone().map_or(Hit::Inactive, Hit::Active));
                }
                Some(_) => {
                    table.entries.remove(key);
                }
                None => {}
            }
        }
        None
    }

    /// Keeps an active answer, for `token_expires` (the token's `exp`) at most.
    pub fn insert_active(&self, key: Key, answer: Arc<Introspection>, token_expires: Option<SystemTime>) {
        if self.max_age.is_zero() {
            return;
        }
        let entry = Entry { answer: Some(answer), until: Instant::now() + self.max_age, expires: token_expires };
        Self::lock(&self.negative).entries.remove(&key);
        Self::lock(&self.positive).insert(key, entry);
    }

    /// Keeps an inactive answer.
    pub fn insert_inactive(&self, key: Key) {
        if self.negative_age.is_zero() {
            return;
        }
        let entry = Entry { answer: None, until: Instant::now() + self.negative_age, expires: None };
        Self::lock(&self.positive).entries.remove(&key);
        Self::lock(&self.negative).insert(key, entry);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn answer() -> Arc<Introspection> {
        Arc::new(serde_json::from_str(r#"{"user_id": "@a:b", "scope": "openid"}"#).unwrap())
    }

    #[test]
    fn entries_end_with_the_token_or_the_maximum() {
        let cache = Cache::new(Duration::from_millis(200), Duration::from_millis(100));
        let (long, short, gone) = (Key::of("long"), Key::of("short"), Key::of("gone"));
        cache.insert_active(long, answer(), None);
        cache.insert_active(short, answer(), Some(SystemTime::now() + Duration::from_millis(50)));
        cache.insert_active(gone, answer(), Some(SystemTime::now() - Duration::from_secs(1)));
        cache.insert_inactive(Key::of("revoked"));
        assert!(matches!(cache.get(&long), Some(Hit::Active(_))));
        assert!(matches!(cache.get(&short), Some(Hit::Active(_))));
        assert!(cache.get(&gone).is_none());
        assert!(matches!(cache.get(&Key::of("revoked")), Some(Hit::Inactive)));
        std::thread::sleep(Duration::from_millis(120));
        assert!(cache.get(&short).is_none(), "past the token's exp");
        assert!(cache.get(&Key::of("revoked")).is_none(), "past the negative lifetime");
        assert!(matches!(cache.get(&long), Some(Hit::Active(_))));
        std::thread::sleep(Duration::from_millis(100));
        assert!(cache.get(&long).is_none(), "past the maximum");
    }

    #[test]
    fn a_full_table_makes_room_and_a_new_answer_replaces_the_old() {
        let cache = Cache::new(Duration::from_secs(60), Duration::from_secs(60));
        for n in 0..NEGATIVE_CAPACITY + 10 {
            cache.insert_inactive(Key::of(&n.to_string()));
        }
        assert_eq!(Cache::lock(&cache.negative).entries.len(), NEGATIVE_CAPACITY);
        // The newest stays, the oldest went.
        assert!(cache.get(&Key::of(&(NEGATIVE_CAPACITY + 9).to_string())).is_some());
        assert!(cache.get(&Key::of("0")).is_none());
        // A token that became active is no longer held inactive, and the other way round.
        cache.insert_active(Key::of("5"), answer(), None);
        assert!(matches!(cache.get(&Key::of("5")), Some(Hit::Active(_))));
        cache.insert_inactive(Key::of("5"));
        assert!(matches!(cache.get(&Key::of("5")), Some(Hit::Inactive)));
        // A zero lifetime keeps nothing.
        let none = Cache::new(Duration::ZERO, Duration::ZERO);
        none.insert_active(Key::of("a"), answer(), None);
        none.insert_inactive(Key::of("b"));
        assert!(none.get(&Key::of("a")).is_none() && none.get(&Key::of("b")).is_none());
    }
}
