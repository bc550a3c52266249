//! The one JSON spelling of the records: the form of the conformance vectors
//! (`tests/vectors/`), used by `message_to_json` and friends, by the Rust vector
//! runner, and by whatever hands a record to another process.
//!
//! - bytes (`ext`, a custom element's `data`) are standard padded base64;
//! - a sound is `"default"`, `"silent"` or `{"custom": "<uri or path>"}`;
//! - enum values are snake_case (`c2c`, `receive_not_notify`, ...);
//! - a key the record does not have is an error, so a typo is never ignored;
//! - `null` counts as unset, and a boolean's `null` as its default.
//!
//! What crosses between processes is wrapped with a format version
//! ([`to_versioned`], [`from_versioned`]): a reader refuses a version it does not know.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The version of the cross-process JSON this library writes and reads.
pub const FORMAT_VERSION: u32 = 1;
const VERSION_KEY: &str = "format_version";

/// `value` as a JSON object with `"format_version"` beside its own keys.
/// A unit enum as the JSON spelling writes it (`c2c`, `receive_not_notify`, ...):
/// the store's columns and the vendors' payloads use the same words.
pub(crate) fn enum_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

pub(crate) fn to_versioned<T: Serialize>(value: &T) -> String {
    let mut object = match serde_json::to_value(value) {
        Ok(Value::Object(object)) => object,
        // Every record serialises to an object: nothing in them can fail to serialise.
        _ => Map::new(),
    };
    object.insert(VERSION_KEY.into(), FORMAT_VERSION.into());
    Value::Object(object).to_string()
}

/// Why JSON could not be read as a record. Its text never quotes the input
/// (serde's own messages do, so only their category and position are kept).
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    #[error("{record}: {}", describe(.source))]
    Malformed {
        record: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("{record}: {problem}")]
    Version {
        record: &'static str,
        problem: &'static str,
    },
}

/// Where and what kind of JSON problem, without serde's text.
fn describe(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "could not be read",
        Category::Syntax => "is not valid JSON",
        Category::Eof => "ends too early",
        Category::Data => "does not have the record's shape (a missing, unknown or mistyped key)",
    };
    format!("the JSON {what} at line {}, column {}", e.line(), e.column())
}

/// A record in its plain spelling (a server's: no format version).
pub(crate) fn from_plain<T: DeserializeOwned>(record: &'static str, json: &str) -> Result<T, JsonError> {
    serde_json::from_str(json).map_err(|source| JsonError::Malformed { record, source })
}

/// The record written by [`to_versioned`]; refuses another format version.
pub(crate) fn from_versioned<T: DeserializeOwned>(record: &'static str, json: &str) -> Result<T, JsonError> {
    let malformed = |source| JsonError::Malformed { record, source };
    let mut value: Value = serde_json::from_str(json).map_err(malformed)?;
    let version = value
        .as_object_mut()
        .and_then(|object| object.remove(VERSION_KEY))
        .ok_or(JsonError::Version {
            record,
            problem: "it has no format_version",
        })?;
    if version.as_u64() != Some(u64::from(FORMAT_VERSION)) {
        return Err(JsonError::Version {
            record,
            problem: "its format_version is not 1, the one this library reads",
        });
    }
    T::deserialize(value).map_err(malformed)
}

/// `ext` and a custom element's `data`: base64, or null.
pub(crate) mod base64_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(bytes) => s.serialize_str(&BASE64.encode(bytes)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(text) => BASE64
                .decode(text)
                .map(Some)
                .map_err(|_| D::Error::custom("bytes must be standard padded base64")),
            None => Ok(None),
        }
    }
}

/// A sound as the vectors write it: `"default"`, `"silent"`, `{"custom": path}`;
/// any other string is read as a custom path.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum SoundForm {
    Default,
    Silent,
    Custom(String),
}

/// What a sound is read from: one of the forms, or a bare path.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum SoundInput {
    Form(SoundForm),
    Path(String),
}

/// The message of a sound that is none of the forms.
pub(crate) const SOUND_FORMS: &str = "a sound is \"default\", \"silent\" or {\"custom\": path}";

/// An Android sound (global, or a message's `android.sound`): a URI string or
/// null; read also as `{"custom": uri}`, and `"default"` as unset (the system
/// default). Other strings are kept for the rules to accept or refuse (V2).
pub(crate) mod android_sound {
    use super::*;

    pub fn serialize<S: Serializer>(uri: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
        uri.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Option::<SoundInput>::deserialize(d)? {
            None | Some(SoundInput::Form(SoundForm::Default)) => None,
            Some(SoundInput::Form(SoundForm::Silent)) => Some("silent".to_owned()),
            Some(SoundInput::Form(SoundForm::Custom(uri)) | SoundInput::Path(uri)) => Some(uri),
        })
    }
}

/// A boolean whose default is `true` (`enabled`, `badge_enabled`): `null` or
/// absent is `true`.
pub(crate) fn true_unless_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(true))
}

/// A number whose `null` is 0.
pub(crate) fn zero_if_null<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Ok(Option::<u32>::deserialize(d)?.unwrap_or(0))
}
