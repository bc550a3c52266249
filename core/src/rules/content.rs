//! C1–C5: the words of a notification, also used on their own for
//! conversation-list previews so both say the same thing.

use super::filled;
use super::mention::Mention;
use crate::model::{ConversationType, PushLocale};
use crate::view::{ElementView, MessageView, SenderView};
use std::borrow::Cow;

/// C1, C1-en: the placeholder an element without text of its own shows.
fn placeholder(element: ElementView<'_>, locale: PushLocale) -> &'static str {
    use ElementView::*;
    match (element, locale) {
        (Sound(_), PushLocale::ZhHans) => "[语音]",
        (Sound(_), PushLocale::En) => "[Voice]",
        (File(_), PushLocale::ZhHans) => "[文件]",
        (File(_), PushLocale::En) => "[File]",
        (Image, PushLocale::ZhHans) => "[图片]",
        (Image, PushLocale::En) => "[Image]",
        (Video, PushLocale::ZhHans) => "[视频]",
        (Video, PushLocale::En) => "[Video]",
        (Face, PushLocale::ZhHans) => "[表情]",
        (Face, PushLocale::En) => "[Sticker]",
        (Location(_), PushLocale::ZhHans) => "[位置]",
        (Location(_), PushLocale::En) => "[Location]",
        (Text(_) | Custom { .. }, _) => "",
    }
}

/// C1: the text of one element: a text is itself, a custom element is `[desc]`
/// (the brackets are `true`) or nothing when its desc is unset, the others are
/// their placeholder.
fn element_text<'a>(element: ElementView<'a>, locale: PushLocale) -> (&'a str, bool) {
    match element {
        ElementView::Text(text) => (text, false),
        ElementView::Custom { desc, .. } => match filled(desc) {
            Some(desc) => (desc, true),
            None => ("", false),
        },
        other => (placeholder(other, locale), false),
    }
}

/// C2's length in bytes, without building it.
fn message_content_len(message: &MessageView<'_>, locale: PushLocale) -> usize {
    message
        .elements
        .iter()
        .map(|e| match element_text(e, locale) {
            (text, false) => text.len(),
            (desc, true) => desc.len() + 2,
        })
        .sum()
}

/// D7's question: whether C2 has any text (without building it).
pub fn has_message_content(message: &MessageView<'_>, locale: PushLocale) -> bool {
    message.elements.iter().any(|e| {
        let (text, brackets) = element_text(e, locale);
        brackets || !text.is_empty()
    })
}

/// C2 appended to `out`: the element texts joined in order with no separator.
fn push_message_content(out: &mut String, message: &MessageView<'_>, locale: PushLocale) {
    for element in message.elements.iter() {
        match element_text(element, locale) {
            (text, false) => out.push_str(text),
            (desc, true) => {
                out.push('[');
                out.push_str(desc);
                out.push(']');
            }
        }
    }
}

/// C2: the message content. A message of one text element is that text,
/// borrowed; otherwise it is built in one allocation of its exact size.
pub fn message_content<'a>(message: &MessageView<'a>, locale: PushLocale) -> Cow<'a, str> {
    if let (1, Some(ElementView::Text(text))) = (message.elements.len(), message.elements.iter().next()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(message_content_len(message, locale));
    push_message_content(&mut out, message, locale);
    Cow::Owned(out)
}

/// F3: the sender's name in a group, if any: name card, else nickname.
pub fn group_nickname<'a>(sender: &SenderView<'a>) -> Option<&'a str> {
    filled(sender.name_card).or_else(|| filled(sender.nickname))
}

/// C4: the sender's display name in a group: name card, else nickname, else user id.
pub fn group_display_name<'a>(sender: &SenderView<'a>) -> &'a str {
    group_nickname(sender).unwrap_or(sender.user_id)
}

