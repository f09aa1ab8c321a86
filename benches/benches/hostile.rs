//! What an attacker who controls the scope string can make the engine spend (issue 17, findings 2
//! and 3), beside what ordinary requests cost.
//!
//! - `grant_budget/ordinary/*` and `grant_budget/adversarial/*`: `grant::decide` per call under
//!   the default scope limits (4,096 bytes, 64 tokens). The budget is 100 µs per call for any
//!   scope string and any policy that loads; the adversarial cases are the README's worst-case
//!   construction (section "Operator token patterns", "What a call costs"): the largest pattern
//!   sets a policy may hold, the most `extra_tokens.exact` entries, tokens that fail at their
//!   last byte, the most tokens and bytes the limits allow.
//! - `scaling/<operation>/<tokens>`: each operation at 64 to 4,096 tokens, under the largest
//!   limits a policy accepts (1 MiB, 4,096 tokens), with `Throughput::Elements(tokens)` so that
//!   criterion reports the cost per token, which must stay flat (or grow as log n).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use matrix_authz::grant::{self, GrantRequest, GrantType};
use matrix_authz::policy::patterns::{MAX_EXACT_TOKENS, MAX_PATTERN_BYTES, MAX_PATTERNS};
use matrix_authz::scope::{Form, ScopeLimits};
use matrix_authz::{Policy, PolicySettings, Preset, Scope};
use matrix_authz_benches::scope;

const ENTROPY: &[u8] = b"0123456789abcdef";

fn request(scope: &str) -> GrantRequest<'_> {
    GrantRequest { entropy: Some(ENTROPY), ..GrantRequest::new(scope, GrantType::AuthorizationCode) }
}

fn policy(preset: Preset, exact: Vec<String>, patterns: Vec<String>, limits: ScopeLimits) -> Option<Policy> {
    let mut settings = PolicySettings::preset(preset);
    settings.extra_tokens.exact = exact;
    settings.extra_tokens.patterns = patterns;
    settings.scope.limits = limits;
    settings.build().ok()
}

/// The largest `k` in `1..=max` for which `make(k)` loads (what loads shrinks as `k` grows).
fn largest_loading(max: usize, make: impl Fn(usize) -> Option<Policy>) -> (usize, Policy) {
    let (mut lo, mut hi) = (0, max);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if make(mid).is_some() { lo = mid } else { hi = mid - 1 }
    }
    let policy = make(lo).unwrap_or_else(|| panic!("no pattern set of this family loads"));
    (lo, policy)
}

/// A pattern of `n` alternatives that each match any token character, repeated: every
/// alternative stays alive on every byte (the most NFA states active at once a pattern of this
/// size can hold); it ends in `#`, which the tokens never hold, so it fails at their last byte.
fn wide(n: usize) -> String {
    let body = vec!["[!-~]"; n].join("|");
    format!("(?:{body})+#")
}

/// `[a-z]*X[a-z]{k}#`: the letter `k + 1` places before the final `#` must be `X`; a
/// deterministic automaton must remember the last `k + 1` letters' X-or-not (2^(k+1) states), so
/// a random-letter token visits states all over its table.
fn exponential(own: char, k: usize) -> String {
    format!("[a-z]*{own}[a-z]{{{k}}}#")
}

/// `n` tokens of `len` bytes each (`n * (len + 1) - 1` bytes in all): random lower-case letters
/// from a fixed seed, each token distinct, none ending in `#`, so every pattern above fails at
/// the last byte.
fn letter_tokens(n: usize, len: usize) -> Vec<String> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    (0..n)
        .map(|_| {
            (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    char::from(b'a' + (state % 26) as u8)
                })
                .collect()
        })
        .collect()
}

/// [`MAX_EXACT_TOKENS`] entries that each share all but the last byte with one of `tokens` (a
/// digit there, where the tokens have letters): every lookup compares whole tokens.
fn near_misses(tokens: &[String]) -> Vec<String> {
    (0..MAX_EXACT_TOKENS)
        .map(|i| {
            let t = &tokens[i % tokens.len()];
            format!("{}{}", &t[..t.len() - 1], (i / tokens.len()) % 10)
        })
        .collect()
}

/// The most tokens of equal length that fit the limits.
fn fill(limits: ScopeLimits) -> Vec<String> {
    let n = limits.max_tokens;
    letter_tokens(n, (limits.max_bytes + 1) / n - 1)
}

