//! Device-id rules and deterministic generation.
//!
//! Input layout: byte 0 picks the alphabet, bytes 1 and 2 the minimum and maximum length, byte 3
//! the generated length; the rest, up to the first 0x00, is the id to validate, and everything
//! after that 0x00 is the entropy.
//!
//! Invariant: `validate` agrees with a naive oracle of the README's rules, first failure in the
//! order empty, invalid character, too short, too long; `generate` is deterministic, agrees with
//! the README's algorithm, draws exactly `length` characters of `A-Z a-z 0-9`, and its ids pass
//! the `default` rules (and the `mas` rules from 10 characters on); hex entropy round-trips.

#![no_main]

use libfuzzer_sys::fuzz_target;
use matrix_authz::chars;
use matrix_authz::device::{self, ALPHABET, Alphabet, DeviceId, DeviceRules, MAX_GENERATED_LENGTH};
use matrix_authz::error::DeviceIdError;

fuzz_target!(|data: &[u8]| {
    let [pick, min, max, length, rest @ ..] = data else { return };
    let alphabet = [Alphabet::ScopeToken, Alphabet::Unreserved, Alphabet::Mas][usize::from(*pick % 3)];
    let rules = DeviceRules { min_length: usize::from(*min).max(1), max_length: usize::from(*max) * 2, alphabet };
    let (id, entropy) = match rest.iter().position(|&b| b == 0) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    let id = String::from_utf8_lossy(id);
    check_validate(&id, &rules);
    check_validate(&id, &DeviceRules::DEFAULT);
    check_validate(&id, &DeviceRules::MAS);
    // Lengths 0 and 256 and up are out of range: reach them from the byte too.
    let length = match *length {
        0xff => MAX_GENERATED_LENGTH + 1,
        n => usize::from(n),
    };
    check_generate(entropy, length);
    check_hex(entropy);
});

fn oracle(id: &str, rules: &DeviceRules) -> Result<(), DeviceIdError> {
    if id.is_empty() {
        return Err(DeviceIdError::Empty);
    }
    for (at, ch) in id.char_indices() {
        let allowed = u8::try_from(ch).is_ok_and(|b| b.is_ascii() && rules.alphabet.allows(b));
        if !allowed {
            return Err(DeviceIdError::InvalidChar { ch, at });
        }
    }
    let len = id.chars().count();
    if len < rules.min_length {
        return Err(DeviceIdError::TooShort { len, min: rules.min_length });
    }
    if len > rules.max_length {
        return Err(DeviceIdError::TooLong { len, max: rules.max_length });
    }
    Ok(())
}

fn check_validate(id: &str, rules: &DeviceRules) {
    let got = rules.parse(id);
    assert_eq!(got.map(|_| ()), oracle(id, rules), "{id:?} under {rules:?}");
    let parsed = DeviceId::parse(id, rules);
    assert_eq!(parsed.map(DeviceId::into_inner), got.map(DeviceId::into_inner), "{id:?}");
}

fn check_generate(entropy: &[u8], length: usize) {
    let first = device::generate(entropy, length);
    assert_eq!(first, device::generate(entropy, length), "not deterministic");
    let usable: Vec<u8> = entropy.iter().copied().filter(|&b| b < 248).collect();
    match &first {
        Err(e) if !(1..=MAX_GENERATED_LENGTH).contains(&length) => assert_eq!(e.code(), "input.invalid"),
        Err(e) => {
            assert_eq!(e.code(), "entropy.insufficient");
            assert!(usable.len() < length, "{length} wanted, {} usable bytes", usable.len());
        }
        Ok(id) => {
            assert!((1..=MAX_GENERATED_LENGTH).contains(&length));
            let expected: String =
                usable.iter().take(length).map(|&b| char::from(ALPHABET[usize::from(b) % 62])).collect();
            let id = id.as_str();
            assert_eq!(id, expected);
            assert_eq!(id.len(), length);
            assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id:?}");
            assert!(DeviceRules::DEFAULT.parse(id).is_ok(), "{id:?}");
            if length >= DeviceRules::MAS.min_length {
                assert!(DeviceRules::MAS.parse(id).is_ok(), "{id:?}");
            }
        }
    }
}

fn check_hex(entropy: &[u8]) {
    let lower: String = entropy.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(chars::decode_hex(&lower).as_deref(), Ok(entropy));
    assert_eq!(chars::decode_hex(&lower.to_uppercase()).as_deref(), Ok(entropy));
    if !lower.is_empty() {
        assert_eq!(chars::decode_hex(&lower[1..]), Err(chars::HexError::OddLength));
    }
}
