//! `request.decide` (the typed `decide`), path matching and rendering of the HTTP answer.
//!
//! `decide/*` measures the decision alone: allow and deny answers borrow from the request, the
//! policy and the catalogue, so they allocate nothing (`core/tests/alloc.rs` proves it). Writing
//! the answer out is measured separately under `render/*`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use matrix_authz::decide::{Decision, Request, Token, decide};
use matrix_authz::endpoint::lookup;
use matrix_authz::policy::StepUpRule;
use matrix_authz::{Policy, PolicySettings, Preset};
use matrix_authz_benches::{path, paths, scope};

const ACCOUNT: &str = "https://account.example.org/";

/// The policy with a step-up rule on `sendMessage`: re-authenticate after 5 minutes.
fn step_up_policy() -> Policy {
    let rule = StepUpRule { endpoints: vec!["sendMessage".to_owned()], max_age: Some(300), acr_values: vec![] };
    PolicySettings { step_up: vec![rule], ..PolicySettings::preset(Preset::Default) }
        .build()
        .expect("a valid step-up rule")
}

/// The named requests, with the kind of decision each one must get.
fn requests(login: &str) -> Vec<(&'static str, Request<'_>, &'static str)> {
    let request = |name: &str| {
        let (method, path) = path(name);
        Request::new(method, path)
    };
    let user = Token::oauth(login);
    let guest_sync = request("sync").with_token(Token { guest: true, ..user });
    let user_send = request("send").with_token(user);
    let mut upload = request("cross_signing_upload").with_token(user);
    upload.context.account_management_uri = Some(ACCOUNT);
    upload.context.uia_session = Some("sessionid");
    let unknown = request("unknown").with_token(user);
    let mut stale = request("send").with_token(Token { auth_time: Some(1_000), ..user });
    stale.now = Some(1_000_000);
    vec![
        ("guest_sync", guest_sync, "allow"),
        ("user_send", user_send, "allow"),
        ("cross_signing_uia", upload, "uia"),
        ("unknown_path", unknown, "allow"),
        ("step_up", stale, "step_up"),
    ]
}

fn decide_benches(c: &mut Criterion) {
    let spec = Policy::spec();
    let step_up = step_up_policy();
    let mut group = c.benchmark_group("decide");
    for (name, request, kind) in requests(scope("login")) {
        let policy = if name == "step_up" { &step_up } else { &spec };
        let decision = decide(&request, policy).expect("decides");
        assert_eq!(decision.kind(), kind, "{name}");
        group.bench_function(name, |b| b.iter(|| black_box(decide(black_box(&request), policy))));
    }
    group.finish();
}

fn endpoint_match(c: &mut Criterion) {
    let mut group = c.benchmark_group("endpoint_match");
    for (name, method, path) in paths() {
        group.bench_function(name, |b| b.iter(|| black_box(lookup(black_box(method), black_box(path)))));
    }
    group.finish();
}

fn render(c: &mut Criterion) {
    let spec = Policy::spec();
    let step_up = step_up_policy();
    let all = requests(scope("login"));
    let mut group = c.benchmark_group("render");
    for (bench, request_name, policy) in [("uia", "cross_signing_uia", &spec), ("step_up", "step_up", &step_up)] {
        let request = all.iter().find(|(name, ..)| *name == request_name).map(|(_, r, _)| r).expect("named request");
        let decision: Decision<'_> = decide(request, policy).expect("decides");
        assert!(decision.render().is_some(), "{bench} renders an answer");
        group.bench_function(bench, |b| b.iter(|| black_box(black_box(&decision).render())));
    }
    group.finish();
}

criterion_group!(benches, decide_benches, endpoint_match, render);
criterion_main!(benches);
