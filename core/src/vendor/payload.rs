//! P1, P3: each vendor's send payload for a rendered notification, within the
//! vendor's limits (docs/VENDORS.md has the table and its sources).
//!
//! Every payload carries the push's own data under `offline_push` in the place
//! the vendor hands back to the app: the conversation, the sender, the message id,
//! the timestamp, the ext (base64, so any bytes travel in every vendor's strings)
//! and the notification as shown (`n`), so the device can open the right chat
//! on tap and `receive` the message (`read.rs`).

use super::config::{base_channel, check_config, resource_name, sound_channel_id};
use super::text::{self, Budget, Measure};
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

/// P1: what Xiaomi and Huawei show when the message set no title; also what a
/// vendor that refuses an empty or blank text shows instead of one (P5).
pub const NEW_MESSAGE_TITLE: &str = "a new message";

/// The longest a text may be, in the unit the vendor counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextLimit {
    pub max: usize,
    pub measure: Measure,
}

/// A vendor's own limit on the custom data (P3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomDataLimit {
    /// Bytes of the custom data's JSON (Meizu's `parameters`).
    Bytes(usize),
    /// UTF-16 units (Java's length) of the custom entry's key and value together
    /// (vivo's `clientCustomMap`, Xiaomi's `extra.*`).
    Utf16(usize),
}

/// One vendor's limits (P3, P5); where sources disagree, the stricter
/// (docs/VENDORS.md has each with its source).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VendorLimits {
    pub title: Option<TextLimit>,
    /// The content's (body, description).
    pub content: Option<TextLimit>,
    /// The payload's JSON, in bytes.
    pub bytes: usize,
    pub custom_data: Option<CustomDataLimit>,
    /// The vendor refuses an empty or blank title or content (P5).
    pub needs_text: bool,
}

/// docs/VENDORS.md, "Limits".
pub fn limits(vendor: PushVendor) -> VendorLimits {
    let utf16 = |max| {
        Some(TextLimit {
            max,
            measure: Measure::Utf16,
        })
    };
    let wide_twice = |max| {
        Some(TextLimit {
            max,
            measure: Measure::WideTwice,
        })
    };
    let vivo = |max| {
        Some(TextLimit {
            max,
            measure: Measure::Vivo,
        })
    };
    let (title, content, bytes, custom_data, needs_text) = match vendor {
        PushVendor::Apns => (None, None, 4_096, None, false),
        PushVendor::ApnsVoip => (None, None, 5_120, None, false),
        PushVendor::Fcm => (None, None, 4_000, None, false),
        PushVendor::Huawei => (utf16(40), utf16(80), 4_096, None, true),
        PushVendor::Honor => (wide_twice(60), utf16(80), 4_096, None, true),
        PushVendor::Xiaomi => (
            utf16(49),
            utf16(127),
            4_096,
            Some(CustomDataLimit::Utf16(1_024)),
            true,
        ),
        PushVendor::Oppo => (utf16(50), utf16(50), 4_096, None, true),
        PushVendor::Vivo => (
            vivo(40),
            vivo(100),
            4_096,
            Some(CustomDataLimit::Utf16(1_024)),
            true,
        ),
        PushVendor::Meizu => (
            utf16(32),
            utf16(100),
            4_096,
            Some(CustomDataLimit::Bytes(1_000)),
            true,
        ),
    };
    VendorLimits {
        title,
        content,
        bytes,
        custom_data,
        needs_text,
    }
}

/// A vendor's name as its documents write it.
fn vendor_name(vendor: PushVendor) -> &'static str {
    match vendor {
        PushVendor::Apns => "APNs",
        PushVendor::ApnsVoip => "APNs VoIP",
        PushVendor::Fcm => "FCM",
        PushVendor::Xiaomi => "Xiaomi",
        PushVendor::Huawei => "Huawei",
        PushVendor::Honor => "Honor",
        PushVendor::Oppo => "OPPO",
        PushVendor::Vivo => "vivo",
        PushVendor::Meizu => "Meizu",
    }
}

/// FCM's `notification_count` is a 32-bit signed integer.
const FCM_MAX_COUNT: u32 = i32::MAX as u32;

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

/// A built payload's sizes on the two scales its limits count: the body's bytes,
/// and the custom data in the vendor's own unit (0 without a custom-data limit).
type Sizes = [usize; 2];

