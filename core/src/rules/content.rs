//! C1–C5: the words of a notification, also used on their own for
//! conversation-list previews so both say the same thing.

use super::filled;
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

/// C1: appends the text of one element: a text is itself, a custom element is
/// `[desc]` or nothing when its desc is unset, the others are their placeholder.
fn push_element_text(out: &mut String, element: ElementView<'_>, locale: PushLocale) {
    match element {
        ElementView::Text(text) => out.push_str(text),
        ElementView::Custom { desc, .. } => {
            if let Some(desc) = filled(desc) {
                out.push('[');
                out.push_str(desc);
                out.push(']');
            }
        }
        other => out.push_str(placeholder(other, locale)),
    }
}

/// C2: the message content, the element texts joined in order with no
/// separator. A message of one text element is that text, borrowed.
pub fn message_content<'a>(message: &MessageView<'a>, locale: PushLocale) -> Cow<'a, str> {
    let mut elements = message.elements.iter();
    if let (1, Some(ElementView::Text(text))) = (message.elements.len(), elements.next()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    for element in message.elements.iter() {
        push_element_text(&mut out, element, locale);
    }
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

/// C3, C4 from an already computed message content (C2).
fn conversation_content<'a>(message: &MessageView<'a>, content: Cow<'a, str>) -> Cow<'a, str> {
    match message.conversation_type {
        ConversationType::Group => {
            let name = group_display_name(&message.sender);
            let mut out = String::with_capacity(name.len() + 2 + content.len());
            out.push_str(name);
            out.push_str(": ");
            out.push_str(&content);
            Cow::Owned(out)
        }
        // C3; a system message never notifies (D2) and previews as its content.
        ConversationType::C2c | ConversationType::System => content,
    }
}

/// C1–C4: what the conversation list shows for a message (no description: C5
/// belongs to the notification only).
pub fn preview<'a>(message: &MessageView<'a>, locale: PushLocale) -> Cow<'a, str> {
    conversation_content(message, message_content(message, locale))
}

/// C5: the sender's description, if set, which replaces the whole content.
pub fn description<'a>(message: &MessageView<'a>) -> Option<&'a str> {
    message.push_settings.and_then(|s| filled(s.description))
}

/// C1–C5: the notification content, given the message content (C2) already
/// computed by the caller for D7.
pub fn notification_content<'a>(message: &MessageView<'a>, content: Cow<'a, str>) -> Cow<'a, str> {
    match description(message) {
        Some(description) => Cow::Borrowed(description),
        None => conversation_content(message, content),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GroupInfo, IncomingMessage, MessageElement, MessagePushSettings, MessageSender};

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
        let content = message_content(&m.view(), PushLocale::ZhHans);
        assert_eq!(notification_content(&m.view(), content), "New photo");
        assert_eq!(preview(&m.view(), PushLocale::ZhHans), "Alice: [图片]");
    }
}
