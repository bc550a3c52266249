//! P1, P3: each vendor's send payload for a rendered notification, within the
//! vendor's limits (docs/VENDORS.md has the table and its sources).
//!
//! Every payload carries the push's own data under `offline_push` in the place
//! the vendor hands back to the app: the conversation, the sender, the message id,
//! the timestamp, the ext (base64, so any bytes travel in every vendor's strings)
//! and the notification as shown (`n`), so the device can open the right chat
//! on tap and `receive` the message (`read.rs`).

use super::config::{base_channel, check_config, resource_name, sound_channel_id};
use super::text::{self, Measure};
use super::CUSTOM_DATA_KEY;
use crate::error::Error;
use crate::json;
use crate::model::{
    ConversationType, NotifyMode, OfflinePushNotification, PushSound, PushVendor, ShortenedText, TitleSource,
    VendorConfig, VendorImportance, VendorPayload, VivoClassification,
};
use crate::rules::validate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// P1: what Xiaomi and Huawei show when the message set no title.
pub const NEW_MESSAGE_TITLE: &str = "a new message";

/// One vendor's limits (P3); where sources disagree, the stricter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VendorLimits {
    /// The title's longest length, in `measure` units.
    pub title: Option<usize>,
    /// The content's (body, description) longest length.
    pub content: Option<usize>,
    pub measure: Measure,
    /// The payload's JSON, in bytes.
    pub bytes: usize,
    /// The custom data's own limit in bytes, where the vendor sets one.
    pub custom_data_bytes: Option<usize>,
}

/// docs/VENDORS.md, "Limits".
pub fn limits(vendor: PushVendor) -> VendorLimits {
    let (title, content, measure, bytes, custom) = match vendor {
        PushVendor::Apns => (None, None, Measure::Utf16, 4_096, None),
        PushVendor::ApnsVoip => (None, None, Measure::Utf16, 5_120, None),
        PushVendor::Fcm => (None, None, Measure::Utf16, 4_096, None),
        PushVendor::Huawei | PushVendor::Honor => (Some(40), Some(80), Measure::Utf16, 4_096, None),
        PushVendor::Xiaomi => (Some(49), Some(127), Measure::Utf16, 4_096, None),
        PushVendor::Oppo => (Some(50), Some(128), Measure::Utf16, 4_096, None),
        PushVendor::Vivo => (Some(40), Some(100), Measure::Width, 4_096, None),
        PushVendor::Meizu => (Some(32), Some(100), Measure::Utf16, 4_096, Some(1_000)),
    };
    VendorLimits {
        title,
        content,
        measure,
        bytes,
        custom_data_bytes: custom,
    }
}

/// The notification as shown, carried for the device (`n` in the custom data).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(super) struct Shown {
    pub title: String,
    pub title_source: TitleSource,
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_nickname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    pub sound: PushSound,
    pub badge: bool,
    pub notify_mode: NotifyMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge_count: Option<u32>,
}

/// The custom data, version 1.
#[derive(Serialize)]
struct Carried<'a> {
    v: u32,
    #[serde(rename = "type")]
    conversation_type: ConversationType,
    id: &'a str,
    sender: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    msg: Option<&'a str>,
    ts: i64,
    #[serde(with = "json::base64_bytes", skip_serializing_if = "Option::is_none")]
    ext: &'a Option<Vec<u8>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<Shown>,
}

/// The texts a payload shows, and whether it carries the notification.
struct Draft<'a> {
    title: &'a str,
    content: &'a str,
    carry_notification: bool,
}

struct Builder<'a> {
    vendor: PushVendor,
    notification: &'a OfflinePushNotification,
    message_id: Option<&'a str>,
    timestamp: i64,
    config: VendorConfig,
    limits: VendorLimits,
}

