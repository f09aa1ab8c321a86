//! Benchmarks of matrix-authz live in `benches/`; this library is empty.
