//! P4: reading back what a vendor delivered to the app. Each vendor hands the
//! custom data over in its own place (`DeliveredPush` says which form); the data
//! is the same everywhere (`payload.rs`). What arrives is network data: nothing
//! here raises, and a bad value counts as unset (docs/RULES.md §4).

use super::payload::Shown;
use super::CUSTOM_DATA_KEY;
use crate::model::{
    AndroidPushSettings, ConversationType, DeliveredPush, GroupInfo, IncomingMessage, IncomingPush,
    IosPushSettings, MessagePushSettings, MessageSender, OfflinePushNotification, PushSound, PushVendor,
    TitleSource, VendorPayload,
};
use crate::rules::validate;
use base64::Engine as _;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;

/// The custom data inside what was delivered: an object or a JSON string under
/// `offline_push`, at the top of a JSON text or in a string map.
fn custom_data(delivered: &DeliveredPush) -> Option<Map<String, Value>> {
    let value = match delivered {
        DeliveredPush::Json { json } => serde_json::from_str::<Value>(json)
            .ok()?
            .get(CUSTOM_DATA_KEY)?
            .clone(),
        DeliveredPush::Extras { extras } => Value::String(extras.get(CUSTOM_DATA_KEY)?.clone()),
    };
    match value {
        Value::Object(map) => Some(map),
        Value::String(text) => match serde_json::from_str(&text).ok()? {
            Value::Object(map) => Some(map),
            _ => None,
        },
        _ => None,
    }
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key)?
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// P4: the push `vendor` delivered, if it carries one of this core's.
pub fn read(vendor: PushVendor, delivered: &DeliveredPush) -> Option<IncomingPush> {
    let data = custom_data(delivered)?;
    if data.get("v").and_then(Value::as_u64) != Some(1) {
        return None;
    }
    let conversation_type: ConversationType = serde_json::from_value(data.get("type")?.clone()).ok()?;
    let conversation_id = text(&data, "id")?;
    let sender_id = text(&data, "sender")?;
    let message_id = text(&data, "msg");
    let timestamp = data.get("ts").and_then(Value::as_i64);
    let ext = data
        .get("ext")
        .and_then(Value::as_str)
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok());
    // M5: bad values count as unset, like the rest.
    let mentioned_user_id = text(&data, "at");
    let mentions_all = data.get("all").and_then(Value::as_bool).unwrap_or(false);
    let shown: Option<Shown<'static>> = data.get("n").and_then(|n| serde_json::from_value(n.clone()).ok());
    let notification = shown.map(|shown| OfflinePushNotification {
        title: shown.title.into_owned(),
        title_source: shown.title_source,
        content: shown.content.into_owned(),
        conversation_id: conversation_id.clone(),
        conversation_type,
        sender_id: sender_id.clone(),
        sender_nickname: shown.sender_nickname.map(Cow::into_owned),
        group_name: shown.group_name.map(Cow::into_owned),
        ext: ext.clone(),
        sound: shown.sound.into_owned(),
        badge: shown.badge,
        notify_mode: shown.notify_mode,
        badge_count: shown.badge_count,
        mentioned_user_id: mentioned_user_id.clone(),
        mentions_all,
    });
    let message = notification
        .as_ref()
        .map(|n| message_for(n, message_id.clone(), timestamp.unwrap_or_default()));
    Some(IncomingPush {
        vendor,
        conversation_type,
        conversation_id,
        sender_id,
        message_id,
        timestamp,
        ext,
        notification,
        message,
    })
}

/// A message the rules render to `notification` (on the device's own settings:
/// D1–D6 and the global sound still apply): the sender's description carries
/// the content (C5, which M4's prefix never precedes), the message's Android
/// title the title when it set one (T3), the sounds, badge and notify mode ride
/// in its push settings, and the mention (the receiver's id, "@all") in its own
/// fields, so D5 lets it through a conversation muted except for mentions (M2).
fn message_for(
    notification: &OfflinePushNotification,
    message_id: Option<String>,
    timestamp: i64,
) -> IncomingMessage {
    let is_group = notification.conversation_type == ConversationType::Group;
    let android_sound = match &notification.sound {
        PushSound::Custom { path } if validate::is_bundled_android_sound(path) => Some(path.clone()),
        _ => None,
    };
    IncomingMessage {
        message_id,
        conversation_type: notification.conversation_type,
        sender: MessageSender {
            user_id: notification.sender_id.clone(),
            nickname: notification.sender_nickname.clone(),
            name_card: None,
        },
        group: is_group.then(|| GroupInfo {
            group_id: notification.conversation_id.clone(),
            name: notification.group_name.clone(),
        }),
        elements: Vec::new(),
        push_settings: Some(MessagePushSettings {
            enabled: true,
            description: Some(notification.content.clone()).filter(|c| !c.is_empty()),
            ext: notification.ext.clone(),
            android: Some(AndroidPushSettings {
                title: (notification.title_source == TitleSource::Message)
                    .then(|| notification.title.clone()),
                sound: android_sound,
                notify_mode: Some(notification.notify_mode),
            }),
            ios: Some(IosPushSettings {
                sound: Some(notification.sound.clone()),
                badge_enabled: notification.badge,
            }),
        }),
        timestamp,
        mentioned_user_ids: notification.mentioned_user_id.iter().cloned().collect(),
        mentions_all: notification.mentions_all,
    }
}

/// What the device receives for `payload`, in the form its vendor hands it over.
pub fn delivered_form(payload: &VendorPayload) -> DeliveredPush {
    let body: Value = serde_json::from_str(&payload.json).unwrap_or(Value::Null);
    let string_map = |value: Option<&Value>| -> HashMap<String, String> {
        value
            .and_then(Value::as_object)
            .map(|map| {
                map.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let json_of = |value: Option<&Value>| DeliveredPush::Json {
        json: value.and_then(Value::as_str).unwrap_or_default().to_owned(),
    };
    match payload.vendor {
        PushVendor::Apns | PushVendor::ApnsVoip => DeliveredPush::Json {
            json: payload.json.clone(),
        },
        PushVendor::Fcm => DeliveredPush::Extras {
            extras: string_map(body.pointer("/message/data")),
        },
        PushVendor::Huawei => json_of(body.pointer("/message/data")),
        PushVendor::Honor => json_of(body.get("data")),
        PushVendor::Xiaomi => DeliveredPush::Extras {
            extras: string_map(Some(&body))
                .into_iter()
                .filter_map(|(k, v)| Some((k.strip_prefix("extra.")?.to_owned(), v)))
                .collect(),
        },
        PushVendor::Oppo => {
            let parameters = body
                .get("action_parameters")
                .and_then(Value::as_str)
                .and_then(|text| serde_json::from_str::<Value>(text).ok());
            DeliveredPush::Extras {
                extras: string_map(parameters.as_ref()),
            }
        }
        PushVendor::Vivo => DeliveredPush::Extras {
            extras: string_map(body.get("clientCustomMap")),
        },
        PushVendor::Meizu => DeliveredPush::Extras {
            extras: string_map(body.pointer("/clickTypeInfo/parameters")),
        },
    }
}