struct Builder<'a> {
    vendor: PushVendor,
    notification: &'a OfflinePushNotification,
    message_id: Option<&'a str>,
    timestamp: i64,
    config: VendorConfig,
    limits: VendorLimits,
    /// The channel a sound plays on, computed once.
    channel: Option<String>,
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

    /// P1: Xiaomi and Huawei show `a new message` unless the message set a title.
    fn p1(&self) -> bool {
        matches!(self.vendor, PushVendor::Xiaomi | PushVendor::Huawei)
            && self.notification.title_source != TitleSource::Message
    }

    fn channel(&self) -> Result<String, Error> {
        self.channel.clone().ok_or(Error::NotConfigured(
            "OPPO shows no notification without a channel id: set oppo_channel_id",
        ))
    }

    /// The payload for `draft`, as JSON text, and its sizes.
    fn body(&self, draft: &Draft<'_>) -> Result<(String, Sizes), Error> {
        let data = self.custom_data(draft);
        let custom_units = match self.limits.custom_data {
            None => 0,
            Some(CustomDataLimit::Bytes(_)) => data.len(),
            Some(CustomDataLimit::Utf16(_)) => CUSTOM_DATA_KEY.len() + data.encode_utf16().count(),
        };
        let n = self.notification;
        let title = if self.p1() { NEW_MESSAGE_TITLE } else { draft.title };
        let content = draft.content;
        let thread = format!("{}:{}", json::enum_text(&n.conversation_type), n.conversation_id);
        let wrapped = || json!({ CUSTOM_DATA_KEY: data }).to_string();
        let body = match self.vendor {
            PushVendor::Apns | PushVendor::ApnsVoip => {
                // The custom data as an object beside `aps` (PushKit: alone).
                let mut text = String::with_capacity(data.len() + 256);
                text.push('{');
                if self.vendor == PushVendor::Apns {
                    text.push_str("\"aps\":");
                    text.push_str(&aps(n, title, content, &thread).to_string());
                    text.push(',');
                }
                text.push_str(&Value::from(CUSTOM_DATA_KEY).to_string());
                text.push(':');
                text.push_str(&data);
                text.push('}');
                let bytes = text.len();
                return Ok((text, [bytes, custom_units]));
            }
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
                    notification["notificationCount"] = count.min(FCM_MAX_COUNT).into();
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
        let text = body.to_string();
        let bytes = text.len();
        Ok((text, [bytes, custom_units]))
    }

    /// The room on each scale.
    fn room(&self) -> Sizes {
        let custom = match self.limits.custom_data {
            None => usize::MAX / 2,
            Some(CustomDataLimit::Bytes(max) | CustomDataLimit::Utf16(max)) => max,
        };
        [self.limits.bytes, custom]
    }

    /// What a piece of the title (or the content) adds on each scale: each time
    /// the vendor shows it (a string of the body), and its copy in the carried
    /// notification, nested as deep as the vendor nests the custom data.
    fn cost(&self, piece: &str, is_title: bool, carried: bool) -> Sizes {
        let shown = match (self.vendor, is_title) {
            (PushVendor::ApnsVoip, _) => 0,
            (_, true) if self.p1() => 0,
            (PushVendor::Fcm, _) => 2,
            _ => 1,
        };
        let (mut bytes, mut custom) = (shown * escaped_len(piece, 1), 0);
        if carried {
            bytes += escaped_len(piece, carried_depth(self.vendor));
            custom = match self.limits.custom_data {
                None => 0,
                Some(CustomDataLimit::Bytes(_)) => escaped_len(piece, 1),
                Some(CustomDataLimit::Utf16(_)) => escaped_utf16(piece),
            };
        }
        [bytes, custom]
    }

    /// What is left of `room` once `sizes` less the texts' own costs are taken.
    fn left(&self, sizes: Sizes, texts: [Sizes; 2]) -> Option<Sizes> {
        let room = self.room();
        let mut left = [0; 2];
        for i in 0..2 {
            let base = sizes[i] - texts[0][i] - texts[1][i];
            left[i] = room[i].checked_sub(base)?;
        }
        Some(left)
    }
}

/// How deep a vendor nests the carried notification's strings in JSON strings:
/// 1 in an object of the body, 2 in a JSON text that is a string of the body,
/// 3 in a JSON text inside such a string.
fn carried_depth(vendor: PushVendor) -> usize {
    match vendor {
        PushVendor::Apns | PushVendor::ApnsVoip => 1,
        PushVendor::Fcm | PushVendor::Xiaomi | PushVendor::Vivo | PushVendor::Meizu => 2,
        PushVendor::Huawei | PushVendor::Honor | PushVendor::Oppo => 3,
    }
}

/// The bytes `text` takes as a JSON string's content, escaped `depth` times over
/// (serde_json escapes `"`, `\\` and the controls below U+0020, nothing else).
fn escaped_len(text: &str, depth: usize) -> usize {
    text.bytes()
        .map(|b| {
            if b < 0x20 || b == b'"' || b == b'\\' {
                escaped_ascii(b, depth)
            } else {
                1
            }
        })
        .sum()
}

