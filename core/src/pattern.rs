//! Operator token patterns (`extra_tokens.patterns`): a small regular-expression dialect matched
//! against the whole token, in linear time.
//!
//! The dialect is a subset of the syntax of Rust's `regex` crate, and whatever it accepts means
//! what that crate means for `^(?:pattern)$`: literals, `.`, escaped punctuation (`\.`, `\\`,
//! `\-`, ...), `\d \D \w \W \s \S` (ASCII meanings), classes (`[abc]`, `[a-z]`, `[^...]`, with
//! escapes and `\d \w \s` inside, `]` or `-` first and `-` last as literals), groups `(...)` and
//! `(?:...)`, alternation `|` (empty alternatives allowed), the quantifiers `* + ? {n} {n,}
//! {n,m}` each optionally followed by `?` (laziness does not change a whole-token match), and
//! the anchors `^` and `$`. Everything else is refused rather than read differently: flags,
//! named groups, `\b` and other assertions, `\p{..}`, `\n` and other control escapes,
//! backreferences, `[[:alpha:]]` and nested classes, `&&` / `--` / `~~` inside classes, an
//! unescaped `]` or `}` outside a class, a quantifier directly after another quantifier or an
//! anchor (put it in a group), and any character outside printable ASCII (scope tokens are
//! printable ASCII).
//!
//! Matching simulates the compiled automaton on the set of its live states (a Pike VM without
//! captures), so the cost is at most the program size times the token length, whatever the
//! pattern: no backtracking. Limits ([`MAX_PATTERN_BYTES`], [`MAX_REPEAT`], [`MAX_NESTING`],
//! [`MAX_PROGRAM`]) bound that product; a pattern past one is refused, naming the limit.

use std::fmt;

use crate::error::Error;

/// The longest pattern, in bytes.
pub const MAX_PATTERN_BYTES: usize = 1024;
/// The largest count in `{n}`, `{n,}` and `{n,m}`.
pub const MAX_REPEAT: u32 = 100;
/// The deepest nesting of groups.
pub const MAX_NESTING: u32 = 32;
/// The most instructions a compiled pattern may hold (counted repetitions are expanded).
pub const MAX_PROGRAM: usize = 2000;

