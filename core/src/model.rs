//! The records of the UDL file as plain Rust types: one definition each, with
//! serde derives in the one JSON spelling of `json.rs`, so the vectors, the
//! store and the cross-process hand-over read and write the same shapes.
//! Docs for each record live in `offline_push.udl` (they flow into Kotlin and
//! Swift); the defaults live here and in the UDL only (`= true` there, the
//! `DEFAULT` constants here), and the tests of each language check they agree.

use crate::json::{self, SoundForm, SoundInput};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// docs/RULES.md, "Words": push is on unless the receiver or the sender turns it off.
const PUSH_ENABLED_BY_DEFAULT: bool = true;
/// B1: a message counts toward the badge unless its sender says otherwise.
const BADGE_ENABLED_BY_DEFAULT: bool = true;

/// See `Platform` in the UDL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Android,
    Ios,
}

/// See `PushLocale` in the UDL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PushLocale {
    #[default]
    #[serde(rename = "zh-Hans")]
    ZhHans,
    #[serde(rename = "en")]
    En,
}

/// See `SessionState` in the UDL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum SessionState {
    LoggedIn {
        user_id: String,
    },
    #[default]
    LoggedOut,
    KickedOffline,
    /// K8: the store was found damaged and replaced; who was signed in is not known.
    StoreReset {
        moved_to: String,
        reset_at_ms: i64,
    },
}

/// seed §2.1: the receiving device's global settings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OfflinePushSettings {
    #[serde(deserialize_with = "json::true_unless_false")]
    pub enabled: bool,
    #[serde(with = "json::android_sound")]
    pub c2c_sound: Option<String>,
    #[serde(with = "json::android_sound")]
    pub group_sound: Option<String>,
}

impl OfflinePushSettings {
    /// What a user who never set global settings has (docs/RULES.md, "Words").
    pub const DEFAULT: Self = Self {
        enabled: PUSH_ENABLED_BY_DEFAULT,
        c2c_sound: None,
        group_sound: None,
    };
}

impl Default for OfflinePushSettings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// seed §2.2 `NotifyMode`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyMode {
    #[default]
    Normal,
    Custom,
}

/// S1, S2: a notification sound. Its JSON (`"default"`, `"silent"`,
/// `{"custom": path}`) is written by hand in `json.rs`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum PushSound {
    #[default]
    Default,
    Silent,
    Custom {
        path: String,
    },
}

impl Serialize for PushSound {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Default => SoundForm::Default.serialize(s),
            Self::Silent => SoundForm::Silent.serialize(s),
            Self::Custom { path } => SoundForm::Custom(path.clone()).serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for PushSound {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match SoundInput::deserialize(d).map_err(|_| D::Error::custom(json::SOUND_FORMS))? {
            SoundInput::Form(SoundForm::Default) => Ok(Self::Default),
            SoundInput::Form(SoundForm::Silent) => Ok(Self::Silent),
            SoundInput::Form(SoundForm::Custom(path)) | SoundInput::Path(path) => Ok(Self::Custom { path }),
        }
    }
}

/// seed §2.2 `AndroidSettings`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AndroidPushSettings {
    pub title: Option<String>,
    #[serde(with = "json::android_sound")]
    pub sound: Option<String>,
    pub notify_mode: Option<NotifyMode>,
}

/// seed §2.2 `IOSSettings`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IosPushSettings {
    pub sound: Option<PushSound>,
    #[serde(deserialize_with = "json::true_unless_false")]
    pub badge_enabled: bool,
}

impl Default for IosPushSettings {
    fn default() -> Self {
        Self {
            sound: None,
            badge_enabled: BADGE_ENABLED_BY_DEFAULT,
        }
    }
}

/// seed §2.2 `TIMMessageOfflinePushSettings`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessagePushSettings {
    #[serde(deserialize_with = "json::true_unless_false")]
    pub enabled: bool,
    pub description: Option<String>,
    #[serde(with = "json::base64_bytes")]
    pub ext: Option<Vec<u8>>,
    pub android: Option<AndroidPushSettings>,
    pub ios: Option<IosPushSettings>,
}

impl Default for MessagePushSettings {
    fn default() -> Self {
        Self {
            enabled: PUSH_ENABLED_BY_DEFAULT,
            description: None,
            ext: None,
            android: None,
            ios: None,
        }
    }
}

