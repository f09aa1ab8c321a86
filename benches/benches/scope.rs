//! Scope parsing, side by side with the peer `oauth2-types` 0.11 (MAS's RFC 6749 `Scope`).
//!
//! Every function does fully validated work and hands its result to `black_box`:
//!
//! - `matrix-authz`: `Scope::parse_with_tokens` (grammar, limits, classification, device rules)
//!   collecting the distinct tokens into a `Tokens` set in the same pass: the same output as the
//!   peer's (a sorted set of validated tokens), borrowed instead of copied and held inline (no
//!   allocation up to 6 distinct tokens), plus the classification.
//! - `matrix-authz-borrowed`: `Scope::parse` (a `Scope<&str>`) and the classification only, what
//!   a server does on every request (no token set).
//! - `matrix-authz-owned`: `Scope::parse(..).to_canonical()`, the owned canonical form (a
//!   `Scope<String>`: one `String` holding the canonical text), plus the classification.
//! - `oauth2-types`: `Scope::from_str`, a `BTreeSet` of owned tokens, not classified.

use std::hint::black_box;
use std::str::FromStr;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use matrix_authz::{Policy, Scope};
use matrix_authz_benches::{scope, scope_of};

fn scope_parse(c: &mut Criterion) {
    let policy = Policy::spec();
    let rules = policy.settings().scope;
    for name in ["login", "introspected"] {
        let text = scope(name);
        let mut group = c.benchmark_group(format!("scope_parse/{name}"));
        group.bench_function("matrix-authz", |b| {
            b.iter(|| {
                let (parsed, tokens) = Scope::parse_with_tokens(black_box(text), &rules).expect("valid");
                black_box((tokens, parsed.has_api(), parsed.device(), parsed.synapse_admin(), parsed.namespaces()))
            });
        });
        group.bench_function("matrix-authz-borrowed", |b| {
            b.iter(|| {
                let parsed = Scope::parse(black_box(text), &rules).expect("valid");
                black_box((parsed.has_api(), parsed.device(), parsed.synapse_admin(), parsed.namespaces()))
            });
        });
        group.bench_function("matrix-authz-owned", |b| {
            b.iter(|| {
                let owned = Scope::parse(black_box(text), &rules).expect("valid").to_canonical();
                let classified = (owned.has_api(), owned.synapse_admin());
                black_box((classified, owned))
            });
        });
        group.bench_function("oauth2-types", |b| {
            b.iter(|| black_box(oauth2_types::scope::Scope::from_str(black_box(text)).expect("valid")));
        });
        group.finish();
    }
}

fn scope_parse_scaling(c: &mut Criterion) {
    let policy = Policy::spec();
    let rules = policy.settings().scope;
    let mut group = c.benchmark_group("scope_parse_scaling");
    for n in [1usize, 4, 16, 64] {
        let text = scope_of(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), text.as_str(), |b, text| {
            b.iter(|| {
                let parsed = Scope::parse(black_box(text), &rules).expect("valid");
                black_box((parsed.has_api(), parsed.device(), parsed.token_count()))
            });
        });
    }
    group.finish();
    // The peer at the same sizes, to show that both grow linearly.
    let mut group = c.benchmark_group("scope_parse_scaling_oauth2-types");
    for n in [1usize, 4, 16, 64] {
        let text = scope_of(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), text.as_str(), |b, text| {
            b.iter(|| black_box(oauth2_types::scope::Scope::from_str(black_box(text)).expect("valid")));
        });
    }
    group.finish();
}

criterion_group!(benches, scope_parse, scope_parse_scaling);
criterion_main!(benches);