/// A compiled pattern.
#[derive(Clone)]
pub struct Pattern {
    source: String,
    program: Vec<Inst>,
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for Pattern {}

impl Pattern {
    /// Compiles `pattern`; `policy.invalid` when it is outside the dialect or past a limit.
    pub fn new(pattern: &str) -> Result<Self, Error> {
        compile(pattern).map(|program| Self { source: pattern.to_owned(), program }).map_err(|fail| {
            let at = fail.at.map(|at| format!(" at byte {at}")).unwrap_or_default();
            Error::policy(format!("the pattern `{pattern}` does not compile: {}{at}", fail.what))
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern matches all of `token`.
    pub fn is_match(&self, token: &str) -> bool {
        let mut run = Run { program: &self.program, seen: vec![usize::MAX; self.program.len()], stack: Vec::new() };
        let mut live = Vec::new();
        let mut next = Vec::new();
        run.add(0, 0, true, token.is_empty(), &mut live);
        for (step, (at, c)) in token.char_indices().enumerate() {
            let at_end = at + c.len_utf8() == token.len();
            next.clear();
            for &pc in &live {
                if let Some(Inst::Set(set)) = self.program.get(pc) {
                    if set.has(c) {
                        run.add(pc + 1, step + 1, false, at_end, &mut next);
                    }
                }
            }
            std::mem::swap(&mut live, &mut next);
            if live.is_empty() {
                return false;
            }
        }
        live.iter().any(|&pc| matches!(self.program.get(pc), Some(Inst::Match)))
    }
}

/// A set of characters: the ASCII ones bit by bit, and whether it holds every other one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Set {
    ascii: u128,
    other: bool,
}

impl Set {
    const EMPTY: Self = Self { ascii: 0, other: false };

    fn range(lo: u8, hi: u8) -> Self {
        let upto = |b: u8| if b >= 127 { u128::MAX } else { (1u128 << (b + 1)) - 1 };
        let below = if lo == 0 { 0 } else { upto(lo - 1) };
        Self { ascii: upto(hi) & !below, other: false }
    }

    fn byte(b: u8) -> Self {
        Self::range(b, b)
    }

    fn union(self, other: Self) -> Self {
        Self { ascii: self.ascii | other.ascii, other: self.other || other.other }
    }

    fn negate(self) -> Self {
        Self { ascii: !self.ascii, other: !self.other }
    }

    fn has(self, c: char) -> bool {
        match u8::try_from(c) {
            Ok(b) if b < 128 => self.ascii >> b & 1 == 1,
            _ => self.other,
        }
    }

    /// `\d`, `\w`, `\s` and their negations, with ASCII meanings.
    fn perl(letter: u8) -> Option<Self> {
        let set = match letter.to_ascii_lowercase() {
            b'd' => Self::range(b'0', b'9'),
            b'w' => Self::range(b'0', b'9')
                .union(Self::range(b'A', b'Z'))
                .union(Self::range(b'a', b'z'))
                .union(Self::byte(b'_')),
            b's' => Self::range(b'\t', b'\r').union(Self::byte(b' ')),
            _ => return None,
        };
        Some(if letter.is_ascii_uppercase() { set.negate() } else { set })
    }
}

/// Why a pattern is refused, and where.
struct Fail {
    what: &'static str,
    at: Option<usize>,
}

fn fail<T>(what: &'static str, at: usize) -> Result<T, Fail> {
    Err(Fail { what, at: Some(at) })
}

/// Parses and compiles in one pass: each construct is emitted as it is read, and a quantifier
/// or `|` takes the instructions of what it applies to back and re-emits them.
struct Compiler<'a> {
    bytes: &'a [u8],
    pos: usize,
    program: Vec<Inst>,
}

impl Compiler<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek();
        self.pos += 1;
        b
    }

    fn eat(&mut self, b: u8) -> bool {
        let found = self.peek() == Some(b);
        if found {
            self.pos += 1;
        }
        found
    }

    fn emit(&mut self, inst: Inst) -> Result<(), Fail> {
        if self.program.len() >= MAX_PROGRAM {
            return Err(Fail { what: "a compiled program above the limit of 2000 instructions", at: None });
        }
        self.program.push(inst);
        Ok(())
    }

    /// Removes the instructions from `start` on, with targets relative to `start`.
    fn take(&mut self, start: usize) -> Vec<Inst> {
        let start = start.min(self.program.len());
        self.program.drain(start..).map(|inst| inst.moved(start.wrapping_neg())).collect()
    }

    /// Emits `body` (targets relative to its start) at the end.
    fn append(&mut self, body: &[Inst]) -> Result<(), Fail> {
        let base = self.program.len();
        body.iter().try_for_each(|inst| self.emit(inst.moved(base)))
    }

    /// Alternatives up to the end or a `)` (left for the caller).
    fn alternation(&mut self, depth: u32) -> Result<(), Fail> {
        let start = self.program.len();
        let mut alternatives = Vec::new();
        // Where the last character, class or group starts, while a quantifier may follow it.
        let mut last = None;
        while let Some(b) = self.peek() {
            let at = self.pos;
            match b {
                b')' if depth == 0 => return fail("unopened group `)`", at),
                b')' => break,
                b'|' => {
                    self.pos += 1;
                    alternatives.push(self.take(start));
                    last = None;
                }
                b'*' | b'+' | b'?' | b'{' => {
                    let Some(atom) = last.take() else {
                        return fail("a quantifier without a character, class or group before it", at);
                    };
                    let (min, max) = self.quantifier()?;
                    self.eat(b'?');
                    self.repeat(atom, min, max)?;
                }
                _ => {
                    let atom = self.program.len();
                    last = self.atom(depth)?.then_some(atom);
                }
            }
        }
        if alternatives.is_empty() {
            return Ok(());
        }
        alternatives.push(self.take(start));
        // Each alternative but the last: split (here or the next one), its body, jump to the end.
        let end = start + alternatives.iter().map(|body| body.len() + 2).sum::<usize>() - 2;
        let count = alternatives.len();
        for (i, body) in alternatives.iter().enumerate() {
            let here = self.program.len();
            if i + 1 < count {
                self.emit(Inst::Split(here + 1, here + body.len() + 2))?;
                self.append(body)?;
                self.emit(Inst::Jump(end))?;
            } else {
                self.append(body)?;
            }
        }
        Ok(())
    }