fn grant_budget(c: &mut Criterion) {
    let limits = ScopeLimits::DEFAULT;
    let mut cases: Vec<(String, Policy, String)> = Vec::new();

    // Ordinary requests.
    let login = scope("login");
    cases.push(("ordinary/login_mas".into(), Policy::preset(Preset::Mas), login.into()));
    cases.push(("ordinary/login_default_derived".into(), Policy::spec(), "openid urn:matrix:client:api:*".into()));
    let ordinary_patterns = ["urn:example:(read|write)(:\\d{1,3})?", "urn:com\\.example:[a-z]+", "[a-z0-9-]{1,63}"];
    let operator = policy(
        Preset::Mas,
        vec!["profile".into()],
        ordinary_patterns.iter().map(|p| (*p).to_owned()).collect(),
        limits,
    )
    .expect("ordinary patterns load");
    cases.push((
        "ordinary/login_patterns".into(),
        operator.clone(),
        format!("{login} profile urn:example:read:12 urn:com.example:chat"),
    ));

    // The worst case the limits allow: 64 tokens of 63 letters (4,095 bytes), none known.
    let tokens = fill(limits).join(" ");
    assert_eq!(tokens.len(), 4095);
    cases.push(("adversarial/unknown_tokens_ordinary_patterns".into(), operator, tokens.clone()));
    // How long loading a policy takes (printed, not benched: it happens once).
    let timed = |make: &dyn Fn() -> Option<Policy>| {
        let start = std::time::Instant::now();
        let loaded = make();
        (loaded, start.elapsed())
    };
    // The widest patterns: MAX_PATTERNS of them, each at MAX_PATTERN_BYTES.
    let per_pattern = (MAX_PATTERN_BYTES - wide(0).len()) / "[!-~]|".len();
    let (count, wide_set) = largest_loading(MAX_PATTERNS, |n| {
        policy(Preset::Mas, Vec::new(), (0..n).map(|_| wide(per_pattern)).collect(), limits)
    });
    let (_, load) = timed(&|| policy(Preset::Mas, Vec::new(), (0..count).map(|_| wide(per_pattern)).collect(), limits));
    eprintln!("grant_budget: {count} wide patterns of {} bytes load ({load:?})", wide(per_pattern).len());
    cases.push(("adversarial/wide_patterns".into(), wide_set, tokens.clone()));
    // The largest automaton: one exponential pattern with as long a memory as loads (a table
    // near the size limit, whose states a random-letter token visits in no cache-friendly order),
    // then one such pattern per letter (their union multiplies the states, so a shorter memory).
    let (k, big) = largest_loading(64, |k| policy(Preset::Mas, Vec::new(), vec![exponential('a', k)], limits));
    let (_, load) = timed(&|| policy(Preset::Mas, Vec::new(), vec![exponential('a', k)], limits));
    eprintln!("grant_budget: {} loads ({load:?}); one more repetition does not", exponential('a', k));
    cases.push(("adversarial/largest_automaton".into(), big.clone(), tokens.clone()));
    let letters: Vec<char> = ('a'..='z').collect();
    let per_letter = |k: usize| letters.iter().map(|&l| exponential(l, k)).collect::<Vec<_>>();
    let (k26, union) = largest_loading(64, |k| policy(Preset::Mas, Vec::new(), per_letter(k), limits));
    let (_, load) = timed(&|| policy(Preset::Mas, Vec::new(), per_letter(k26), limits));
    eprintln!("grant_budget: 26 patterns {} to {} load ({load:?})", exponential('a', k26), exponential('z', k26));
    cases.push(("adversarial/largest_automaton_26_patterns".into(), union, tokens.clone()));
    // The single largest automaton against one token of 4,096 bytes.
    let long = letter_tokens(1, limits.max_bytes).concat();
    cases.push(("adversarial/largest_automaton_one_token".into(), big.clone(), long));
    // The most exact entries, each sharing all but its last byte with a token of the request.
    let exact = near_misses(&fill(limits));
    let exact_policy = policy(Preset::Mas, exact.clone(), Vec::new(), limits).expect("exact entries at the cap load");
    cases.push(("adversarial/most_exact".into(), exact_policy, tokens.clone()));
    // Everything at once: the exact entries and the largest automaton.
    let all = policy(Preset::Mas, exact.clone(), vec![exponential('a', k)], limits).expect("loads");
    cases.push(("adversarial/most_exact_and_largest_automaton".into(), all, tokens));
    // Device tokens: the API token and 63 device ids of 38 letters.
    let devices = std::iter::once("urn:matrix:client:api:*".to_owned())
        .chain(letter_tokens(63, 38).into_iter().map(|id| format!("urn:matrix:client:device:{id}")))
        .collect::<Vec<_>>()
        .join(" ");
    cases.push(("adversarial/device_tokens".into(), Policy::preset(Preset::Mas), devices));

    let mut group = c.benchmark_group("grant_budget");
    for (name, policy, text) in &cases {
        grant::decide(&request(text), policy).unwrap_or_else(|e| panic!("{name}: {e}"));
        group.bench_with_input(BenchmarkId::from_parameter(name), text.as_str(), |b, text| {
            b.iter(|| black_box(grant::decide(&request(black_box(text)), policy)));
        });
    }
    group.finish();

    // The same worst case under the ceilings (1 MiB, 4,096 tokens of 255 letters): the budget
    // there is per byte, so the group reports bytes per second.
    let raised = fill(RAISED);
    let exact = near_misses(&raised);
    let tokens = raised.join(" ");
    let (_, worst) = largest_loading(64, |k| policy(Preset::Mas, exact.clone(), vec![exponential('a', k)], RAISED));
    let mut group = c.benchmark_group("grant_budget_raised");
    group.throughput(Throughput::Bytes(tokens.len() as u64));
    grant::decide(&request(&tokens), &worst).expect("decides");
    group.bench_with_input(
        BenchmarkId::from_parameter("adversarial/most_exact_and_largest_automaton"),
        tokens.as_str(),
        |b, text| b.iter(|| black_box(grant::decide(&request(black_box(text)), &worst))),
    );
    group.finish();
}