/// The UTF-16 units `text` takes as a JSON string's content (escaped once).
fn escaped_utf16(text: &str) -> usize {
    text.chars()
        .map(|c| {
            if c < ' ' || c == '"' || c == '\\' {
                escaped_ascii(c as u8, 1)
            } else {
                c.len_utf16()
            }
        })
        .sum()
}

/// An ASCII character's length escaped `depth` times (0 to 3), as serde_json
/// writes it: a table made once.
fn escaped_ascii(byte: u8, depth: usize) -> usize {
    static TABLE: std::sync::OnceLock<[[usize; 4]; 128]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        std::array::from_fn(|b| {
            let mut text = char::from(b as u8).to_string();
            std::array::from_fn(|d| {
                if d > 0 {
                    let quoted = Value::from(text.as_str()).to_string();
                    text = quoted[1..quoted.len() - 1].to_owned();
                }
                text.len()
            })
        })
    });
    table[usize::from(byte & 0x7f)][depth]
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

/// A text within its field limit, and never empty or blank where the vendor
/// refuses that (P5: `a new message` instead).
fn fielded(text: &str, limit: Option<TextLimit>, needs_text: bool) -> String {
    let text = if needs_text && text::is_blank(text) {
        NEW_MESSAGE_TITLE
    } else {
        text
    };
    match limit {
        Some(TextLimit { max, measure }) => text::shorten(text, max, measure),
        None => text.to_owned(),
    }
}

