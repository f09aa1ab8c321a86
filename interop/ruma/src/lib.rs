//! Nothing here: the differential is the integration test `tests/ruma.rs`, which compares
//! `matrix_authz::endpoint::lookup` with `ruma-endpoints.tsv` (see
//! `core/conformance/CHOICES-ruma.md`).
