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
    ConversationType, FcmDelivery, NotifyMode, OfflinePushNotification, PushSound, PushVendor, ShortenedText,
    TitleSource, VendorConfig, VendorImportance, VendorPayload, VivoClassification,
};
use crate::rules::validate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;

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

/// The notification as shown, carried for the device (`n` in the custom data):
/// borrowed when written, owned when read back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(super) struct Shown<'a> {
    pub title: Cow<'a, str>,
    pub title_source: TitleSource,
    pub content: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_nickname: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<Cow<'a, str>>,
    pub sound: Cow<'a, PushSound>,
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
    /// M5: the receiver's id when the message mentions them, and "@all".
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    all: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<Shown<'a>>,
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
    /// The channel the notification plays on (Android 8+: a custom sound's own).
    channel: String,
}

impl Builder<'_> {
    fn custom_data<'d>(&'d self, draft: &Draft<'d>) -> String {
        let n = self.notification;
        let carried = Carried {
            v: 1,
            conversation_type: n.conversation_type,
            id: &n.conversation_id,
            sender: &n.sender_id,
            msg: self.message_id,
            ts: self.timestamp,
            ext: &n.ext,
            at: n.mentioned_user_id.as_deref(),
            all: n.mentions_all,
            n: draft.carry_notification.then(|| Shown {
                title: Cow::Borrowed(draft.title),
                title_source: n.title_source,
                content: Cow::Borrowed(draft.content),
                sender_nickname: n.sender_nickname.as_deref().map(Cow::Borrowed),
                group_name: n.group_name.as_deref().map(Cow::Borrowed),
                sound: Cow::Borrowed(&n.sound),
                badge: n.badge,
                notify_mode: n.notify_mode,
                badge_count: n.badge_count,
            }),
        };
        serde_json::to_string(&carried).unwrap_or_default()
    }

    /// W4: FCM as a data message (the default): nothing for the system to show.
    fn fcm_data(&self) -> bool {
        self.vendor == PushVendor::Fcm && self.config.fcm_delivery.unwrap_or_default() == FcmDelivery::Data
    }

    /// P1: Xiaomi and Huawei show `a new message` unless the message set a title.
    fn p1(&self) -> bool {
        matches!(self.vendor, PushVendor::Xiaomi | PushVendor::Huawei)
            && self.notification.title_source != TitleSource::Message
    }

    /// The payload for `draft`, as JSON text, and its sizes. Written straight
    /// out, field by field in the order the vendor's document lists them.
    fn body(&self, draft: &Draft<'_>) -> (String, Sizes) {
        let data = self.custom_data(draft);
        let custom_units = match self.limits.custom_data {
            None => 0,
            Some(CustomDataLimit::Bytes(_)) => data.len(),
            Some(CustomDataLimit::Utf16(_)) => CUSTOM_DATA_KEY.len() + data.encode_utf16().count(),
        };
        let n = self.notification;
        let title = if self.p1() { NEW_MESSAGE_TITLE } else { draft.title };
        let content = draft.content;
        let mut thread = String::with_capacity(8 + n.conversation_id.len());
        thread.push_str(match n.conversation_type {
            ConversationType::C2c => "c2c",
            ConversationType::Group => "group",
            ConversationType::System => "system",
        });
        thread.push(':');
        thread.push_str(&n.conversation_id);
        let mut w = Writer(Vec::with_capacity(
            512 + 2 * data.len() + 3 * (title.len() + content.len()),
        ));
        // `{"offline_push":"<data>"}` as the string some vendors take it in.
        let wrapped = || {
            let mut inner = Writer(Vec::with_capacity(data.len() * 2 + 20));
            inner.raw("{");
            inner.key(CUSTOM_DATA_KEY);
            inner.string(&data);
            inner.raw("}");
            inner.into_string()
        };
        match self.vendor {
            PushVendor::Apns => {
                w.raw("{");
                w.key("aps");
                aps(&mut w, n, title, content, &thread, n.badge_count);
                w.raw(",");
                w.key(CUSTOM_DATA_KEY);
                w.raw(&data);
                w.raw("}");
            }
            PushVendor::ApnsVoip => {
                w.raw("{");
                w.key(CUSTOM_DATA_KEY);
                w.raw(&data);
                w.raw("}");
            }
            PushVendor::Fcm if self.fcm_data() => {
                // High priority: delivered at once to a dozing device, and the
                // app's messaging service runs (W4).
                w.raw("{\"message\":{\"android\":{\"priority\":\"HIGH\"},\"data\":{");
                w.key(CUSTOM_DATA_KEY);
                w.string(&data);
                w.raw("}}}");
            }
            PushVendor::Fcm => {
                w.raw("{\"message\":{\"android\":{\"notification\":{");
                w.key("title");
                w.string(title);
                w.raw(",");
                w.key("body");
                w.string(content);
                w.raw(",");
                w.key("channelId");
                w.string(&self.channel);
                w.raw(",");
                w.key("tag");
                w.string(&thread);
                if let Some(sound) = resource_sound(&n.sound) {
                    w.raw(",");
                    w.key("sound");
                    w.string(sound);
                }
                if let (true, Some(count)) = (n.badge, n.badge_count) {
                    w.raw(",");
                    w.key("notificationCount");
                    w.number(count.min(FCM_MAX_COUNT));
                }
                w.raw("}},\"apns\":{\"payload\":{");
                w.key("aps");
                aps(&mut w, n, title, content, &thread, n.badge_count);
                w.raw("}},\"data\":{");
                w.key(CUSTOM_DATA_KEY);
                w.string(&data);
                w.raw("}}}");
            }
            PushVendor::Huawei => {
                w.raw("{\"message\":{");
                w.key("data");
                w.string(&wrapped());
                w.raw(",\"android\":{");
                if let Some(category) = &self.config.huawei_category {
                    w.key("category");
                    w.string(category);
                    w.raw(",");
                }
                w.raw("\"notification\":{");
                w.key("title");
                w.string(title);
                w.raw(",");
                w.key("body");
                w.string(content);
                w.raw(",");
                w.key("channel_id");
                w.string(&self.channel);
                w.raw(",\"click_action\":{\"type\":3},");
                w.key("tag");
                w.string(&thread);
                match resource_sound(&n.sound) {
                    Some(name) => {
                        w.raw(",\"sound\":\"/raw/");
                        w.string_content(name);
                        w.raw("\",\"default_sound\":false");
                    }
                    None if n.sound == PushSound::Default => w.raw(",\"default_sound\":true"),
                    None => w.raw(",\"default_sound\":false"),
                }
                if let Some(importance) = self.config.huawei_importance {
                    w.raw(",");
                    w.key("importance");
                    w.string(importance_text(importance));
                }
                w.raw("}}}}");
            }
            PushVendor::Honor => {
                w.raw("{");
                w.key("data");
                w.string(&wrapped());
                w.raw(",\"android\":{\"notification\":{");
                w.key("title");
                w.string(title);
                w.raw(",");
                w.key("body");
                w.string(content);
                w.raw(",\"clickAction\":{\"type\":3},");
                w.key("tag");
                w.string(&thread);
                if let Some(importance) = self.config.honor_importance {
                    w.raw(",");
                    w.key("importance");
                    w.string(importance_text(importance));
                }
                w.raw("}}}");
            }
            PushVendor::Xiaomi => {
                w.raw("{");
                w.key("title");
                w.string(title);
                w.raw(",");
                w.key("description");
                w.string(content);
                // -1: the default sound, vibration and light; 6: vibration and light only.
                let notify_type = if n.sound == PushSound::Default { "-1" } else { "6" };
                w.raw(",\"pass_through\":\"0\",\"notify_type\":\"");
                w.raw(notify_type);
                w.raw("\",\"extra.notify_effect\":\"1\",");
                w.key("extra.channel_id");
                w.string(&self.channel);
                if let PushSound::Custom { path } = &n.sound {
                    w.raw(",");
                    w.key("extra.sound_uri");
                    w.string(path);
                }
                w.raw(",");
                w.key(&format!("extra.{CUSTOM_DATA_KEY}"));
                w.string(&data);
                w.raw("}");
            }
            PushVendor::Oppo => {
                w.raw("{");
                w.key("title");
                w.string(title);
                w.raw(",");
                w.key("content");
                w.string(content);
                w.raw(",");
                w.key("channel_id");
                w.string(&self.channel);
                w.raw(",\"click_action_type\":0,");
                w.key("action_parameters");
                w.string(&wrapped());
                w.raw("}");
            }
            PushVendor::Vivo => {
                // 4: ring and vibrate; 3: vibrate only.
                let notify_type = if n.sound == PushSound::Silent { 3 } else { 4 };
                w.raw("{\"notifyType\":");
                w.number(notify_type);
                w.raw(",");
                w.key("title");
                w.string(title);
                w.raw(",");
                w.key("content");
                w.string(content);
                w.raw(",\"skipType\":1,");
                if let Some(classification) = self.config.vivo_classification {
                    w.key("classification");
                    w.number(match classification {
                        VivoClassification::Operation => 0,
                        VivoClassification::System => 1,
                    });
                    w.raw(",");
                }
                if let Some(category) = &self.config.vivo_category {
                    w.key("category");
                    w.string(category);
                    w.raw(",");
                }
                w.raw("\"clientCustomMap\":{");
                w.key(CUSTOM_DATA_KEY);
                w.string(&data);
                w.raw("}}");
            }
            PushVendor::Meizu => {
                w.raw("{\"noticeBarInfo\":{\"noticeBarType\":0,");
                w.key("title");
                w.string(title);
                w.raw(",");
                w.key("content");
                w.string(content);
                w.raw("},\"clickTypeInfo\":{\"clickType\":0,\"parameters\":{");
                w.key(CUSTOM_DATA_KEY);
                w.string(&data);
                w.raw("}},\"pushTimeInfo\":{\"offLine\":1,\"validTime\":24}}");
            }
        }
        let text = w.into_string();
        let bytes = text.len();
        (text, [bytes, custom_units])
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
            (PushVendor::Fcm, _) if self.fcm_data() => 0,
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
}