/// seed §4, §5: the vendor behind a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushVendor {
    Apns,
    ApnsVoip,
    Fcm,
    Xiaomi,
    Huawei,
    Honor,
    Oppo,
    Vivo,
    Meizu,
}

/// A vendor token: a secret that `Debug` never shows.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PushTokenValue(pub String);

impl fmt::Debug for PushTokenValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PushTokenValue(<redacted, {} bytes>)", self.0.len())
    }
}

impl From<&str> for PushTokenValue {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// seed §4.5, §5.5: `TIMOfflinePushToken`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflinePushToken {
    pub vendor: PushVendor,
    pub token: PushTokenValue,
    pub business_id: u64,
}

/// seed §3.3.4 `TIMConversationType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationType {
    C2c,
    Group,
    System,
}

/// seed §3.3.5, §3.3.6.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessageSender {
    pub user_id: String,
    pub nickname: Option<String>,
    pub name_card: Option<String>,
}

/// seed §3.3.3, §3.3.7.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GroupInfo {
    pub group_id: String,
    pub name: Option<String>,
}

/// seed §3.3.2 `TIMElem`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", deny_unknown_fields)]
pub enum MessageElement {
    Text {
        text: String,
    },
    Sound {
        #[serde(default, deserialize_with = "json::zero_if_null")]
        duration_seconds: u32,
    },
    File {
        #[serde(default)]
        file_name: Option<String>,
    },
    Image,
    Video,
    Face,
    Location {
        #[serde(default)]
        description: Option<String>,
    },
    Custom {
        #[serde(default)]
        desc: Option<String>,
        #[serde(default, with = "json::base64_bytes")]
        data: Option<Vec<u8>>,
    },
}

/// seed §3.3: a message received while offline.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncomingMessage {
    #[serde(default)]
    pub message_id: Option<String>,
    pub conversation_type: ConversationType,
    pub sender: MessageSender,
    #[serde(default)]
    pub group: Option<GroupInfo>,
    #[serde(default)]
    pub elements: Vec<MessageElement>,
    #[serde(default)]
    pub push_settings: Option<MessagePushSettings>,
    pub timestamp: i64,
    /// M1: read as network data (`rules::mention`), so any list is accepted here.
    #[serde(default)]
    pub mentioned_user_ids: Vec<String>,
    #[serde(default)]
    pub mentions_all: bool,
}

/// Where a notification's title came from (T1–T3); the vendor rule P1 needs it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TitleSource {
    /// T1: the sender's user id.
    #[default]
    Sender,
    /// T2: the group's name or id.
    Group,
    /// T3: the message's own Android title.
    Message,
}

/// seed §3.3.1–§3.3.9: the notification shown.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflinePushNotification {
    pub title: String,
    #[serde(default)]
    pub title_source: TitleSource,
    pub content: String,
    pub conversation_id: String,
    pub conversation_type: ConversationType,
    pub sender_id: String,
    pub sender_nickname: Option<String>,
    pub group_name: Option<String>,
    #[serde(with = "json::base64_bytes")]
    pub ext: Option<Vec<u8>>,
    pub sound: PushSound,
    pub badge: bool,
    pub notify_mode: NotifyMode,
    #[serde(default)]
    pub badge_count: Option<u32>,
    #[serde(default)]
    pub mentioned_user_id: Option<String>,
    #[serde(default)]
    pub mentions_all: bool,
}

/// D1–D7: why no notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressReason {
    LoggedOut,
    KickedOffline,
    SystemMessage,
    DisabledByReceiver,
    DisabledBySender,
    Muted,
    DoNotDisturb,
    NothingToShow,
    Duplicate,
}

/// A notification, or the reason there is none.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
// The variants are what Kotlin and Swift see; a Box is not an FFI type.
#[allow(clippy::large_enum_variant)]
pub enum RenderOutcome {
    Show { notification: OfflinePushNotification },
    Suppress { reason: SuppressReason },
}

/// Beyond the seeds: how a conversation's messages are received.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiveOption {
    #[default]
    Receive,
    ReceiveNotNotify,
    NotReceive,
    ReceiveNotNotifyExceptMentions,
    NotReceiveExceptMentions,
}

/// A conversation's receive option.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationReceiveOption {
    pub conversation_type: ConversationType,
    pub conversation_id: String,
    pub option: ReceiveOption,
}

