//! Proves that the hot path allocates nothing: parsing, classifying and extracting the device of
//! a login scope, collecting its distinct tokens (`Tokens`, and using them), comparing two
//! borrowed scopes (`satisfies`, `missing`), and the typed `decide` on its allow, deny, UIA (given session) and step-up
//! paths (rendering the HTTP answer is a separate step, and allocates). A counting global
//! allocator counts allocations made by this thread only.

#![allow(unsafe_code)] // a global allocator can only be written with `unsafe`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::process::ExitCode;

use matrix_authz::decide::{Request, Token};
use matrix_authz::endpoint::{DeclaredEndpoint, TokenRequirement};
use matrix_authz::policy::{ServerAdministrationScope, StepUpRule};
use matrix_authz::{Policy, PolicySettings, Preset, Scope, decide};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is a
// thread-local `Cell` touched without allocating.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    fn check(&mut self, name: &str, allocations: usize) {
        if allocations == 0 {
            println!("ok   {name}: 0 allocations");
            self.passed += 1;
        } else {
            println!("FAIL {name}: {allocations} allocations");
            self.failed += 1;
        }
    }
}

/// `decide` on the two challenge paths, which borrow too: the UIA challenge when the host gives
/// the session id, and the step-up challenge (its header and body are written by `render`).
fn check_decide_challenges(tally: &mut Tally, login: &str) {
    let step_up = StepUpRule { endpoints: vec!["sendMessage".to_owned()], max_age: Some(300), acr_values: vec![] };
    let spec = Policy::spec();
    let strict = PolicySettings { step_up: vec![step_up], ..PolicySettings::default() }.build().unwrap();
    let user = Token::oauth(login);
    let mut upload = Request::new("POST", "/_matrix/client/v3/keys/device_signing/upload").with_token(user);
    upload.context.account_management_uri = Some("https://account.example.org/");
    upload.context.uia_session = Some("session");
    let mut stale = Request::new("PUT", "/_matrix/client/v3/rooms/!r:example.org/send/m.room.message/t1")
        .with_token(Token { auth_time: Some(1), ..user });
    stale.now = Some(1_000_000);
    for (label, request, policy, kind) in [("uia", upload, &spec, "uia"), ("step_up", stale, &strict, "step_up")] {
        let mut got = "";
        let n = allocations_during(|| {
            let decision = decide(std::hint::black_box(&request), policy).unwrap();
            got = decision.kind();
            std::hint::black_box(decision);
        });
        assert_eq!(got, kind, "{label}");
        tally.check(&format!("decide {label} (challenge built, not rendered)"), n);
    }
}

