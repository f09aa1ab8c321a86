//! The homeserver-side decision on one request (`request.decide`, DECISIONS.md): the request as
//! records in, the decision with its rendered HTTP answer out. The records are the core's own
//! (`matrix_authz::decide::{DecideRequest, DecisionResult}`, feature `uniffi`).

use std::sync::Arc;

use matrix_authz::decide::{DecideRequest, DecisionResult, decide as core_decide};

use crate::error::AuthzError;
use crate::policy::{Policy, or_default};

/// `request.decide` under the policy (the `default` preset when absent). Fails with
/// `input.invalid` for a malformed request (an OAuth token without a scope, a step that compares
/// times without `now`, ...) and `entropy.insufficient`.
#[uniffi::export(default(policy = None))]
pub fn decide(request: DecideRequest, policy: Option<Arc<Policy>>) -> Result<DecisionResult, AuthzError> {
    or_default(policy).decide(request)
}

#[uniffi::export]
impl Policy {
    /// `request.decide` under this policy.
    pub fn decide(&self, request: DecideRequest) -> Result<DecisionResult, AuthzError> {
        Ok(core_decide(&request.as_request(), &self.inner)?.output().into())
    }
}