/// The token counts of the scaling groups: 64 (the default limit) to 4,096 (the ceiling).
const SIZES: [usize; 4] = [64, 256, 1024, 4096];

/// The raised limits: the ceilings a policy may set.
const RAISED: ScopeLimits =
    ScopeLimits { max_bytes: ScopeLimits::MAX_BYTES_CEILING, max_tokens: ScopeLimits::MAX_TOKENS_CEILING };

/// `n` distinct tokens `urn:example:token:<i>`, in reverse canonical order (so that every
/// operation that sorts has work to do).
fn example_tokens(n: usize) -> Vec<String> {
    (0..n).rev().map(|i| format!("urn:example:token:{i:05}")).collect()
}

fn scaling(c: &mut Criterion) {
    let raised = policy(Preset::Default, Vec::new(), Vec::new(), RAISED).expect("the ceilings load");
    let rules = raised.settings().scope;
    let mut group = c.benchmark_group("scaling");
    for n in SIZES {
        group.throughput(Throughput::Elements(n as u64));
        let tokens = example_tokens(n);
        let text = tokens.join(" ");
        // The granted scope holds every required token, in the other order: `satisfies` must
        // look each one up.
        let mut sorted = tokens.clone();
        sorted.sort();
        let granted_text = sorted.join(" ");
        let granted = Scope::parse(&granted_text, &rules).expect("valid");
        let required = Scope::parse(&text, &rules).expect("valid");
        assert!(granted.satisfies(&required));
        group.bench_with_input(BenchmarkId::new("scope.parse", n), text.as_str(), |b, text| {
            b.iter(|| black_box(Scope::parse(black_box(text), &rules).map(|s| s.token_count())));
        });
        group.bench_with_input(BenchmarkId::new("scope.satisfies", n), &(), |b, ()| {
            b.iter(|| black_box(black_box(&granted).satisfies(black_box(&required))));
        });
        // Missing every other token.
        let half: Vec<&str> = sorted.iter().step_by(2).map(String::as_str).collect();
        let half_text = half.join(" ");
        let half_granted = Scope::parse(&half_text, &rules).expect("valid");
        assert_eq!(half_granted.missing(&required).len(), n / 2);
        group.bench_with_input(BenchmarkId::new("scope.missing", n), &(), |b, ()| {
            b.iter(|| black_box(black_box(&half_granted).missing(black_box(&required)).len()));
        });
        group.bench_with_input(BenchmarkId::new("scope.normalize", n), &(), |b, ()| {
            b.iter(|| black_box(black_box(&required).normalize(Form::Both)));
        });
        // grant.decide with n device tokens of distinct ids (one API token among them).
        let devices = std::iter::once("urn:matrix:client:api:*".to_owned())
            .chain((1..n).map(|i| format!("urn:matrix:client:device:DEVICE{i:05}")))
            .collect::<Vec<_>>()
            .join(" ");
        group.bench_with_input(BenchmarkId::new("grant.devices", n), devices.as_str(), |b, text| {
            b.iter(|| black_box(grant::decide(&request(black_box(text)), &raised)));
        });
        // grant.decide with n tokens against n exact entries (the first n of the exact cap).
        let exact_policy =
            policy(Preset::Mas, tokens.iter().take(MAX_EXACT_TOKENS).cloned().collect(), Vec::new(), RAISED)
                .expect("exact entries load");
        group.bench_with_input(BenchmarkId::new("grant.exact", n), text.as_str(), |b, text| {
            b.iter(|| black_box(grant::decide(&request(black_box(text)), &exact_policy)));
        });
        // grant.decide with n tokens against ordinary patterns.
        let pattern_policy =
            policy(Preset::Mas, Vec::new(), vec!["urn:example:token:[0-9]+".into(), "urn:other:.*".into()], RAISED)
                .expect("patterns load");
        group.bench_with_input(BenchmarkId::new("grant.patterns", n), text.as_str(), |b, text| {
            b.iter(|| black_box(grant::decide(&request(black_box(text)), &pattern_policy)));
        });
    }
    group.finish();
}

criterion_group!(benches, grant_budget, scaling);
criterion_main!(benches);
