//! Step-up authentication (RFC 9470; Matrix adaptation MSC4363; notes section 3.5).
//!
//! A policy's step-up rules name operations and demand a recent authentication (`max_age`, in
//! seconds since `auth_time`) or one of some authentication context classes (`acr_values`).
//! Every rule naming the endpoint is checked; when one fails, the challenge combines all of them:
//! the smallest `max_age` and the union of `acr_values` in rule order, without repeats. The
//! answer is 401 `M_INSUFFICIENT_USER_AUTHENTICATION` with RFC 9470's
//! `WWW-Authenticate: Bearer error="insufficient_user_authentication"` challenge.

use crate::endpoint::Operation;
use crate::error::InputError;
use crate::policy::{Policy, StepUpRule};

/// What the authentication behind a token achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Authentication<'a> {
    /// When the user last actively authenticated (seconds since the epoch).
    pub auth_time: Option<i64>,
    /// The authentication context class achieved.
    pub acr: Option<&'a str>,
}

/// How a step-up rule failed; within one rule `max_age` is checked before `acr_values`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Failure {
    /// The rule has a `max_age` and the token no `auth_time`.
    AuthTimeMissing,
    /// More than `max_age` seconds have passed since `auth_time`.
    MaxAgeExceeded,
    /// The rule's `acr_values` do not list the token's `acr` (or it has none).
    AcrNotAccepted,
}

/// The challenge for an endpoint whose step-up rules were not met. It borrows the policy's
/// rules and combines them on demand, so building it allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Challenge<'a> {
    rules: &'a [StepUpRule],
    operation: Operation<'a>,
    /// The first failing rule (its index in the policy's `step_up`) and how it failed.
    first_failure: (usize, Failure),
}

impl<'a> Challenge<'a> {
    /// The first failing rule, as its index in the policy's `step_up`, and how it failed
    /// (README "Why this answer").
    pub fn failure(&self) -> (usize, Failure) {
        self.first_failure
    }

    fn covering(&self) -> impl Iterator<Item = &'a StepUpRule> + '_ {
        let operation = self.operation;
        self.rules.iter().filter(move |rule| names(rule, &operation))
    }

    /// The smallest `max_age` of the rules naming the endpoint.
    pub fn max_age(&self) -> Option<u64> {
        self.covering().filter_map(|rule| rule.max_age).min()
    }

    /// The union of their `acr_values`, in rule order, without repeats.
    pub fn acr_values(&self) -> impl Iterator<Item = &'a str> + '_ {
        let all = || self.covering().flat_map(|rule| rule.acr_values.iter().map(String::as_str));
        all().enumerate().filter(move |&(at, value)| !all().take(at).any(|earlier| earlier == value)).map(|(_, v)| v)
    }

    /// The `acr_values` joined by single spaces, or `None` when there are none.
    pub fn acr_values_joined(&self) -> Option<String> {
        let mut values = self.acr_values();
        let mut joined = values.next()?.to_owned();
        for value in values {
            joined.push(' ');
            joined.push_str(value);
        }
        Some(joined)
    }

    /// The `WWW-Authenticate` value (RFC 9470 section 3).
    ///
    /// The values come from a checked [`Policy`], so each is NQCHAR and goes into the quoted
    /// string as is. The writer still never emits a control character: were one there,
    /// `acr_values` would be left out of the header (the body, JSON-escaped, still carries it);
    /// a `"` or `\` would be written as a quoted-pair (RFC 9110 section 5.6.4).
    pub fn www_authenticate(&self) -> String {
        let mut header = String::from("Bearer error=\"insufficient_user_authentication\"");
        if let Some(acr) = self.acr_values_joined() {
            crate::www_authenticate::push_quoted_param(&mut header, "acr_values", &acr);
        }
        if let Some(max_age) = self.max_age() {
            header.push_str(&format!(", max_age=\"{max_age}\""));
        }
        header
    }
}

/// Whether `rule` names `operation` by any of its operation ids.
fn names(rule: &StepUpRule, operation: &Operation<'_>) -> bool {
    rule.endpoints.iter().any(|id| operation.is_named(id))
}

