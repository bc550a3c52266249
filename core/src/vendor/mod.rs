//! The push vendors (docs/RULES.md P1–P4): which one a device uses, the shape of
//! their tokens, the app's configuration of them, the payload each one's send
//! API takes, and reading back what each delivered. Pure functions: a server
//! builds the same payloads with this crate and no FFI.

mod config;
mod payload;
mod read;
mod select;
mod text;
mod token;

pub use config::{check_config, notification_channels, sound_channel_id};
pub use payload::{build, limits, CustomDataLimit, TextLimit, VendorLimits, NEW_MESSAGE_TITLE};
pub use read::{delivered_form, read};
pub use select::select_vendor;
pub use text::Measure;
pub use token::check_token;

use crate::model::PushVendor;

/// Every vendor, in the order `PushVendor` declares them.
pub const ALL_VENDORS: [PushVendor; 9] = [
    PushVendor::Apns,
    PushVendor::ApnsVoip,
    PushVendor::Fcm,
    PushVendor::Xiaomi,
    PushVendor::Huawei,
    PushVendor::Honor,
    PushVendor::Oppo,
    PushVendor::Vivo,
    PushVendor::Meizu,
];

/// The key under which a payload carries the push's own data, in every vendor's
/// custom-data place (an object beside `aps`, a data-map entry, an extra).
pub const CUSTOM_DATA_KEY: &str = "offline_push";