impl Builder<'_> {
    fn custom_data(&self, draft: &Draft<'_>) -> String {
        let n = self.notification;
        let carried = Carried {
            v: 1,
            conversation_type: n.conversation_type,
            id: &n.conversation_id,
            sender: &n.sender_id,
            msg: self.message_id,
            ts: self.timestamp,
            ext: &n.ext,
            n: draft.carry_notification.then(|| Shown {
                title: draft.title.to_owned(),
                title_source: n.title_source,
                content: draft.content.to_owned(),
                sender_nickname: n.sender_nickname.clone(),
                group_name: n.group_name.clone(),
                sound: n.sound.clone(),
                badge: n.badge,
                notify_mode: n.notify_mode,
                badge_count: n.badge_count,
            }),
        };
        serde_json::to_string(&carried).unwrap_or_default()
    }

    /// P1 for the title shown by Xiaomi and Huawei.
    fn shown_title<'t>(&self, title: &'t str) -> &'t str {
        match (self.vendor, self.notification.title_source) {
            (PushVendor::Xiaomi | PushVendor::Huawei, TitleSource::Sender | TitleSource::Group) => {
                NEW_MESSAGE_TITLE
            }
            _ => title,
        }
    }

    /// The channel the notification plays its sound on (Android 8+).
    fn channel(&self) -> Result<String, Error> {
        let base = base_channel(&self.config, self.vendor)?;
        Ok(match &self.notification.sound {
            PushSound::Custom { path } => sound_channel_id(&base, path),
            PushSound::Default | PushSound::Silent => base,
        })
    }

    /// The payload for `draft`, and the custom data's size.
    fn body(&self, draft: &Draft<'_>) -> Result<(Value, usize), Error> {
        let data = self.custom_data(draft);
        let data_bytes = data.len();
        let carried: Value = serde_json::from_str(&data).unwrap_or(Value::Null);
        let n = self.notification;
        let title = self.shown_title(draft.title);
        let content = draft.content;
        let thread = format!("{}:{}", json::enum_text(&n.conversation_type), n.conversation_id);
        let wrapped = || json!({ CUSTOM_DATA_KEY: data }).to_string();
        let body = match self.vendor {
            PushVendor::Apns => json!({ "aps": aps(n, title, content, &thread), CUSTOM_DATA_KEY: carried }),
            PushVendor::ApnsVoip => json!({ CUSTOM_DATA_KEY: carried }),
            PushVendor::Fcm => {
                let mut notification = json!({
                    "title": title,
                    "body": content,
                    "channelId": self.channel()?,
                    "tag": thread,
                });
                if let Some(sound) = resource_sound(&n.sound) {
                    notification["sound"] = sound.into();
                }
                if let (true, Some(count)) = (n.badge, n.badge_count) {
                    notification["notificationCount"] = count.into();
                }
                json!({ "message": {
                    "android": { "notification": notification },
                    "apns": { "payload": { "aps": aps(n, title, content, &thread) } },
                    "data": { CUSTOM_DATA_KEY: data },
                }})
            }
            PushVendor::Huawei => {
                let mut notification = json!({
                    "title": title,
                    "body": content,
                    "channel_id": self.channel()?,
                    "click_action": { "type": 3 },
                    "tag": thread,
                });
                match resource_sound(&n.sound) {
                    Some(name) => {
                        notification["sound"] = format!("/raw/{name}").into();
                        notification["default_sound"] = false.into();
                    }
                    None => notification["default_sound"] = (n.sound == PushSound::Default).into(),
                }
                if let Some(importance) = self.config.huawei_importance {
                    notification["importance"] = importance_text(importance).into();
                }
                let mut android = json!({ "notification": notification });
                if let Some(category) = &self.config.huawei_category {
                    android["category"] = category.as_str().into();
                }
                json!({ "message": { "data": wrapped(), "android": android } })
            }
            PushVendor::Honor => {
                let mut notification = json!({
                    "title": title,
                    "body": content,
                    "clickAction": { "type": 3 },
                    "tag": thread,
                });
                if let Some(importance) = self.config.honor_importance {
                    notification["importance"] = importance_text(importance).into();
                }
                json!({ "data": wrapped(), "android": { "notification": notification } })
            }
            PushVendor::Xiaomi => {
                let mut form = Map::new();
                form.insert("title".into(), title.into());
                form.insert("description".into(), content.into());
                form.insert("pass_through".into(), "0".into());
                // -1: the default sound, vibration and light; 6: vibration and light only.
                let notify_type = if n.sound == PushSound::Default { "-1" } else { "6" };
                form.insert("notify_type".into(), notify_type.into());
                form.insert("extra.notify_effect".into(), "1".into());
                form.insert("extra.channel_id".into(), self.channel()?.into());
                if let PushSound::Custom { path } = &n.sound {
                    form.insert("extra.sound_uri".into(), path.as_str().into());
                }
                form.insert(format!("extra.{CUSTOM_DATA_KEY}"), data.into());
                Value::Object(form)
            }
            PushVendor::Oppo => json!({
                "title": title,
                "content": content,
                "channel_id": self.channel()?,
                "click_action_type": 0,
                "action_parameters": wrapped(),
            }),
            PushVendor::Vivo => {
                let mut body = json!({
                    // 4: ring and vibrate; 3: vibrate only.
                    "notifyType": if n.sound == PushSound::Silent { 3 } else { 4 },
                    "title": title,
                    "content": content,
                    "skipType": 1,
                    "clientCustomMap": { CUSTOM_DATA_KEY: data },
                });
                if let Some(classification) = self.config.vivo_classification {
                    body["classification"] = match classification {
                        VivoClassification::Operation => 0,
                        VivoClassification::System => 1,
                    }
                    .into();
                }
                if let Some(category) = &self.config.vivo_category {
                    body["category"] = category.as_str().into();
                }
                body
            }
            PushVendor::Meizu => json!({
                "noticeBarInfo": { "noticeBarType": 0, "title": title, "content": content },
                "clickTypeInfo": { "clickType": 0, "parameters": { CUSTOM_DATA_KEY: data } },
                "pushTimeInfo": { "offLine": 1, "validTime": 24 },
            }),
        };
        Ok((body, data_bytes))
    }

    /// The JSON text of `draft` if it is within every limit.
    fn fitting(&self, draft: &Draft<'_>) -> Result<Option<String>, Error> {
        let (body, data_bytes) = self.body(draft)?;
        let text = body.to_string();
        let within_data = self.limits.custom_data_bytes.is_none_or(|max| data_bytes <= max);
        Ok((text.len() <= self.limits.bytes && within_data).then_some(text))
    }
}

