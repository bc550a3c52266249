//! The functions the app calls without a manager: the records' checks, the
//! JSON hand-over to another process or a server, and the vendors' payloads.
//! Each is a line or two over the rules, the JSON spelling or `vendor/`.

use crate::error::{self, OfflinePushError};
use crate::json;
use crate::model::*;
use crate::rules;
use crate::vendor;

/// Checks and normalises a sender's message push settings (V2).
pub fn validate_message_push_settings(
    settings: MessagePushSettings,
) -> Result<MessagePushSettings, OfflinePushError> {
    Ok(rules::validate::check_message_push_settings(settings)?)
}

/// Encodes a message as JSON for another process (with the format version).
pub fn message_to_json(message: IncomingMessage) -> String {
    json::to_versioned(&message)
}

/// Decodes a message encoded by [`message_to_json`].
pub fn message_from_json(json: &str) -> Result<IncomingMessage, OfflinePushError> {
    json::from_versioned("not a message", json).map_err(|e| error::Error::from(e).into())
}

/// Encodes a notification as JSON for another process (with the format version).
pub fn notification_to_json(notification: OfflinePushNotification) -> String {
    json::to_versioned(&notification)
}

/// Decodes a notification encoded by [`notification_to_json`].
pub fn notification_from_json(json: &str) -> Result<OfflinePushNotification, OfflinePushError> {
    json::from_versioned("not a notification", json).map_err(|e| error::Error::from(e).into())
}

/// The JSON spelling of a record for another program (a server), no format version.
fn plain_json<T: serde::Serialize>(value: &T) -> String {
    // The records hold only strings, numbers and maps with string keys: nothing
    // in them can fail to serialise.
    serde_json::to_string(value).unwrap_or_default()
}

/// K4–K7: a settings change as the app's server receives it (see the UDL).
pub fn settings_change_to_json(change: SettingsChange) -> String {
    plain_json(&change)
}

/// K7: an account's settings as the app's server answers (see the UDL).
pub fn account_settings_from_json(json: &str) -> Result<AccountPushSettings, OfflinePushError> {
    json::from_plain("not an account's settings", json).map_err(|e| error::Error::from(e).into())
}

/// K4, K5: the token as JSON for the app's server (see the UDL).
pub fn token_to_json(token: OfflinePushToken) -> String {
    plain_json(&token)
}

/// K4: a token from its JSON (see the UDL).
pub fn token_from_json(json: &str) -> Result<OfflinePushToken, OfflinePushError> {
    json::from_plain("not a token", json).map_err(|e| error::Error::from(e).into())
}

/// P3, P5: a vendor configuration from its JSON (see the UDL).
pub fn vendor_config_from_json(json: &str) -> Result<VendorConfig, OfflinePushError> {
    json::from_plain("not a vendor configuration", json).map_err(|e| error::Error::from(e).into())
}

/// P4: a delivered form written as JSON (see the UDL).
pub fn delivered_push_from_json(json: &str) -> Result<DeliveredPush, OfflinePushError> {
    json::from_plain("not a delivered push", json).map_err(|e| error::Error::from(e).into())
}

/// P2: the push vendor of a device (see the UDL).
pub fn select_vendor(device: DeviceFacts) -> Option<PushVendor> {
    vendor::select_vendor(&device)
}

/// V3 and the vendor's token shape.
pub fn check_vendor_token(token: OfflinePushToken) -> Result<(), OfflinePushError> {
    Ok(vendor::check_token(&token)?)
}

/// Checks and normalises the app's vendor configuration.
pub fn check_vendor_config(config: VendorConfig) -> Result<VendorConfig, OfflinePushError> {
    Ok(vendor::check_config(config)?)
}

/// The Android notification channels the app must create for `vendor`.
pub fn notification_channels(
    config: VendorConfig,
    vendor: PushVendor,
    sounds: Vec<String>,
) -> Result<Vec<PushChannel>, OfflinePushError> {
    Ok(vendor::notification_channels(&config, vendor, &sounds)?)
}

/// P1, P3: `vendor`'s send payload for `notification`.
pub fn build_vendor_payload(
    vendor: PushVendor,
    notification: OfflinePushNotification,
    message_id: Option<String>,
    timestamp: i64,
    config: VendorConfig,
) -> Result<VendorPayload, OfflinePushError> {
    Ok(vendor::build(
        vendor,
        &notification,
        message_id.as_deref(),
        timestamp,
        &config,
    )?)
}

/// P4: the push a vendor delivered, read back.
pub fn read_vendor_push(vendor: PushVendor, delivered: DeliveredPush) -> Option<IncomingPush> {
    vendor::read(vendor, &delivered)
}

/// What the device receives for `payload`.
pub fn delivered_form(payload: VendorPayload) -> DeliveredPush {
    vendor::delivered_form(&payload)
}
