//! Appservices on an OAuth server (MSC4190, DECISIONS.md steps 1 and 3 and "Registration").
//!
//! Appservices no longer log in through `POST /login` (an `m.login.application_service` login is
//! refused, 400 `M_APPSERVICE_LOGIN_UNSUPPORTED`); they create their users through
//! `POST /register` with their own token, `type: m.login.application_service` and
//! `inhibit_login: true`, and get no access token back. Users register in the account web UI, so
//! `POST /register` is for appservices only. The catalogue's `rule` column names the two
//! endpoints ([`Rule::AppserviceLogin`](crate::endpoint::Rule::AppserviceLogin),
//! [`Rule::Registration`](crate::endpoint::Rule::Registration)).

/// The login type of an appservice (MSC4190).
pub const APPSERVICE_LOGIN: &str = "m.login.application_service";

/// Whether a `POST /login` body whose `type` is `login_type` is an appservice login, which an
/// OAuth server refuses (step 1).
pub fn is_appservice_login(login_type: Option<&str>) -> bool {
    login_type == Some(APPSERVICE_LOGIN)
}

/// Why `POST /register` was refused (MSC4190: only appservices register, and get no token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegistrationRefusal {
    /// `kind=guest`: no guest accounts under OAuth.
    Guest,
    /// No token, or not an appservice's.
    NotAppservice,
    /// The appservice token is not active.
    InactiveToken,
    /// The body's `type` is not `m.login.application_service`.
    NotAppserviceLogin,
    /// The body does not set `inhibit_login: true`.
    InhibitLoginRequired,
}

/// The facts `POST /register` is judged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Registration<'a> {
    /// The `kind` query parameter.
    pub kind: Option<&'a str>,
    /// Whether a token was sent, and if so `(appservice, active)`.
    pub token: Option<(bool, bool)>,
    /// The body's `type`.
    pub login_type: Option<&'a str>,
    /// Whether the body's `inhibit_login` is `true`.
    pub inhibit_login: bool,
}

/// Judges `POST /register` in the order of DECISIONS.md "Registration".
pub fn registration(r: Registration<'_>) -> Result<(), RegistrationRefusal> {
    if r.kind == Some("guest") {
        return Err(RegistrationRefusal::Guest);
    }
    match r.token {
        Some((true, true)) => {}
        Some((true, false)) => return Err(RegistrationRefusal::InactiveToken),
        Some((false, _)) | None => return Err(RegistrationRefusal::NotAppservice),
    }
    if !is_appservice_login(r.login_type) {
        return Err(RegistrationRefusal::NotAppserviceLogin);
    }
    if !r.inhibit_login {
        return Err(RegistrationRefusal::InhibitLoginRequired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_order() {
        let ok = Registration {
            kind: None,
            token: Some((true, true)),
            login_type: Some(APPSERVICE_LOGIN),
            inhibit_login: true,
        };
        assert_eq!(registration(ok), Ok(()));
        assert_eq!(registration(Registration { kind: Some("guest"), ..ok }), Err(RegistrationRefusal::Guest));
        assert_eq!(registration(Registration { token: None, ..ok }), Err(RegistrationRefusal::NotAppservice));
        assert_eq!(
            registration(Registration { token: Some((false, false)), ..ok }),
            Err(RegistrationRefusal::NotAppservice)
        );
        assert_eq!(
            registration(Registration { token: Some((true, false)), ..ok }),
            Err(RegistrationRefusal::InactiveToken)
        );
        assert_eq!(registration(Registration { login_type: None, ..ok }), Err(RegistrationRefusal::NotAppserviceLogin));
        assert_eq!(
            registration(Registration { inhibit_login: false, ..ok }),
            Err(RegistrationRefusal::InhibitLoginRequired)
        );
    }

    #[test]
    fn appservice_logins() {
        assert!(is_appservice_login(Some(APPSERVICE_LOGIN)));
        assert!(!is_appservice_login(Some("m.login.password")));
        assert!(!is_appservice_login(None));
    }
}
