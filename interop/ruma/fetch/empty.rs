// Empty: this package only exists to fetch ruma-client-api (see Cargo.toml).
