//! L1–L5: the longest string of each kind the core takes (docs/RULES.md,
//! "Limits"), in bytes of UTF-8. What the app hands in over a limit is refused
//! with `invalid_argument` naming the field and the limit ([`check`]); what
//! comes from the network is never refused (§4): an id, a sound or an ext over
//! its limit counts as unset, a text is cut ([`bounded`]). Nothing is stored
//! beyond these sizes.

use crate::error::Error;
use crate::view::{
    AndroidView, ElementView, Elements, GroupView, IosView, MessageView, PushSettingsView, SenderView,
    SoundView,
};
use std::borrow::Cow;

/// L1: a user id, conversation or group id, message id, or channel id.
pub const MAX_ID_BYTES: usize = 256;
/// L2: a vendor token (no vendor's is longer: FCM's are about 160 characters).
pub const MAX_TOKEN_BYTES: usize = 4_096;
/// L3: a sound (an `android.resource://` URI, an iOS sound file's name).
pub const MAX_SOUND_BYTES: usize = 1_024;
/// L4: a text: a name, a description, a title, an element's text.
pub const MAX_TEXT_BYTES: usize = 4_096;
/// L5: a message's ext bytes.
pub const MAX_EXT_BYTES: usize = 4_096;

/// Refuses `length` bytes of `field` beyond `max`; the message names the field
/// and the limit, never the value (it may be a token).
pub fn check(field: &str, length: usize, max: usize) -> Result<(), Error> {
    if length > max {
        return Err(Error::InvalidArgument(format!(
            "{field} is {length} bytes long; at most {max} bytes are accepted"
        )));
    }
    Ok(())
}

/// An id from the network: unset (`""`) beyond L1, never cut (a cut id could
/// name another conversation).
fn id(value: &str) -> &str {
    if value.len() > MAX_ID_BYTES {
        ""
    } else {
        value
    }
}

/// A text from the network, cut to L4 at a character boundary.
pub fn text(value: &str) -> &str {
    if value.len() <= MAX_TEXT_BYTES {
        return value;
    }
    let mut end = MAX_TEXT_BYTES;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    &value[..end]
}

fn sound(value: &str) -> Option<&str> {
    (value.len() <= MAX_SOUND_BYTES).then_some(value)
}

fn within(value: Option<&str>, max: usize) -> bool {
    value.is_none_or(|v| v.len() <= max)
}

fn element_within(element: &ElementView<'_>) -> bool {
    match element {
        ElementView::Text(t) => t.len() <= MAX_TEXT_BYTES,
        ElementView::File(t) | ElementView::Location(t) | ElementView::Custom { desc: t, .. } => {
            within(*t, MAX_TEXT_BYTES)
        }
        ElementView::Sound(_) | ElementView::Image | ElementView::Video | ElementView::Face => true,
    }
}