/// Beyond the seeds: the daily do-not-disturb window (D6, V4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoNotDisturbWindow {
    pub start_seconds: i32,
    pub duration_seconds: i32,
    pub utc_offset_seconds: i32,
}

/// How a manager is opened: the platform it renders for, and (with the store)
/// where its state lives.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OfflinePushConfig {
    pub platform: Platform,
    pub store_directory: Option<String>,
}

/// K6: one change of an account's settings, as the backend receives it. In
/// JSON: `{"kind": "global_settings", "settings": {…}}` and so on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SettingsChange {
    GlobalSettings {
        settings: OfflinePushSettings,
    },
    DoNotDisturb {
        window: Option<DoNotDisturbWindow>,
    },
    ConversationOption {
        conversation_type: ConversationType,
        conversation_id: String,
        option: ReceiveOption,
    },
}

/// K7: an account's settings as the backend keeps them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountPushSettings {
    pub global_settings: OfflinePushSettings,
    pub do_not_disturb: Option<DoNotDisturbWindow>,
    pub receive_options: Vec<ConversationReceiveOption>,
}

/// K7: what `fetch_settings` returns.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FetchedSettings {
    pub settings: AccountPushSettings,
    pub stale: bool,
    pub stale_reason: Option<String>,
}

/// What one `sync()` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SyncReport {
    pub sent: u32,
    pub rejected: u32,
    pub still_pending: u32,
    pub in_progress_elsewhere: u32,
}

/// What a pending change is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PendingKind {
    GlobalSettings,
    DoNotDisturb,
    ConversationOption,
    TokenUpload,
    TokenUnbind,
}

/// One change the backend has not accepted yet; never carries a token.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PendingChange {
    pub kind: PendingKind,
    pub user_id: String,
    pub conversation_type: Option<ConversationType>,
    pub conversation_id: Option<String>,
    pub since_ms: i64,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub in_progress: bool,
}

/// What the device still owes the backend, and how the last syncs went.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SyncStatus {
    pub pending: Vec<PendingChange>,
    pub oldest_pending_ms: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_ms: Option<i64>,
    pub last_success_ms: Option<i64>,
}

/// P2: what the app reads off the device to pick its push vendor.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceFacts {
    pub platform: Platform,
    pub manufacturer: String,
    pub brand: String,
    pub has_google_play_services: bool,
}

/// vivo's classification of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VivoClassification {
    Operation,
    System,
}

/// Huawei's (and Honor's) importance of a notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VendorImportance {
    Low,
    Normal,
}

/// The app's configuration of the vendors (see the UDL).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VendorConfig {
    pub fcm_channel_id: Option<String>,
    pub xiaomi_channel_id: Option<String>,
    pub huawei_channel_id: Option<String>,
    pub honor_channel_id: Option<String>,
    pub oppo_channel_id: Option<String>,
    pub vivo_classification: Option<VivoClassification>,
    pub vivo_category: Option<String>,
    pub huawei_category: Option<String>,
    pub huawei_importance: Option<VendorImportance>,
    pub honor_importance: Option<VendorImportance>,
    pub fcm_delivery: Option<FcmDelivery>,
}

/// How FCM delivers (W4): see the UDL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FcmDelivery {
    #[default]
    Data,
    Notification,
}

/// An Android notification channel the app must create.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PushChannel {
    pub channel_id: String,
    pub sound: Option<String>,
}

/// A text the payload builder shortened (P3).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ShortenedText {
    pub field: String,
    pub original_length: u32,
    pub shortened_length: u32,
}

/// A vendor's send payload (P3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VendorPayload {
    pub vendor: PushVendor,
    pub json: String,
    pub bytes: u32,
    pub shortened: Vec<ShortenedText>,
}

/// What a vendor delivered to the app (P4). In JSON: `{"json": "<text>"}` or
/// `{"extras": {"key": "value"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DeliveredPush {
    Json {
        json: String,
    },
    Extras {
        extras: std::collections::HashMap<String, String>,
    },
}

/// A push read back from what its vendor delivered (P4).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IncomingPush {
    pub vendor: PushVendor,
    pub conversation_type: ConversationType,
    pub conversation_id: String,
    pub sender_id: String,
    pub message_id: Option<String>,
    pub timestamp: Option<i64>,
    pub ext: Option<Vec<u8>>,
    pub notification: Option<OfflinePushNotification>,
    pub message: Option<IncomingMessage>,
}