/// `a - b` on each scale, unless `b` is more somewhere.
fn minus(a: Sizes, b: Sizes) -> Option<Sizes> {
    Some([a[0].checked_sub(b[0])?, a[1].checked_sub(b[1])?])
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
fn aps(
    w: &mut Writer,
    n: &OfflinePushNotification,
    title: &str,
    content: &str,
    thread: &str,
    count: Option<u32>,
) {
    w.raw("{\"alert\":{");
    w.key("title");
    w.string(title);
    w.raw(",");
    w.key("body");
    w.string(content);
    w.raw("},");
    w.key("thread-id");
    w.string(thread);
    w.raw(",\"mutable-content\":1");
    match &n.sound {
        // An Android resource means nothing to iOS (an FCM payload carries both).
        PushSound::Custom { path } if !validate::is_bundled_android_sound(path) => {
            w.raw(",");
            w.key("sound");
            w.string(path);
        }
        PushSound::Default | PushSound::Custom { .. } => w.raw(",\"sound\":\"default\""),
        PushSound::Silent => {}
    }
    if let (true, Some(count)) = (n.badge, count) {
        w.raw(",");
        w.key("badge");
        w.number(count);
    }
    w.raw("}");
}

/// A JSON text written in order: strings escaped as serde_json escapes them
/// (the cost model counts on exactly that).
struct Writer(Vec<u8>);

impl Writer {
    fn raw(&mut self, text: &str) {
        self.0.extend_from_slice(text.as_bytes());
    }

    fn string(&mut self, text: &str) {
        // Writing into a Vec cannot fail.
        let _ = serde::Serializer::serialize_str(&mut serde_json::Serializer::new(&mut self.0), text);
    }

    /// A string's escaped content, without its quotes.
    fn string_content(&mut self, text: &str) {
        let start = self.0.len();
        self.string(text);
        self.0.pop();
        self.0.remove(start);
    }

    fn key(&mut self, key: &str) {
        self.string(key);
        self.0.push(b':');
    }

    fn number(&mut self, value: u32) {
        self.raw(&value.to_string());
    }

    fn into_string(self) -> String {
        // Only whole UTF-8 strings and ASCII were written.
        String::from_utf8(self.0).unwrap_or_default()
    }
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
    // A setting the vendor cannot do without is missing: say so first.
    let base = base_channel(&config, vendor)?;
    let channel = match &notification.sound {
        PushSound::Custom { path } => sound_channel_id(&base, path),
        PushSound::Default | PushSound::Silent => base,
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
    let room = builder.room();
    let mut chosen = None;
    for carry in [true, false] {
        let draft = Draft {
            title: &title,
            content: &content,
            carry_notification: carry,
        };
        let (json, sizes) = builder.body(&draft);
        if minus(room, sizes).is_some() {
            chosen = Some((Some(json), title.clone(), content.clone(), carry));
            break;
        }
        let title_cost = builder.cost(&title, true, carry);
        let content_cost = builder.cost(&content, false, carry);
        // What the body takes without its texts, and the room that leaves them.
        let base = minus(sizes, title_cost).and_then(|rest| minus(rest, content_cost));
        let Some(left) = base.and_then(|base| minus(room, base)) else {
            continue;
        };
        if let Some(room) = minus(left, title_cost) {
            let budget = Budget {
                room,
                cost: |piece: &str| builder.cost(piece, false, carry),
            };
            if let Some(cut) = text::cut(&content, &budget, !needs_text) {
                chosen = Some((None, title.clone(), cut.text(), carry));
                break;
            }
        }
        let Some(room) = minus(left, builder.cost(least, false, carry)) else {
            continue;
        };
        let budget = Budget {
            room,
            cost: |piece: &str| builder.cost(piece, true, carry),
        };
        if let Some(cut) = text::cut(&title, &budget, !needs_text) {
            chosen = Some((None, cut.text(), least.to_owned(), carry));
            break;
        }
    }
    let Some((built, final_title, final_content, carried)) = chosen else {
        return Err(no_room(&builder));
    };
    let json = match built {
        Some(json) => json,
        None => {
            let (json, sizes) = builder.body(&Draft {
                title: &final_title,
                content: &final_content,
                carry_notification: carried,
            });
            if minus(room, sizes).is_none() {
                // The costs are exact (tested for every vendor and every escape): never here.
                return Err(no_room(&builder));
            }
            json
        }
    };
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
                    mentioned_user_id: None,
                    mentions_all: false,
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
                    channel: base_channel(&config, vendor).unwrap(),
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
