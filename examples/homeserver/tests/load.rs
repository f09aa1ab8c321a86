//! Load and failure, bounded in count and time, to 127.0.0.1 only.
//!
//! 1. 2,000 requests over TLS through a few keep-alive connections with a warm introspection
//!    cache: requests per second, and the engine's share of each request's time (the server's
//!    nanoseconds inside `route` + `decide`, from its stats endpoint, over the client's time).
//! 2. 2,000 more with the fake authorization server killed halfway, cold and short-lived tokens
//!    mixed in: every allow must rest on an active introspection answer the server could still
//!    hold (before the token's `exp` and within the cache lifetime), counted from the fake
//!    authorization server's own record.
//!
//! The figures mean something in a release build:
//! `cargo test --release -p matrix-authz-example-homeserver --test load -- --nocapture`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{API_AND_DEVICE, Behaviour, Call, ECHO, FakeAs, Homeserver, MATRIX, Pki, WHOAMI, client};
use serde_json::Value;

const REQUESTS: usize = 2_000;
const CONNECTIONS: usize = 4;
/// Users with a warm cache entry.
const WARM: usize = 16;
/// Tokens that expire a moment after the kill.
const EXPIRING: usize = 8;
/// The cache's maximum (`--cache-seconds`).
const CACHE_SECONDS: u64 = 60;
/// The whole test's limit.
const LIMIT: Duration = Duration::from_secs(120);

/// One request as the client saw it.
#[derive(Debug, Clone)]
struct Sample {
    token: String,
    started: SystemTime,
    ended: SystemTime,
    latency: Duration,
    status: u16,
    /// Sent after the authorization server was killed.
    after_kill: bool,
}

fn warm(n: usize) -> String {
    format!("warm-{n}")
}

fn expiring(n: usize) -> String {
    format!("expiring-{n}")
}

/// The token of the `i`-th request of the failure run: a quarter each warm, expiring (first
/// introspected during the run, `exp` two seconds on), revoked, and cold (a new token each time,
/// never introspected before its one request).
fn failure_mix(i: usize) -> String {
    match i % 4 {
        0 => warm(i / 4 % WARM),
        1 => expiring(i / 4 % EXPIRING),
        2 => "revoked".to_owned(),
        _ => format!("cold-{i}"),
    }
}

/// Sends `count` GET `/whoami` requests over `CONNECTIONS` connections (one client each, already
/// connected), the `i`-th with `token(i)`.
async fn run(
    hs: &Homeserver,
    clients: &[reqwest::Client],
    count: usize,
    token: fn(usize) -> String,
    killed: Arc<AtomicUsize>,
    completed: Arc<AtomicUsize>,
) -> Vec<Sample> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for http in clients {
        let (http, next, killed, completed) =
            (http.clone(), Arc::clone(&next), Arc::clone(&killed), Arc::clone(&completed));
        let url = hs.url(WHOAMI);
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return samples;
                }
                let token = token(i);
                let after_kill = killed.load(Ordering::SeqCst) == 1;
                let (started, clock) = (SystemTime::now(), Instant::now());
                let response = http.get(&url).bearer_auth(&token).send().await.unwrap();
                let status = response.status().as_u16();
                response.bytes().await.unwrap();
                let latency = clock.elapsed();
                samples.push(Sample { token, started, ended: SystemTime::now(), latency, status, after_kill });
                completed.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await.unwrap());
    }
    samples
}