fn main() -> ExitCode {
    let login = "openid urn:matrix:client:api:* urn:matrix:client:device:AAbbCCdd01";
    let introspected = "urn:matrix:client:api:* urn:matrix:org.matrix.msc2967.client:api:* \
                        urn:matrix:client:device:AAbbCCdd01 urn:matrix:org.matrix.msc2967.client:device:AAbbCCdd01 \
                        urn:synapse:admin:*";
    let mut tally = Tally::default();
    for preset in Preset::ALL {
        let policy = Policy::preset(preset);
        for (label, text) in [("login", login), ("introspected", introspected)] {
            let n = allocations_during(|| {
                let scope = Scope::parse(std::hint::black_box(text), &policy.settings().scope).unwrap();
                std::hint::black_box((scope.has_api(), scope.device(), scope.synapse_admin(), scope.namespaces()));
            });
            tally.check(&format!("parse+classify {label} ({})", preset.name()), n);
        }
        for (label, text) in [("login", login), ("introspected", introspected)] {
            let n = allocations_during(|| {
                let (scope, set) =
                    Scope::parse_with_tokens(std::hint::black_box(text), &policy.settings().scope).unwrap();
                let distinct = scope.distinct();
                std::hint::black_box((
                    set.contains("openid"),
                    set == distinct,
                    set.iter().count(),
                    scope.has_api(),
                    scope.device(),
                ));
            });
            tally.check(&format!("parse+classify+token set {label} ({})", preset.name()), n);
        }
        // Comparing two borrowed scopes (`satisfies`, `missing`, `covers`) allocates nothing.
        let n = allocations_during(|| {
            let granted = Scope::parse(std::hint::black_box(introspected), &policy.settings().scope).unwrap();
            let required = Scope::parse(std::hint::black_box(login), &policy.settings().scope).unwrap();
            let missing = granted.missing(&required);
            std::hint::black_box((
                granted.satisfies(&required),
                required.satisfies(&granted),
                missing.len(),
                missing.contains("openid"),
                required.missing(&granted).iter().count(),
                granted.covers("urn:matrix:org.matrix.msc2967.client:api:*"),
            ));
            assert_eq!(missing.as_slice(), ["openid"]);
        });
        tally.check(&format!("satisfies+missing, borrowed ({})", preset.name()), n);
        // The error path allocates nothing either.
        let n = allocations_during(|| {
            let err = Scope::parse(std::hint::black_box("openid  email"), &policy.settings().scope);
            std::hint::black_box(err.map(|_| ()).map_err(|e| e.code()).ok());
        });
        tally.check(&format!("parse error ({})", preset.name()), n);
    }
    // request.decide: allow and deny answers borrow everything; only rendering allocates.
    let guest = Token { guest: true, ..Token::oauth(login) };
    let decisions = [
        ("decide guest sync", Request::new("GET", "/_matrix/client/v3/sync").with_token(guest)),
        (
            "decide user send",
            Request::new("PUT", "/_matrix/client/r0/rooms/%21r%3Ax/send/m.room.message/t1")
                .with_token(Token::oauth(login)),
        ),
        ("decide unknown path", Request::new("GET", "/_matrix/client/v3/nonexistent").with_token(Token::oauth(login))),
        ("decide deny (guest)", Request::new("POST", "/_matrix/client/v3/createRoom").with_token(guest)),
        ("decide deny (no token)", Request::new("GET", "/_matrix/client/v3/sync")),
        (
            "decide deny (no API scope)",
            Request::new("GET", "/_matrix/client/v3/sync").with_token(Token::oauth("openid")),
        ),
    ];
    for preset in Preset::ALL {
        let policy = Policy::preset(preset);
        for (label, request) in &decisions {
            let n = allocations_during(|| {
                let decision = decide(std::hint::black_box(request), &policy).unwrap();
                std::hint::black_box((
                    decision.kind(),
                    decision.status(),
                    decision.errcode(),
                    decision.subject().device,
                ));
            });
            tally.check(&format!("{label} ({})", preset.name()), n);
        }
    }
    // v4: a policy with a declared endpoint, a redeclaration, required scopes and MSC4484, over
    // spellings, a declared path, HEAD and OPTIONS.
    let mut v4 = PolicySettings::default();
    v4.endpoints.push(DeclaredEndpoint::new(
        "GET",
        "/_matrix/client/v3/org.example/thing/{id}",
        "getThing",
        TokenRequirement::Required,
    ));
    v4.endpoints.push(DeclaredEndpoint {
        operation_id: None,
        ..DeclaredEndpoint::new("GET", "/_matrix/client/versions", "", TokenRequirement::Required)
    });
    v4.required_scopes.insert("createRoom".into(), vec!["urn:example:rooms".into()]);
    v4.server_administration_scope = ServerAdministrationScope::Msc4484;
    let v4 = v4.build().unwrap();
    let v4_requests = [
        (
            "decide declared (r0)",
            Request::new("GET", "/_matrix/client/r0/org.example/thing/1").with_token(Token::oauth(login)),
        ),
        ("decide redeclared", Request::new("HEAD", "/_matrix/client/versions").with_token(Token::oauth(login))),
        (
            "decide required scope",
            Request::new("POST", "/_matrix/client/unstable/createRoom").with_token(Token::oauth(login)),
        ),
        (
            "decide msc4484",
            Request::new("GET", "/_matrix/client/unstable/uk.timedout.msc4323/admin/lock/%40u%3Ax")
                .with_token(Token::oauth(login)),
        ),
        ("decide options", Request::new("OPTIONS", "/_matrix/client/v3/sync")),
    ];
    for (label, request) in &v4_requests {
        let n = allocations_during(|| {
            let decision = decide(std::hint::black_box(request), &v4).unwrap();
            std::hint::black_box((decision.kind(), decision.status(), decision.errcode(), decision.subject().device));
        });
        tally.check(label, n);
    }
    check_decide_challenges(&mut tally, login);
    // The counter must see allocations, or the checks above prove nothing.
    let n = allocations_during(|| {
        std::hint::black_box(Scope::parse(login, &Policy::spec().settings().scope).unwrap().to_canonical());
    });
    if n == 0 {
        println!("FAIL the counting allocator saw no allocation for an owned scope");
        tally.failed += 1;
    }
    // A token set spills to the heap only past its inline capacity.
    let many: Vec<String> = (0..=matrix_authz::scope::TOKENS_INLINE).map(|i| format!("t{i}")).collect();
    let many = many.join(" ");
    let n = allocations_during(|| {
        std::hint::black_box(Scope::parse_with_tokens(&many, &Policy::spec().settings().scope).unwrap());
    });
    if n == 0 {
        println!("FAIL a token set past its inline capacity did not allocate");
        tally.failed += 1;
    }
    println!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