fn element_bounded(element: ElementView<'_>) -> ElementView<'_> {
    match element {
        ElementView::Text(t) => ElementView::Text(text(t)),
        ElementView::File(t) => ElementView::File(t.map(text)),
        ElementView::Location(t) => ElementView::Location(t.map(text)),
        ElementView::Custom { desc, data } => ElementView::Custom {
            desc: desc.map(text),
            data,
        },
        other => other,
    }
}

/// Whether every string of `message` is within its limit (the usual case: then
/// [`bounded`] copies nothing).
fn is_within(message: &MessageView<'_>) -> bool {
    let sender = &message.sender;
    let push = message.push_settings;
    within(message.message_id, MAX_ID_BYTES)
        && sender.user_id.len() <= MAX_ID_BYTES
        && within(sender.nickname, MAX_TEXT_BYTES)
        && within(sender.name_card, MAX_TEXT_BYTES)
        && message
            .group
            .is_none_or(|g| g.group_id.len() <= MAX_ID_BYTES && within(g.name, MAX_TEXT_BYTES))
        && push.is_none_or(|p| {
            within(p.description, MAX_TEXT_BYTES)
                && p.ext.is_none_or(|e| e.len() <= MAX_EXT_BYTES)
                && p.android
                    .is_none_or(|a| within(a.title, MAX_TEXT_BYTES) && within(a.sound, MAX_SOUND_BYTES))
                && p.ios.is_none_or(|i| match i.sound {
                    Some(SoundView::Custom(path)) => path.len() <= MAX_SOUND_BYTES,
                    _ => true,
                })
        })
        && message.elements.iter().all(|e| element_within(&e))
}

/// A message from the network within L1–L5 (§4): an id, a sound or an ext over
/// its limit is unset, a text cut at its limit. Borrowed as it is when nothing
/// is over (checking costs a length comparison per string).
pub fn bounded<'a, 'm>(message: &'a MessageView<'m>) -> Cow<'a, MessageView<'m>> {
    if is_within(message) {
        return Cow::Borrowed(message);
    }
    let push = message.push_settings.map(|p| PushSettingsView {
        enabled: p.enabled,
        description: p.description.map(text),
        ext: p.ext.filter(|e| e.len() <= MAX_EXT_BYTES),
        android: p.android.map(|a| AndroidView {
            title: a.title.map(text),
            sound: a.sound.and_then(sound),
            notify_mode: a.notify_mode,
        }),
        ios: p.ios.map(|i| IosView {
            sound: i.sound.and_then(|s| match s {
                SoundView::Custom(path) => sound(path).map(SoundView::Custom),
                other => Some(other),
            }),
            badge_enabled: i.badge_enabled,
        }),
    });
    Cow::Owned(MessageView {
        message_id: message.message_id.map(id).filter(|i| !i.is_empty()),
        conversation_type: message.conversation_type,
        sender: SenderView {
            user_id: id(message.sender.user_id),
            nickname: message.sender.nickname.map(text),
            name_card: message.sender.name_card.map(text),
        },
        group: message.group.map(|g| GroupView {
            group_id: id(g.group_id),
            name: g.name.map(text),
        }),
        elements: Elements::Views(message.elements.iter().map(element_bounded).collect()),
        push_settings: push,
        timestamp: message.timestamp,
        // M1: an id over L1 or empty never matches a signed-in user's id.
        mentioned_user_ids: message.mentioned_user_ids.clone(),
        mentions_all: message.mentions_all,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        ConversationType, GroupInfo, IncomingMessage, MessageElement, MessagePushSettings, MessageSender,
    };

    fn long(n: usize) -> String {
        "界".repeat(n / 3 + 1)
    }

    #[test]
    fn l1_l5_a_message_within_every_limit_is_not_copied() {
        let message = IncomingMessage {
            message_id: Some("m".repeat(MAX_ID_BYTES)),
            conversation_type: ConversationType::C2c,
            sender: MessageSender {
                user_id: "u".repeat(MAX_ID_BYTES),
                nickname: Some(long(MAX_TEXT_BYTES - 3)),
                name_card: None,
            },
            group: None,
            elements: vec![MessageElement::Text {
                text: "t".repeat(MAX_TEXT_BYTES),
            }],
            push_settings: None,
            timestamp: 1,
            mentioned_user_ids: Vec::new(),
            mentions_all: false,
        };
        assert!(matches!(bounded(&message.view()), Cow::Borrowed(_)));
    }

    #[test]
    fn l1_l5_over_the_limits_ids_sounds_and_ext_are_unset_and_texts_cut_on_a_character() {
        let message = IncomingMessage {
            message_id: Some("m".repeat(MAX_ID_BYTES + 1)),
            conversation_type: ConversationType::Group,
            sender: MessageSender {
                user_id: "u".repeat(MAX_ID_BYTES + 1),
                nickname: Some(long(MAX_TEXT_BYTES)),
                name_card: Some("card".into()),
            },
            group: Some(GroupInfo {
                group_id: "g".repeat(MAX_ID_BYTES + 1),
                name: Some(long(MAX_TEXT_BYTES)),
            }),
            elements: vec![MessageElement::Text {
                text: long(MAX_TEXT_BYTES * 2),
            }],
            push_settings: Some(MessagePushSettings {
                ext: Some(vec![0; MAX_EXT_BYTES + 1]),
                description: Some(long(MAX_TEXT_BYTES)),
                ..MessagePushSettings::default()
            }),
            timestamp: 1,
            mentioned_user_ids: Vec::new(),
            mentions_all: false,
        };
        let view = message.view();
        let out = bounded(&view);
        assert_eq!(out.message_id, None);
        assert_eq!(out.sender.user_id, "");
        assert_eq!(out.group.unwrap().group_id, "");
        assert_eq!(out.sender.name_card, Some("card"));
        let nickname = out.sender.nickname.unwrap();
        assert!(nickname.len() <= MAX_TEXT_BYTES && nickname.len() > MAX_TEXT_BYTES - 3);
        assert!(long(MAX_TEXT_BYTES).starts_with(nickname));
        let push = out.push_settings.unwrap();
        assert_eq!(push.ext, None);
        assert!(push.description.unwrap().len() <= MAX_TEXT_BYTES);
        let ElementView::Text(t) = out.elements.iter().next().unwrap() else {
            panic!()
        };
        assert!(t.len() <= MAX_TEXT_BYTES);
    }

    #[test]
    fn l1_a_value_at_the_limit_passes_and_one_byte_more_is_refused_by_name() {
        assert!(check("user id", MAX_ID_BYTES, MAX_ID_BYTES).is_ok());
        let error = check("user id", MAX_ID_BYTES + 1, MAX_ID_BYTES).unwrap_err();
        assert_eq!(
            error.to_string(),
            "user id is 257 bytes long; at most 256 bytes are accepted"
        );
    }
}