fn nanos(stats: &Value, field: &str) -> u64 {
    stats[field].as_u64().unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Whether an allow of `sample` rests on an active answer the server could still hold: one
/// given before the response, whose `exp` was still ahead when the request was sent, and
/// whose cache lifetime (counted from the answer, plus a second for the answer's way to the
/// server) had not run out.
fn backed_by_an_answer(sample: &Sample, calls: &[Call]) -> bool {
    calls.iter().any(|call| {
        call.token == sample.token
            && call.at <= sample.ended
            && call.active_until.is_some_and(|exp| sample.started < UNIX_EPOCH + Duration::from_secs(exp))
            && sample.started < call.at + Duration::from_secs(CACHE_SECONDS + 1)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_with_a_warm_cache_then_with_the_authorization_server_killed() {
    tokio::time::timeout(LIMIT, load()).await.expect("the load test is bounded in time");
}

async fn load() {
    ECHO.store(false, Ordering::Relaxed);
    let pki = Pki::new();
    let mut fake = FakeAs::start(&pki).await;
    let hs = Homeserver::start(&pki, &fake, &["--cache-seconds", &CACHE_SECONDS.to_string()]).await;
    for n in 0..WARM {
        fake.set(&warm(n), Behaviour::active(&format!("user{n}"), API_AND_DEVICE, 3600));
    }
    for n in 0..EXPIRING {
        fake.set(&expiring(n), Behaviour::active(&format!("short{n}"), API_AND_DEVICE, 2));
    }
    fake.set("revoked", Behaviour::inactive());
    // Any other token (the cold ones) is active while the authorization server is up.
    fake.set_default(Behaviour::active("cold", API_AND_DEVICE, 3600));

    // Warm the cache and open every connection (the handshakes are not part of the figures).
    let clients: Vec<reqwest::Client> = (0..CONNECTIONS).map(|_| client(&pki)).collect();
    for (n, http) in (0..WARM).zip(clients.iter().cycle()) {
        let response = http.get(hs.url(WHOAMI)).bearer_auth(warm(n)).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    let answered = fake.calls().len();

    // 1. A warm cache.
    let before = hs.stats().await;
    let (killed, completed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let clock = Instant::now();
    let samples = run(&hs, &clients, REQUESTS, |i| warm(i % WARM), Arc::clone(&killed), Arc::clone(&completed)).await;
    let wall = clock.elapsed();
    let after = hs.stats().await;
    assert!(samples.iter().all(|s| s.status == 200), "every warm request allowed");
    assert_eq!(fake.calls().len(), answered, "a warm cache asks the authorization server nothing");
    assert_eq!(nanos(&after, "decisions") - nanos(&before, "decisions"), REQUESTS as u64);

    let engine = nanos(&after, "engine_nanos") - nanos(&before, "engine_nanos");
    let gate = nanos(&after, "gate_nanos") - nanos(&before, "gate_nanos");
    let mut latencies: Vec<Duration> = samples.iter().map(|s| s.latency).collect();
    latencies.sort();
    let client_total: Duration = latencies.iter().sum();
    let per_request = |total: u64| total as f64 / REQUESTS as f64;
    println!("warm cache: {REQUESTS} requests over {CONNECTIONS} TLS connections to https://{MATRIX} (127.0.0.1)");
    println!("  wall {:.3} s, {:.0} requests/s", wall.as_secs_f64(), REQUESTS as f64 / wall.as_secs_f64());
    println!(
        "  client time per request: mean {:.1} µs, p50 {:.1} µs, p99 {:.1} µs",
        client_total.as_secs_f64() * 1e6 / REQUESTS as f64,
        percentile(&latencies, 0.5).as_secs_f64() * 1e6,
        percentile(&latencies, 0.99).as_secs_f64() * 1e6,
    );
    println!(
        "  engine (route + decide) {:.2} µs per request = {:.2} % of the client's time; the whole gate \
         (token, cache, engine) {:.2} µs = {:.2} %",
        per_request(engine) / 1e3,
        engine as f64 * 100.0 / client_total.as_nanos() as f64,
        per_request(gate) / 1e3,
        gate as f64 * 100.0 / client_total.as_nanos() as f64,
    );

    // 2. The authorization server killed halfway.
    let answered_before = fake.calls().len();
    let (killed, completed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let clock = Instant::now();
    let running = run(&hs, &clients, REQUESTS, failure_mix, Arc::clone(&killed), Arc::clone(&completed));
    let killer = async {
        while completed.load(Ordering::SeqCst) < REQUESTS / 2 {
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        fake.kill().await;
        killed.store(1, Ordering::SeqCst);
        SystemTime::now()
    };
    let (mut samples, kill_time) = tokio::join!(running, killer);
    let wall = clock.elapsed();

    // Then past every expiring token's `exp`, with the authorization server still down: each
    // of them, and one more cold token, once more.
    let calls = fake.calls();
    let last_exp = calls.iter().filter(|c| c.token.starts_with("expiring-")).filter_map(|c| c.active_until).max();
    let last_exp = UNIX_EPOCH + Duration::from_secs(last_exp.expect("the expiring tokens were introspected"));
    tokio::time::sleep(last_exp.duration_since(SystemTime::now()).unwrap_or_default() + Duration::from_millis(100))
        .await;
    let late: Vec<String> =
        (0..EXPIRING).map(expiring).chain([warm(0), "revoked".to_owned(), "cold-late".to_owned()]).collect();
    for token in late {
        let (started, clock) = (SystemTime::now(), Instant::now());
        let response = clients[0].get(hs.url(WHOAMI)).bearer_auth(&token).send().await.unwrap();
        let status = response.status().as_u16();
        let latency = clock.elapsed();
        samples.push(Sample { token, started, ended: SystemTime::now(), latency, status, after_kill: true });
    }

    // Count by kind of token and by phase.
    let kind = |token: &str| token.split('-').next().unwrap_or(token).to_owned();
    let mut counts: BTreeMap<(bool, String, u16), usize> = BTreeMap::new();
    for sample in &samples {
        *counts.entry((sample.after_kill, kind(&sample.token), sample.status)).or_default() += 1;
    }
    println!(
        "authorization server killed after {} of {REQUESTS} requests ({:.3} s in all):",
        REQUESTS / 2,
        wall.as_secs_f64()
    );
    for ((after_kill, kind, status), count) in &counts {
        println!("  {:<6} {kind:<8} {status}: {count}", if *after_kill { "after" } else { "before" });
    }

    assert!(samples.iter().all(|s| [200, 401, 503].contains(&s.status)), "{counts:?}");
    let unbacked: Vec<&Sample> =
        samples.iter().filter(|s| s.status == 200 && !backed_by_an_answer(s, &calls)).collect();
    println!("  allowed without a valid introspection behind it: {}", unbacked.len());
    assert!(unbacked.is_empty(), "{unbacked:#?}");
    assert!(calls.len() > answered_before && calls.iter().all(|c| c.at <= kill_time), "answers until the kill only");
    // What that means here: after the kill a cold token is never allowed, a warm one still is
    // (its entry is valid), a revoked one never; an expiring one not past its `exp`.
    let count = |after: bool, k: &str, status: u16| counts.get(&(after, k.to_owned(), status)).copied().unwrap_or(0);
    let cold_after: usize = counts.iter().filter(|((a, k, _), _)| *a && k == "cold").map(|(_, n)| n).sum();
    assert!(cold_after > 0 && count(true, "cold", 503) == cold_after, "{counts:?}");
    assert!(count(true, "warm", 200) > 0 && count(true, "warm", 503) == 0, "{counts:?}");
    assert_eq!(count(false, "revoked", 200) + count(true, "revoked", 200), 0);
    let expiring_late = samples.iter().rev().take(EXPIRING + 3).filter(|s| s.token.starts_with("expiring-"));
    assert!(expiring_late.clone().count() == EXPIRING && expiring_late.into_iter().all(|s| s.status == 503));
    let stats = hs.stats().await;
    println!("  server: {stats}");
}
