//! The records of the UDL file as plain Rust types: one definition each, with
//! serde derives so the store and the cross-process JSON use the same shapes.
//! Docs for each record live in `offline_push.udl` (they flow into Kotlin and Swift).

use serde::{Deserialize, Serialize};
use std::fmt;

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
}

/// seed §2.1: the receiving device's global settings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct OfflinePushSettings {
    pub enabled: bool,
    pub c2c_sound: Option<String>,
    pub group_sound: Option<String>,
}

impl Default for OfflinePushSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            c2c_sound: None,
            group_sound: None,
        }
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

/// S1, S2: a notification sound.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushSound {
    #[default]
    Default,
    Silent,
    Custom {
        path: String,
    },
}

/// seed §2.2 `AndroidSettings`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct AndroidPushSettings {
    pub title: Option<String>,
    pub sound: Option<String>,
    pub notify_mode: Option<NotifyMode>,
}

/// seed §2.2 `IOSSettings`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct IosPushSettings {
    pub sound: Option<PushSound>,
    pub badge_enabled: bool,
}

impl Default for IosPushSettings {
    fn default() -> Self {
        Self {
            sound: None,
            badge_enabled: true,
        }
    }
}

/// seed §2.2 `TIMMessageOfflinePushSettings`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct MessagePushSettings {
    pub enabled: bool,
    pub description: Option<String>,
    pub ext: Option<Vec<u8>>,
    pub android: Option<AndroidPushSettings>,
    pub ios: Option<IosPushSettings>,
}

impl Default for MessagePushSettings {
    fn default() -> Self {
        Self {
            enabled: true,
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
#[serde(default)]
pub struct MessageSender {
    pub user_id: String,
    pub nickname: Option<String>,
    pub name_card: Option<String>,
}

/// seed §3.3.3, §3.3.7.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupInfo {
    pub group_id: String,
    pub name: Option<String>,
}

/// seed §3.3.2 `TIMElem`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum MessageElement {
    Text {
        text: String,
    },
    Sound {
        duration_seconds: u32,
    },
    File {
        file_name: Option<String>,
    },
    Image,
    Video,
    Face,
    Location {
        description: Option<String>,
    },
    Custom {
        desc: Option<String>,
        data: Option<Vec<u8>>,
    },
}

/// seed §3.3: a message received while offline.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IncomingMessage {
    pub conversation_type: ConversationType,
    pub sender: MessageSender,
    #[serde(default)]
    pub group: Option<GroupInfo>,
    #[serde(default)]
    pub elements: Vec<MessageElement>,
    #[serde(default)]
    pub push_settings: Option<MessagePushSettings>,
    pub timestamp: i64,
}

/// seed §3.3.1–§3.3.9: the notification shown.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OfflinePushNotification {
    pub title: String,
    pub content: String,
    pub conversation_id: String,
    pub conversation_type: ConversationType,
    pub sender_id: String,
    pub sender_nickname: Option<String>,
    pub group_name: Option<String>,
    pub ext: Option<Vec<u8>>,
    pub sound: PushSound,
    pub badge: bool,
    pub notify_mode: NotifyMode,
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
}

/// A notification, or the reason there is none.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
}

/// A conversation's receive option.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ConversationReceiveOption {
    pub conversation_type: ConversationType,
    pub conversation_id: String,
    pub option: ReceiveOption,
}

/// Beyond the seeds: the daily do-not-disturb window (D6, V4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DoNotDisturbWindow {
    pub start_seconds: i32,
    pub duration_seconds: i32,
    pub utc_offset_seconds: i32,
}
