//! Typed access to the fields of a JSON input object; every mismatch is `input.invalid`.

use serde_json::{Map, Value};

use crate::error::{Error, InputError};

/// What one field of an input object holds, whatever the object is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field<S, O> {
    /// Absent, or `null` (and what JSON text cannot carry, such as JavaScript's `undefined`).
    Absent,
    /// A string.
    Str(S),
    /// A boolean.
    Bool(bool),
    /// A number that is an integer in `i64`'s range.
    Int(i64),
    /// An object (not an array), readable in turn as the place it was asked for.
    Object(O),
    /// Anything else: an array, another number.
    Other,
}

/// The fields of an input object, read from JSON ([`Input`]) or from a host's own objects
/// (the npm package reads JavaScript objects in place, without JSON text). The typed readers
/// give the same `input.invalid` messages for every source.
pub trait Fields: Sized {
    /// How strings are held: borrowed from JSON, owned when copied out of the host.
    type Str: AsRef<str>;

    /// The field `name` (a literal: a binding may cache it); a nested object is read as `place`
    /// (`context.room`).
    fn field(&self, name: &'static str, place: &'static str) -> Field<Self::Str, Self>;

    /// Where these fields sit, for messages (`request`, `token`, `context.room`).
    fn place(&self) -> &str;

    /// `` `PLACE.NAME` must be WHAT ``, at the field's JSON pointer.
    fn wrong(&self, name: &'static str, what: &str) -> Error {
        at(self.place(), name, format!("`{}.{name}` must be {what}", self.place()))
    }

    /// A required string.
    fn str(&self, name: &'static str) -> Result<Self::Str, Error> {
        self.opt_str(name)?.ok_or_else(|| at(self.place(), name, format!("`{}.{name}` is required", self.place())))
    }

    /// An optional string.
    fn opt_str(&self, name: &'static str) -> Result<Option<Self::Str>, Error> {
        match self.field(name, "") {
            Field::Absent => Ok(None),
            Field::Str(s) => Ok(Some(s)),
            _ => Err(self.wrong(name, "a string")),
        }
    }

    /// An optional boolean.
    fn opt_bool(&self, name: &'static str) -> Result<Option<bool>, Error> {
        match self.field(name, "") {
            Field::Absent => Ok(None),
            Field::Bool(b) => Ok(Some(b)),
            _ => Err(self.wrong(name, "a boolean")),
        }
    }

    /// An optional integer.
    fn opt_i64(&self, name: &'static str) -> Result<Option<i64>, Error> {
        match self.field(name, "") {
            Field::Absent => Ok(None),
            Field::Int(n) => Ok(Some(n)),
            _ => Err(self.wrong(name, "an integer")),
        }
    }

    /// An optional nested object, read as `place`.
    fn opt_obj(&self, name: &'static str, place: &'static str) -> Result<Option<Self>, Error> {
        match self.field(name, place) {
            Field::Absent => Ok(None),
            Field::Object(fields) => Ok(Some(fields)),
            _ => Err(self.wrong(name, "an object")),
        }
    }

    /// An optional string drawn from a closed set, mapped by `parse`.
    fn opt_enum<T>(
        &self,
        name: &'static str,
        parse: impl Fn(&str) -> Option<T>,
        allowed: &str,
    ) -> Result<Option<T>, Error> {
        match self.opt_str(name)? {
            None => Ok(None),
            Some(s) => parse(s.as_ref()).map(Some).ok_or_else(|| self.wrong(name, allowed)),
        }
    }
}

/// `input.invalid` about the field `name` of the object at `place`, with its JSON pointer. A
/// place names the input itself as `input` or `request` (the typed bindings' word), alone or
/// first (`input.user`); nested places are written from the input (`context.room`). Either way
/// the pointer starts below the input: `/user/admin`, `/context/room/guest_access`.
pub(crate) fn at(place: &str, name: &str, message: String) -> Error {
    let mut parts = place.split('.').filter(|part| !part.is_empty()).peekable();
    if matches!(parts.peek(), Some(&("input" | "request"))) {
        parts.next();
    }
    Error::Input(InputError::at(crate::error::json_pointer(parts.chain([name])), message))
}

/// A whole input as the object `place`: anything else is `` `PLACE` must be an object ``.
pub fn object<S, O>(field: Field<S, O>, place: &str) -> Result<O, Error> {
    match field {
        Field::Object(fields) => Ok(fields),
        _ => Err(Error::input(format!("`{place}` must be an object"))),
    }
}

impl<'a> Fields for Input<'a> {
    type Str = &'a str;

    fn field(&self, name: &'static str, place: &'static str) -> Field<&'a str, Self> {
        match self.get(name) {
            None => Field::Absent,
            Some(Value::String(s)) => Field::Str(s),
            Some(Value::Bool(b)) => Field::Bool(*b),
            Some(Value::Number(n)) => n.as_i64().map_or(Field::Other, Field::Int),
            Some(Value::Object(fields)) => Field::Object(Input { fields, place }),
            Some(_) => Field::Other,
        }
    }

    fn place(&self) -> &str {
        self.place
    }
}

/// The fields of one op's input object.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    fields: &'a Map<String, Value>,
    /// Where these fields sit, for messages (`input`, `token`, `context.room`).
    place: &'a str,
}

/// The typed readers every input source shares come from [`Fields`]; these are JSON's own.
impl<'a> Input<'a> {
    /// Wraps `value`, which must be an object.
    pub fn new(value: &'a Value, place: &'a str) -> Result<Self, Error> {
        match value {
            Value::Object(fields) => Ok(Self { fields, place }),
            _ => Err(Error::input(format!("`{place}` must be an object"))),
        }
    }

    /// The value of a field exactly as given (`null` included).
    pub fn raw(&self, name: &str) -> Option<&'a Value> {
        self.fields.get(name)
    }

    /// The value of a field; `null` counts as absent.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.fields.get(name).filter(|v| !v.is_null())
    }

    /// An optional non-negative integer.
    pub fn opt_u64(&self, name: &'static str) -> Result<Option<u64>, Error> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| self.wrong(name, "a non-negative integer")),
        }
    }

    /// An optional array of strings.
    pub fn opt_strs(&self, name: &'static str) -> Result<Option<Vec<&'a str>>, Error> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Array(items)) => {
                let mut strings = Vec::with_capacity(items.len());
                for item in items {
                    strings.push(item.as_str().ok_or_else(|| self.wrong(name, "an array of strings"))?);
                }
                Ok(Some(strings))
            }
            Some(_) => Err(self.wrong(name, "an array of strings")),
        }
    }
}