    /// Re-emits the instructions from `atom` on `min` times, then up to `max` optionally.
    fn repeat(&mut self, atom: usize, min: u32, max: Option<u32>) -> Result<(), Fail> {
        let body = self.take(atom);
        for _ in 0..min {
            self.append(&body)?;
        }
        let here = self.program.len();
        match max {
            None => {
                self.emit(Inst::Split(here + 1, here + body.len() + 2))?;
                self.append(&body)?;
                self.emit(Inst::Jump(here))?;
            }
            Some(max) => {
                for _ in min..max {
                    let here = self.program.len();
                    self.emit(Inst::Split(here + 1, here + body.len() + 1))?;
                    self.append(&body)?;
                }
            }
        }
        Ok(())
    }

    fn quantifier(&mut self) -> Result<(u32, Option<u32>), Fail> {
        let at = self.pos;
        match self.bump() {
            Some(b'*') => Ok((0, None)),
            Some(b'+') => Ok((1, None)),
            Some(b'?') => Ok((0, Some(1))),
            _ => {
                let min = self.count(at)?;
                let max = if self.eat(b',') {
                    if self.peek() == Some(b'}') { None } else { Some(self.count(at)?) }
                } else {
                    Some(min)
                };
                if !self.eat(b'}') {
                    return fail("a repetition that is not `{n}`, `{n,}` or `{n,m}`", at);
                }
                if max.is_some_and(|max| max < min) {
                    return fail("a repetition `{n,m}` with m below n", at);
                }
                Ok((min, max))
            }
        }
    }