/// P1, P3, P5: `vendor`'s payload for `notification` (see the module documentation).
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
    // P4: what cannot be read back opens nothing on tap.
    for (field, id) in [
        ("conversation_id", &notification.conversation_id),
        ("sender_id", &notification.sender_id),
    ] {
        if id.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "the notification's {field} is empty: the app could not read the push back nor open a chat on tap"
            )));
        }
    }
    let config = check_config(config.clone())?;
    let channel = match base_channel(&config, vendor) {
        Ok(base) => Some(match &notification.sound {
            PushSound::Custom { path } => sound_channel_id(&base, path),
            PushSound::Default | PushSound::Silent => base,
        }),
        Err(_) => None,
    };
    let builder = Builder {
        vendor,
        notification,
        message_id: message_id.filter(|id| !id.is_empty()),
        timestamp,
        config,
        limits: limits(vendor),
        channel,
    };
    let needs_text = builder.limits.needs_text;
    // The field limits first (one pass each); P1's title is within every limit.
    let title = fielded(&notification.title, builder.limits.title, needs_text);
    let content = fielded(&notification.content, builder.limits.content, needs_text);
    // Then the sizes: the content gives way first, then the title, then the
    // copy of the notification in the custom data; the ext never does. The
    // cost of a text is exact (`Builder::cost`), so a draft is built at most
    // three times: as it is, without its carried copy, and as cut.
    let least = if needs_text { text::ELLIPSIS } else { "" };
    let mut chosen = None;
    for carry in [true, false] {
        let draft = Draft {
            title: &title,
            content: &content,
            carry_notification: carry,
        };
        let (json, sizes) = builder.body(&draft)?;
        let room = builder.room();
        if sizes[0] <= room[0] && sizes[1] <= room[1] {
            chosen = Some((json, title.clone(), content.clone(), carry));
            break;
        }
        let texts = [
            builder.cost(&title, true, carry),
            builder.cost(&content, false, carry),
        ];
        let Some(left) = builder.left(sizes, texts) else {
            continue;
        };
        let content_budget = Budget {
            room: [
                left[0] - texts[0][0].min(left[0]),
                left[1] - texts[0][1].min(left[1]),
            ],
            cost: |piece: &str| builder.cost(piece, false, carry),
        };
        let fits_with_title = texts[0][0] <= left[0] && texts[0][1] <= left[1];
        if let Some(cut) = fits_with_title
            .then(|| text::cut(&content, &content_budget, !needs_text))
            .flatten()
        {
            chosen = Some((String::new(), title.clone(), cut.text(), carry));
            break;
        }
        let least_content = builder.cost(least, false, carry);
        if least_content[0] > left[0] || least_content[1] > left[1] {
            continue;
        }
        let title_budget = Budget {
            room: [left[0] - least_content[0], left[1] - least_content[1]],
            cost: |piece: &str| builder.cost(piece, true, carry),
        };
        if let Some(cut) = text::cut(&title, &title_budget, !needs_text) {
            chosen = Some((String::new(), cut.text(), least.to_owned(), carry));
            break;
        }
    }
    let Some((mut json, final_title, final_content, carried)) = chosen else {
        return Err(no_room(&builder));
    };
    if json.is_empty() {
        let (text, sizes) = builder.body(&Draft {
            title: &final_title,
            content: &final_content,
            carry_notification: carried,
        })?;
        let room = builder.room();
        if sizes[0] > room[0] || sizes[1] > room[1] {
            // The costs are exact (tested for every vendor and every escape): never here.
            return Err(no_room(&builder));
        }
        json = text;
    }
    let mut shortened = Vec::new();
    for (field, original, now, limit) in [
        ("title", &notification.title, &final_title, builder.limits.title),
        (
            "content",
            &notification.content,
            &final_content,
            builder.limits.content,
        ),
    ] {
        let measure = limit.map_or(Measure::Utf16, |l| l.measure);
        if original != now && !(needs_text && text::is_blank(original)) {
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

/// Why no payload fits: what takes the room, named.
fn no_room(builder: &Builder<'_>) -> Error {
    let n = builder.notification;
    let ext = n.ext.as_ref().map_or(0, Vec::len);
    let sound = match &n.sound {
        PushSound::Custom { path } => path.len(),
        PushSound::Default | PushSound::Silent => 0,
    };
    let ids = n.conversation_id.len() + n.sender_id.len() + builder.message_id.map_or(0, str::len);
    let names =
        n.sender_nickname.as_ref().map_or(0, String::len) + n.group_name.as_ref().map_or(0, String::len);
    let what = [
        (ext, format!("the ext ({ext} bytes, sent in base64)")),
        (
            sound,
            format!("the sound ({sound} bytes, sent in its channel id and sound fields)"),
        ),
        (ids, format!("the ids ({ids} bytes)")),
        (names, format!("the sender's and group's names ({names} bytes)")),
    ]
    .into_iter()
    .max_by_key(|(size, _)| *size)
    .map(|(_, what)| what)
    .unwrap_or_default();
    let limit = match builder.limits.custom_data {
        None => String::new(),
        Some(CustomDataLimit::Bytes(max)) => format!(", custom data {max} bytes"),
        Some(CustomDataLimit::Utf16(max)) => format!(", custom data {max} characters"),
    };
    Error::InvalidArgument(format!(
        "{what} leaves no room for the texts: {} takes a payload of at most {} bytes{limit}",
        vendor_name(builder.vendor),
        builder.limits.bytes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendor::ALL_VENDORS;

    /// The cost model is exact: a text's cost is what it adds to the built body
    /// and custom data, for every vendor, with and without P1 and the carried
    /// copy, for every character serde_json escapes.
    #[test]
    fn p3_a_texts_cost_is_exactly_what_it_adds() {
        let nasty: String = (0u8..0x20)
            .map(char::from)
            .chain("\"\\/ a消😀e\u{301}\u{7f}\u{2028}".chars())
            .collect();
        for vendor in ALL_VENDORS {
            for title_source in [TitleSource::Message, TitleSource::Sender] {
                let notification = OfflinePushNotification {
                    title: String::new(),
                    title_source,
                    content: String::new(),
                    conversation_id: "c".into(),
                    conversation_type: ConversationType::C2c,
                    sender_id: "s".into(),
                    sender_nickname: None,
                    group_name: None,
                    ext: None,
                    sound: PushSound::Default,
                    badge: true,
                    notify_mode: NotifyMode::Normal,
                    badge_count: Some(1),
                };
                let config = VendorConfig {
                    oppo_channel_id: Some("chat".into()),
                    ..VendorConfig::default()
                };
                let builder = Builder {
                    vendor,
                    notification: &notification,
                    message_id: None,
                    timestamp: 0,
                    channel: base_channel(&config, vendor).ok(),
                    config,
                    limits: limits(vendor),
                };
                for carry in [true, false] {
                    let size = |title: &str, content: &str| {
                        builder
                            .body(&Draft {
                                title,
                                content,
                                carry_notification: carry,
                            })
                            .unwrap()
                            .1
                    };
                    let empty = size("", "");
                    for (is_title, sized) in [(true, size(&nasty, "")), (false, size("", &nasty))] {
                        let cost = builder.cost(&nasty, is_title, carry);
                        if builder.limits.custom_data.is_none() {
                            assert_eq!(
                                sized[0],
                                empty[0] + cost[0],
                                "{vendor:?} {title_source:?} {carry} {is_title}"
                            );
                        } else {
                            assert_eq!(
                                [sized[0], sized[1]],
                                [empty[0] + cost[0], empty[1] + cost[1]],
                                "{vendor:?} {title_source:?} {carry} {is_title}"
                            );
                        }
                    }
                }
            }
        }
    }
}