/// C1–C4: what the conversation list shows for a message (no description: C5
/// belongs to the notification only). A group's is built in one allocation.
pub fn preview<'a>(message: &MessageView<'a>, locale: PushLocale) -> Cow<'a, str> {
    match message.conversation_type {
        ConversationType::Group => {
            let name = group_display_name(&message.sender);
            let mut out = String::with_capacity(name.len() + 2 + message_content_len(message, locale));
            out.push_str(name);
            out.push_str(": ");
            push_message_content(&mut out, message, locale);
            Cow::Owned(out)
        }
        // C3; a system message never notifies (D2) and previews as its content.
        ConversationType::C2c | ConversationType::System => message_content(message, locale),
    }
}

/// C5: the sender's description, if set, which replaces the whole content.
pub fn description<'a>(message: &MessageView<'a>) -> Option<&'a str> {
    message.push_settings.and_then(|s| filled(s.description))
}

/// C1–C5 and M4: the notification content, the mention's prefix before C3/C4
/// but never before the sender's own words (C5).
pub fn notification_content<'a>(
    message: &MessageView<'a>,
    locale: PushLocale,
    mention: Mention<'_>,
) -> Cow<'a, str> {
    match description(message) {
        Some(description) => Cow::Borrowed(description),
        None => super::mention::prefixed(mention, locale, preview(message, locale)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GroupInfo, IncomingMessage, MessageElement, MessagePushSettings, MessageSender};

    const NOBODY: Mention<'static> = Mention {
        user: None,
        all: false,
    };

    fn message(conversation_type: ConversationType, elements: Vec<MessageElement>) -> IncomingMessage {
        IncomingMessage {
            message_id: None,
            conversation_type,
            sender: MessageSender {
                user_id: "alice".into(),
                nickname: Some("Alice".into()),
                name_card: None,
            },
            group: Some(GroupInfo {
                group_id: "g1".into(),
                name: None,
            }),
            elements,
            push_settings: None,
            timestamp: 0,
            mentioned_user_ids: Vec::new(),
            mentions_all: false,
        }
    }

    #[test]
    fn c1_c2_every_element_in_order_in_both_locales() {
        let m = message(
            ConversationType::C2c,
            vec![
                MessageElement::Text { text: "hi ".into() },
                MessageElement::Sound { duration_seconds: 3 },
                MessageElement::File {
                    file_name: Some("a.pdf".into()),
                },
                MessageElement::Image,
                MessageElement::Video,
                MessageElement::Face,
                MessageElement::Location {
                    description: Some("home".into()),
                },
                MessageElement::Custom {
                    desc: Some("红包".into()),
                    data: None,
                },
                MessageElement::Custom {
                    desc: Some(String::new()),
                    data: Some(vec![1]),
                },
            ],
        );
        assert_eq!(
            message_content(&m.view(), PushLocale::ZhHans),
            "hi [语音][文件][图片][视频][表情][位置][红包]"
        );
        assert_eq!(
            message_content(&m.view(), PushLocale::En),
            "hi [Voice][File][Image][Video][Sticker][Location][红包]"
        );
    }

    #[test]
    fn c4_display_name_falls_back_from_name_card_to_nickname_to_user_id() {
        let mut m = message(
            ConversationType::Group,
            vec![MessageElement::Text { text: "x".into() }],
        );
        assert_eq!(preview(&m.view(), PushLocale::ZhHans), "Alice: x");
        m.sender.name_card = Some("Ally".into());
        assert_eq!(preview(&m.view(), PushLocale::ZhHans), "Ally: x");
        m.sender.name_card = Some(String::new());
        m.sender.nickname = None;
        assert_eq!(preview(&m.view(), PushLocale::ZhHans), "alice: x");
    }

    #[test]
    fn c5_description_replaces_content_and_prefix_but_not_the_preview() {
        let mut m = message(ConversationType::Group, vec![MessageElement::Image]);
        m.push_settings = Some(MessagePushSettings {
            description: Some("New photo".into()),
            ..Default::default()
        });
        assert_eq!(
            notification_content(&m.view(), PushLocale::ZhHans, NOBODY),
            "New photo"
        );
        assert_eq!(preview(&m.view(), PushLocale::ZhHans), "Alice: [图片]");
    }
}