    fn count(&mut self, at: usize) -> Result<u32, Fail> {
        let mut n: Option<u32> = None;
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            self.pos += 1;
            let value = n.unwrap_or(0) * 10 + u32::from(digit - b'0');
            if value > MAX_REPEAT {
                return fail("a repetition count above the limit of 100", at);
            }
            n = Some(value);
        }
        n.map_or_else(|| fail("a repetition that is not `{n}`, `{n,}` or `{n,m}`", at), Ok)
    }

    /// One character, class, anchor or group; whether a quantifier may follow it.
    fn atom(&mut self, depth: u32) -> Result<bool, Fail> {
        let at = self.pos;
        let inst = match self.bump() {
            Some(b'(') => {
                if depth >= MAX_NESTING {
                    return fail("groups nested deeper than the limit of 32", at);
                }
                if self.eat(b'?') && !self.eat(b':') {
                    return fail("a group with flags or a name (only `(...)` and `(?:...)` are supported)", at);
                }
                self.alternation(depth + 1)?;
                if !self.eat(b')') {
                    return fail("an unclosed group", at);
                }
                return Ok(true);
            }
            Some(b'^') => Inst::Start,
            Some(b'$') => Inst::End,
            Some(b'.') => Inst::Set(Set::byte(b'\n').negate()),
            Some(b'[') => Inst::Set(self.class(at)?),
            Some(b'\\') => Inst::Set(self.escape()?.0),
            Some(b']' | b'}') => return fail("an unescaped `]` or `}` outside a class", at),
            Some(b) => Inst::Set(Set::byte(b)),
            None => return fail("an unexpected end", at),
        };
        let repeatable = matches!(inst, Inst::Set(_));
        self.emit(inst)?;
        Ok(repeatable)
    }

    /// The character after a `\`: a set, and whether it is a single character.
    fn escape(&mut self) -> Result<(Set, bool), Fail> {
        let at = self.pos.saturating_sub(1);
        match self.bump() {
            Some(b) if b.is_ascii_punctuation() && b != b'<' && b != b'>' => Ok((Set::byte(b), true)),
            Some(b) => Set::perl(b).map_or_else(|| fail("an unsupported escape", at), |set| Ok((set, false))),
            None => fail("a trailing backslash", at),
        }
    }

    /// A class, after its `[`.
    fn class(&mut self, at: usize) -> Result<Set, Fail> {
        let negated = self.eat(b'^');
        let mut set = Set::EMPTY;
        let mut first = true;
        loop {
            let item_at = self.pos;
            let b = match self.peek() {
                None => return fail("an unclosed class", at),
                Some(b']') if !first => {
                    self.pos += 1;
                    return Ok(if negated { set.negate() } else { set });
                }
                Some(b) => b,
            };
            if matches!(b, b'&' | b'~' | b'-') && self.peek_at(1) == Some(b) {
                return fail("a class operator `&&`, `--` or `~~` (escape the character)", item_at);
            }
            if b == b'[' {
                return fail("a nested class or `[:name:]` (escape `[` inside a class)", item_at);
            }
            if b == b'-' && !first && self.peek_at(1) != Some(b']') {
                return fail("a `-` that is neither first, last nor in a range (escape it)", item_at);
            }
            let (item, single) = self.class_item(at)?;
            first = false;
            let range_follows = self.peek() == Some(b'-') && self.peek_at(1) != Some(b']');
            if !range_follows {
                set = set.union(item);
                continue;
            }
            if b == b']' {
                return fail("a range that starts with the leading `]` (escape it)", item_at);
            }
            let lo = single_byte(item, single).map_or_else(|| fail("a range that starts with a class", item_at), Ok)?;
            self.pos += 1;
            if self.peek() == Some(b'-') {
                return fail("a class operator `&&`, `--` or `~~` (escape the character)", self.pos - 1);
            }
            let (end, single) = self.class_item(at)?;
            let hi = single_byte(end, single).map_or_else(|| fail("a range that ends with a class", item_at), Ok)?;
            if hi < lo {
                return fail("a range whose end is below its start", item_at);
            }
            set = set.union(Set::range(lo, hi));
        }
    }

    /// One character or escape of the class that starts at `class_at`.
    fn class_item(&mut self, class_at: usize) -> Result<(Set, bool), Fail> {
        match self.bump() {
            Some(b'\\') => self.escape(),
            Some(b) => Ok((Set::byte(b), true)),
            None => fail("an unclosed class", class_at),
        }
    }
}

/// The byte a single-character set holds.
fn single_byte(set: Set, single: bool) -> Option<u8> {
    if single { u8::try_from(set.ascii.trailing_zeros()).ok() } else { None }
}

/// One step of the automaton.
#[derive(Clone, Copy, Debug)]
enum Inst {
    /// Consume one character of the set.
    Set(Set),
    /// Continue at both.
    Split(usize, usize),
    Jump(usize),
    /// `^`: continue only at the token's start.
    Start,
    /// `$`: continue only at the token's end.
    End,
    Match,
}

impl Inst {
    /// The instruction with its targets moved by `delta` (modulo the word size).
    fn moved(self, delta: usize) -> Self {
        match self {
            Self::Split(first, second) => Self::Split(first.wrapping_add(delta), second.wrapping_add(delta)),
            Self::Jump(target) => Self::Jump(target.wrapping_add(delta)),
            other => other,
        }
    }
}