/// The `aps` dictionary: the alert, the sound (S2), the badge from the store's
/// count (B4), the conversation as `thread-id` so iOS groups by chat, and
/// `mutable-content` so the Notification Service Extension runs.
fn aps(n: &OfflinePushNotification, title: &str, content: &str, thread: &str) -> Value {
    let mut aps = json!({
        "alert": { "title": title, "body": content },
        "thread-id": thread,
        "mutable-content": 1,
    });
    match &n.sound {
        // An Android resource means nothing to iOS (an FCM payload carries both).
        PushSound::Custom { path } if !validate::is_bundled_android_sound(path) => {
            aps["sound"] = path.as_str().into()
        }
        PushSound::Default | PushSound::Custom { .. } => aps["sound"] = "default".into(),
        PushSound::Silent => {}
    }
    if let (true, Some(count)) = (n.badge, n.badge_count) {
        aps["badge"] = count.into();
    }
    aps
}

/// A custom Android sound as a resource name (`ding` of
/// `android.resource://app/raw/ding`); none for the default or silence.
fn resource_sound(sound: &PushSound) -> Option<&str> {
    match sound {
        PushSound::Custom { path } => Some(resource_name(path)).filter(|name| !name.is_empty()),
        PushSound::Default | PushSound::Silent => None,
    }
}

fn importance_text(importance: VendorImportance) -> &'static str {
    match importance {
        VendorImportance::Low => "LOW",
        VendorImportance::Normal => "NORMAL",
    }
}

fn length(text: &str, measure: Measure) -> u32 {
    u32::try_from(measure.length(text)).unwrap_or(u32::MAX)
}

/// P1, P3: `vendor`'s payload for `notification` (see the module documentation).
pub fn build(
    vendor: PushVendor,
    notification: &OfflinePushNotification,
    message_id: Option<&str>,
    timestamp: i64,
    config: &VendorConfig,
) -> Result<VendorPayload, Error> {
    if let Some(id) = message_id {
        crate::rules::limits::check("message_id", id.len(), crate::rules::limits::MAX_ID_BYTES)?;
    }
    let builder = Builder {
        vendor,
        notification,
        message_id: message_id.filter(|id| !id.is_empty()),
        timestamp,
        config: check_config(config.clone())?,
        limits: limits(vendor),
    };
    let measure = builder.limits.measure;
    // The field limits first; P1's title is within every limit.
    let title = match builder.limits.title {
        Some(max) => text::shorten(&notification.title, max, measure),
        None => notification.title.clone(),
    };
    let content = match builder.limits.content {
        Some(max) => text::shorten(&notification.content, max, measure),
        None => notification.content.clone(),
    };
    // Then the bytes: the content gives way first, then the title, then the
    // copy of the notification in the custom data; the ext never does.
    // A setting the vendor cannot do without is missing: say so first.
    builder.body(&Draft {
        title: "",
        content: "",
        carry_notification: false,
    })?;
    let fits = |title: &str, content: &str, carry_notification: bool| {
        let draft = Draft {
            title,
            content,
            carry_notification,
        };
        matches!(builder.fitting(&draft), Ok(Some(_)))
    };
    let mut chosen = None;
    for carry in [true, false] {
        if let Some(c) = text::longest_fitting(&content, |c| fits(&title, c, carry)) {
            chosen = Some((title.clone(), c, carry));
            break;
        }
        if let Some(t) = text::longest_fitting(&title, |t| fits(t, "", carry)) {
            chosen = Some((t, String::new(), carry));
            break;
        }
    }
    let Some((final_title, final_content, carried)) = chosen else {
        return Err(Error::InvalidArgument(format!(
            "the ext ({} bytes) and ids leave no room in a {vendor:?} payload ({} bytes at most{})",
            notification.ext.as_ref().map_or(0, Vec::len),
            builder.limits.bytes,
            builder
                .limits
                .custom_data_bytes
                .map_or(String::new(), |max| format!(", custom data {max}"))
        )));
    };
    let draft = Draft {
        title: &final_title,
        content: &final_content,
        carry_notification: carried,
    };
    let json = builder.fitting(&draft)?.unwrap_or_default();
    let mut shortened = Vec::new();
    for (field, original, now) in [
        ("title", &notification.title, &final_title),
        ("content", &notification.content, &final_content),
    ] {
        if original != now {
            shortened.push(ShortenedText {
                field: field.into(),
                original_length: length(original, measure),
                shortened_length: length(now, measure),
            });
        }
    }
    if !carried {
        shortened.push(ShortenedText {
            field: "carried notification".into(),
            original_length: 1,
            shortened_length: 0,
        });
    }
    Ok(VendorPayload {
        vendor,
        bytes: u32::try_from(json.len()).unwrap_or(u32::MAX),
        json,
        shortened,
    })
}