/// Checks the policy's rules for `operation`: `Ok(None)` when every rule naming it passes.
///
/// `now` is needed only to compare with an `auth_time`; when such a comparison is due and `now`
/// is absent, the answer is `input.invalid`.
pub fn check<'a>(
    operation: Operation<'a>,
    auth: Authentication<'_>,
    now: Option<i64>,
    policy: &'a Policy,
) -> Result<Option<Challenge<'a>>, InputError> {
    let mut first_failure = None;
    for (index, rule) in policy.settings().step_up.iter().enumerate().filter(|(_, rule)| names(rule, &operation)) {
        // Every rule is checked, so a missing `now` is an error whichever rule fails first.
        if let Some(failure) = fails(rule, auth, now)? {
            first_failure = first_failure.or(Some((index, failure)));
        }
    }
    Ok(first_failure.map(|first_failure| Challenge { rules: &policy.settings().step_up, operation, first_failure }))
}

/// How `rule` fails for `auth`, or `None` when it passes.
fn fails(rule: &StepUpRule, auth: Authentication<'_>, now: Option<i64>) -> Result<Option<Failure>, InputError> {
    if let Some(max_age) = rule.max_age {
        let Some(auth_time) = auth.auth_time else { return Ok(Some(Failure::AuthTimeMissing)) };
        let now = now.ok_or_else(|| InputError::new("`now` is required to check a step-up `max_age`"))?;
        // i128: no overflow whatever the two times are; a future auth_time is simply recent.
        if i128::from(now) - i128::from(auth_time) > i128::from(max_age) {
            return Ok(Some(Failure::MaxAgeExceeded));
        }
    }
    if !rule.acr_values.is_empty() && !auth.acr.is_some_and(|acr| rule.acr_values.iter().any(|v| v == acr)) {
        return Ok(Some(Failure::AcrNotAccepted));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::by_operation_id;

    fn op(id: &str) -> Operation<'static> {
        let Some(endpoint) = by_operation_id(id) else { unreachable!() };
        Operation::builtin(endpoint)
    }

    fn rule(endpoints: &[&str], max_age: Option<u64>, acr: &[&str]) -> StepUpRule {
        StepUpRule {
            endpoints: endpoints.iter().map(|s| (*s).to_owned()).collect(),
            max_age,
            acr_values: acr.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn policy(rules: Vec<StepUpRule>) -> Policy {
        crate::PolicySettings { step_up: rules, ..Default::default() }.build().unwrap()
    }

    #[test]
    fn max_age_and_acr() {
        let create = op("createRoom");
        let p = policy(vec![rule(&["createRoom"], Some(300), &[]), rule(&["createRoom", "sync"], None, &["b", "a"])]);
        let fresh = Authentication { auth_time: Some(1000), acr: Some("a") };
        assert_eq!(check(create, fresh, Some(1300), &p).map(|c| c.is_some()), Ok(false));
        let stale = check(create, fresh, Some(1301), &p).ok().flatten();
        let Some(challenge) = stale else { unreachable!() };
        assert_eq!(challenge.max_age(), Some(300));
        assert_eq!(challenge.acr_values().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(
            challenge.www_authenticate(),
            "Bearer error=\"insufficient_user_authentication\", acr_values=\"b a\", max_age=\"300\""
        );
        let no_time = Authentication { auth_time: None, acr: Some("a") };
        assert!(matches!(check(create, no_time, None, &p), Ok(Some(_))));
        assert_eq!(check(create, fresh, None, &p).map_err(|e| e.code()), Err("input.invalid"));
        let wrong_acr = Authentication { auth_time: Some(1000), acr: Some("c") };
        assert!(matches!(check(create, wrong_acr, Some(1000), &p), Ok(Some(_))));
    }

    #[test]
    fn union_without_repeats() {
        let sync = op("sync");
        let p = policy(vec![
            rule(&["sync"], Some(60), &["x", "y"]),
            rule(&["createRoom"], Some(1), &["z"]),
            rule(&["sync"], Some(30), &["y", "w", "x"]),
        ]);
        let Ok(Some(c)) = check(sync, Authentication::default(), None, &p) else { unreachable!() };
        assert_eq!(c.acr_values().collect::<Vec<_>>(), ["x", "y", "w"]);
        assert_eq!(c.max_age(), Some(30));
    }
}
