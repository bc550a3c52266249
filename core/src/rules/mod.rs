//! The push rules of docs/RULES.md as pure functions: no I/O, no clock, no
//! locks. Each module is named after the rules it holds:
//!
//! - [`decide`]: whether a notification is shown (D1–D7), and the state it reads
//!   ([`decide::RenderContext`], which asks for one conversation's receive option
//!   through [`decide::ReceiveOptionLookup`] instead of holding them all),
//! - [`content`]: what the notification says (C1–C5),
//! - [`render`]: the whole notification (T1–T3, F1–F5, S1, S2, B1, N1),
//! - [`mention`]: whom a message mentions and what that changes (M1–M4),
//! - [`receive`]: what receiving adds (D8, B2, B4),
//! - [`validate`]: what is refused with a typed error (V2–V4; V1 lives with the session),
//! - [`limits`]: the longest string of each kind (L1–L5), refused from the app, cut or unset from the network.

pub mod content;
pub mod decide;
pub mod limits;
pub mod mention;
pub mod receive;
pub mod render;
pub mod validate;

/// The string if it is set and not empty: an empty string counts as unset
/// everywhere (docs/RULES.md, "Words").
pub(crate) fn filled(value: Option<&str>) -> Option<&str> {
    value.filter(|s| !s.is_empty())
}

/// The same rule for an owned value: `Some("")` becomes `None`.
pub(crate) fn non_empty_owned(value: Option<String>) -> Option<String> {
    value.filter(|s| !s.is_empty())
}
