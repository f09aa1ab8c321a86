//! `uniffi-bindgen generate target/release/libmatrix_authz_ffi.so --language kotlin|swift`:
//! the generator, built from the same uniffi version as the library it reads.

fn main() {
    uniffi::uniffi_bindgen_main()
}