fn compile(pattern: &str) -> Result<Vec<Inst>, Fail> {
    if pattern.len() > MAX_PATTERN_BYTES {
        return fail("longer than the limit of 1024 bytes", MAX_PATTERN_BYTES);
    }
    if let Some(at) = pattern.bytes().position(|b| !(b' '..=b'~').contains(&b)) {
        return fail("a character outside printable ASCII", at);
    }
    let mut compiler = Compiler { bytes: pattern.as_bytes(), pos: 0, program: Vec::new() };
    compiler.alternation(0)?;
    compiler.emit(Inst::Match)?;
    Ok(compiler.program)
}

/// The matcher's scratch space: the instructions, the step at which each was last added, and a
/// stack for following jumps without recursion.
struct Run<'a> {
    program: &'a [Inst],
    seen: Vec<usize>,
    stack: Vec<usize>,
}

impl Run<'_> {
    /// Adds `pc` and every instruction reachable from it without consuming a character.
    fn add(&mut self, pc: usize, step: usize, at_start: bool, at_end: bool, live: &mut Vec<usize>) {
        self.stack.push(pc);
        while let Some(pc) = self.stack.pop() {
            match self.seen.get_mut(pc) {
                Some(seen) if *seen != step => *seen = step,
                _ => continue,
            }
            match self.program.get(pc) {
                Some(Inst::Jump(target)) => self.stack.push(*target),
                Some(Inst::Split(first, second)) => {
                    self.stack.push(*second);
                    self.stack.push(*first);
                }
                Some(Inst::Start) if at_start => self.stack.push(pc + 1),
                Some(Inst::End) if at_end => self.stack.push(pc + 1),
                Some(Inst::Set(_) | Inst::Match) => live.push(pc),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, token: &str) -> bool {
        Pattern::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}")).is_match(token)
    }

    fn refused(pattern: &str) -> String {
        let err = Pattern::new(pattern).err().unwrap_or_else(|| panic!("`{pattern}` compiled"));
        assert_eq!(err.code(), "policy.invalid");
        err.to_string()
    }

    #[test]
    fn literals_and_whole_token() {
        assert!(matches("abc", "abc"));
        assert!(!matches("abc", "abcd"));
        assert!(!matches("abc", "xabc"));
        assert!(!matches("abc", "ab"));
        assert!(matches("urn:com\\.example:[a-z]+", "urn:com.example:rw"));
        assert!(!matches("urn:com\\.example:[a-z]+", "urn:comxexample:rw"));
        assert!(!matches("urn:com\\.example:[a-z]+", "urn:com.example:RW"));
        assert!(matches("a b#&~-,", "a b#&~-,"));
    }

    #[test]
    fn empty_pattern_and_empty_alternatives() {
        assert!(matches("", ""));
        assert!(!matches("", "a"));
        assert!(matches("a|", ""));
        assert!(matches("a|", "a"));
        assert!(matches("|a", "a"));
        assert!(matches("()", ""));
        assert!(matches("(|)", ""));
        assert!(!matches("a|", "aa"));
    }

    #[test]
    fn alternation_binds_loosest() {
        assert!(matches("a|b", "a"));
        assert!(matches("a|b", "b"));
        assert!(!matches("a|b", "ab"));
        assert!(matches("ab|cd", "cd"));
        assert!(!matches("ab|cd", "abd"));
        assert!(matches("x(ab|cd)y", "xcdy"));
    }

    #[test]
    fn dot_and_perl_classes() {
        assert!(matches(".", "a"));
        assert!(matches(".", "é"));
        assert!(!matches(".", "\n"));
        assert!(!matches(".", "ab"));
        assert!(matches("\\d\\w\\s", "7_ "));
        assert!(matches("\\s", "\u{b}"));
        assert!(!matches("\\d", "a"));
        assert!(matches("\\D\\W\\S", "a-b"));
        assert!(matches("\\W", "é"));
        assert!(!matches("\\w", "é"));
    }

    #[test]
    fn classes() {
        assert!(matches("[abc]+", "cab"));
        assert!(!matches("[abc]", "d"));
        assert!(matches("[^abc]", "d"));
        assert!(matches("[^abc]", "é"));
        assert!(!matches("[^abc]", "a"));
        assert!(matches("[a-c0-2]+", "a1c2"));
        assert!(matches("[]a]+", "]a"));
        assert!(matches("[^]a]", "b"));
        assert!(!matches("[^]a]", "]"));
        assert!(matches("[-a]+", "-a"));
        assert!(matches("[a-]+", "-a"));
        assert!(matches("[]-]+", "]-"));
        assert!(matches("[\\d_]+", "1_2"));
        assert!(matches("[\\W]", "-"));
        assert!(!matches("[^\\W]", "-"));
        assert!(matches("[\\]\\[\\-]+", "][-"));
        assert!(matches("[!-\\-]", "+"));
        assert!(matches("[ -~]+", "any token!"));
        assert!(matches("[.*]+", ".*"));
        assert!(!matches("[.*]", "a"));
    }

    #[test]
    fn quantifiers() {
        assert!(matches("a*", ""));
        assert!(matches("a*", "aaa"));
        assert!(!matches("a+", ""));
        assert!(matches("a+", "aa"));
        assert!(matches("ab?c", "ac"));
        assert!(matches("ab?c", "abc"));
        assert!(!matches("ab?c", "abbc"));
        assert!(matches("a{3}", "aaa"));
        assert!(!matches("a{3}", "aa"));
        assert!(!matches("a{3}", "aaaa"));
        assert!(matches("a{2,}", "aaaaa"));
        assert!(!matches("a{2,}", "a"));
        assert!(matches("a{1,3}", "aaa"));
        assert!(!matches("a{1,3}", "aaaa"));
        assert!(matches("a{0}", ""));
        assert!(matches("a{0,0}b", "b"));
        assert!(matches("a*?b+?c??d{2}?e{1,}?f{1,2}?", "bddef"));
        assert!(matches("(ab)+", "abab"));
        assert!(!matches("(ab)+", "aba"));
    }

    #[test]
    fn nested_quantifiers() {
        assert!(matches("(a*)*", ""));
        assert!(matches("(a*)*b", "aaab"));
        assert!(matches("(a|b*)*c", "abbac"));
        assert!(matches("((a?){2}){3}", "aaaa"));
        assert!(!matches("((a?){2}){3}", "aaaaaaa"));
        assert!(matches("(?:a{2}){2,3}", "aaaaaa"));
        assert!(!matches("(?:a{2}){2,3}", "aaaaa"));
    }

    #[test]
    fn anchors() {
        assert!(matches("^a$", "a"));
        assert!(matches("^a|b$", "b"));
        assert!(!matches("a^b", "ab"));
        assert!(!matches("a$b", "ab"));
        assert!(matches("(^a|b)+", "abb"));
        assert!(!matches("(^a|b)+", "aba"));
        assert!(matches("a$|b", "a"));
        assert!(matches("(a$)?", ""));
        assert!(matches("$", ""));
        assert!(matches("^$", ""));
        assert!(matches("(^)*a", "a"));
    }

    #[test]
    fn pathological_patterns_stay_linear() {
        let long = "a".repeat(5000);
        let start = std::time::Instant::now();
        assert!(!matches("(a*)*b", &long));
        assert!(!matches("(a|a)*b", &long));
        assert!(!matches("(a?){50}a{50}b", &long));
        assert!(matches("(a*)*", &long));
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn refusals_name_the_problem() {
        assert!(refused("(").contains("unclosed group at byte 0"));
        assert!(refused("[a-").contains("unclosed class at byte 0"));
        assert!(refused("a)").contains("unopened group `)` at byte 1"));
        assert!(refused("*a").contains("quantifier without"));
        assert!(refused("a|*").contains("quantifier without"));
        assert!(refused("a**").contains("quantifier without"));
        assert!(refused("a+?+").contains("quantifier without"));
        assert!(refused("^*").contains("quantifier without"));
        assert!(refused("a{").contains("not `{n}`"));
        assert!(refused("a{,2}").contains("not `{n}`"));
        assert!(refused("a{1 }").contains("not `{n}`"));
        assert!(refused("a{2,1}").contains("m below n"));
        assert!(refused("a\\").contains("trailing backslash"));
        assert!(refused("a}").contains("unescaped"));
        assert!(refused("]").contains("unescaped"));
        assert_eq!(
            refused("a\\bc"),
            "invalid policy: the pattern `a\\bc` does not compile: an unsupported escape at byte 1"
        );
    }

    #[test]
    fn refuses_what_the_regex_crate_reads_differently() {
        for pattern in [
            "\\b",
            "\\B",
            "\\A",
            "\\z",
            "\\<",
            "\\>",
            "\\pL",
            "\\p{L}",
            "\\n",
            "\\t",
            "\\x41",
            "\\u0041",
            "\\1",
            "\\0",
            "\\e",
            "(?i)a",
            "(?i:a)",
            "(?P<n>a)",
            "(?<n>a)",
            "(?",
            "[[:alpha:]]",
            "[a[b]]",
            "[a&&b]",
            "[a--b]",
            "[a~~b]",
            "[!--]",
            "[a-b-c]",
            "[]-a]",
            "[\\d-z]",
            "[a-\\d]",
            "[b-a]",
            "[]",
            "[^]",
            "é",
            "a\u{7f}",
            "\ta",
        ] {
            refused(pattern);
        }
    }

    #[test]
    fn limits() {
        assert!(Pattern::new(&"a".repeat(MAX_PATTERN_BYTES)).is_ok());
        assert!(refused(&"a".repeat(MAX_PATTERN_BYTES + 1)).contains("limit of 1024 bytes"));
        assert!(Pattern::new("a{100}").is_ok());
        assert_eq!(
            refused("a{101}"),
            "invalid policy: the pattern `a{101}` does not compile: a repetition count above the limit of 100 at byte 1"
        );
        assert!(refused("a{1,1000000000000}").contains("limit of 100"));
        let deep = format!("{}a{}", "(".repeat(32), ")".repeat(32));
        assert!(Pattern::new(&deep).is_ok());
        let deeper = format!("{}a{}", "(".repeat(33), ")".repeat(33));
        assert!(refused(&deeper).contains("limit of 32"));
        assert!(refused("(a{100}){100}").contains("limit of 2000 instructions"));
        assert!(refused("((a*){100}){100}").contains("limit of 2000 instructions"));
        // Empty parts repeated inside repetitions cost no work (this would be 100^8 copies).
        let start = std::time::Instant::now();
        let empty = format!("{}(){}", "(".repeat(8), "){100}".repeat(8));
        assert!(matches(&empty, ""));
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(MAX_REPEAT, 100);
        assert_eq!(MAX_NESTING, 32);
        assert_eq!(MAX_PROGRAM, 2000);
        assert_eq!(MAX_PATTERN_BYTES, 1024);
    }

    #[test]
    fn equality_and_debug_use_the_source() {
        assert_eq!(Pattern::new("a+").unwrap(), Pattern::new("a+").unwrap());
        assert_ne!(Pattern::new("a+").unwrap(), Pattern::new("aa*").unwrap());
        assert_eq!(format!("{:?}", Pattern::new("a+").unwrap()), "Pattern(\"a+\")");
        assert_eq!(Pattern::new("a+").unwrap().as_str(), "a+");
    }

    #[test]
    fn non_ascii_tokens() {
        assert!(matches(".+", "ééé"));
        assert!(matches("a.b", "a☃b"));
        assert!(!matches("a.b", "a☃☃b"));
        assert!(matches("[^a]{2}", "☃é"));
    }
}
