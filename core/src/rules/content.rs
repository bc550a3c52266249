//! C1–C5: the words of a notification, also used on their own for
//! conversation-list previews so both say the same thing.

use super::non_empty;
use crate::model::{ConversationType, IncomingMessage, MessageElement, MessageSender, PushLocale};

/// C1, C1-en: the placeholder an element without text of its own shows.
fn placeholder(element: &MessageElement, locale: PushLocale) -> &'static str {
    use MessageElement::*;
    match (element, locale) {
        (Sound { .. }, PushLocale::ZhHans) => "[语音]",
        (Sound { .. }, PushLocale::En) => "[Voice]",
        (File { .. }, PushLocale::ZhHans) => "[文件]",
        (File { .. }, PushLocale::En) => "[File]",
        (Image, PushLocale::ZhHans) => "[图片]",
        (Image, PushLocale::En) => "[Image]",
        (Video, PushLocale::ZhHans) => "[视频]",
        (Video, PushLocale::En) => "[Video]",
        (Face, PushLocale::ZhHans) => "[表情]",
        (Face, PushLocale::En) => "[Sticker]",
        (Location { .. }, PushLocale::ZhHans) => "[位置]",
        (Location { .. }, PushLocale::En) => "[Location]",
        (Text { .. } | Custom { .. }, _) => "",
    }
}

/// C1: appends the text of one element: a text is itself, a custom element is
/// `[desc]` or nothing when its desc is unset, the others are their placeholder.
fn push_element_text(out: &mut String, element: &MessageElement, locale: PushLocale) {
    match element {
        MessageElement::Text { text } => out.push_str(text),
        MessageElement::Custom { desc, .. } => {
            if let Some(desc) = non_empty(desc) {
                out.push('[');
                out.push_str(desc);
                out.push(']');
            }
        }
        other => out.push_str(placeholder(other, locale)),
    }
}

/// C2: the message content, the element texts joined in order with no separator.
pub fn message_content(message: &IncomingMessage, locale: PushLocale) -> String {
    let mut out = String::new();
    for element in &message.elements {
        push_element_text(&mut out, element, locale);
    }
    out
}

/// F3: the sender's name in a group, if any: name card, else nickname.
pub fn group_nickname(sender: &MessageSender) -> Option<&str> {
    non_empty(&sender.name_card).or_else(|| non_empty(&sender.nickname))
}

/// C4: the sender's display name in a group: name card, else nickname, else user id.
pub fn group_display_name(sender: &MessageSender) -> &str {
    group_nickname(sender).unwrap_or(&sender.user_id)
}

/// C3, C4 from an already computed message content (C2).
fn conversation_content(message: &IncomingMessage, content: String) -> String {
    match message.conversation_type {
        ConversationType::Group => {
            let name = group_display_name(&message.sender);
            let mut out = String::with_capacity(name.len() + 2 + content.len());
            out.push_str(name);
            out.push_str(": ");
            out.push_str(&content);
            out
        }
        // C3; a system message never notifies (D2) and previews as its content.
        ConversationType::C2c | ConversationType::System => content,
    }
}

/// C1–C4: what the conversation list shows for a message (no description: C5
/// belongs to the notification only).
pub fn preview(message: &IncomingMessage, locale: PushLocale) -> String {
    conversation_content(message, message_content(message, locale))
}

/// C5: the sender's description, if set, which replaces the whole content.
pub fn description(message: &IncomingMessage) -> Option<&str> {
    message
        .push_settings
        .as_ref()
        .and_then(|s| non_empty(&s.description))
}

/// C1–C5: the notification content, given the message content (C2) already
/// computed by the caller for D7.
pub fn notification_content(message: &IncomingMessage, content: String) -> String {
    match description(message) {
        Some(description) => description.to_owned(),
        None => conversation_content(message, content),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GroupInfo, MessagePushSettings};

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
            message_content(&m, PushLocale::ZhHans),
            "hi [语音][文件][图片][视频][表情][位置][红包]"
        );
        assert_eq!(
            message_content(&m, PushLocale::En),
            "hi [Voice][File][Image][Video][Sticker][Location][红包]"
        );
    }

    #[test]
    fn c4_display_name_falls_back_from_name_card_to_nickname_to_user_id() {
        let mut m = message(
            ConversationType::Group,
            vec![MessageElement::Text { text: "x".into() }],
        );
        assert_eq!(preview(&m, PushLocale::ZhHans), "Alice: x");
        m.sender.name_card = Some("Ally".into());
        assert_eq!(preview(&m, PushLocale::ZhHans), "Ally: x");
        m.sender.name_card = Some(String::new());
        m.sender.nickname = None;
        assert_eq!(preview(&m, PushLocale::ZhHans), "alice: x");
    }

    #[test]
    fn c5_description_replaces_content_and_prefix_but_not_the_preview() {
        let mut m = message(ConversationType::Group, vec![MessageElement::Image]);
        m.push_settings = Some(MessagePushSettings {
            description: Some("New photo".into()),
            ..Default::default()
        });
        let content = message_content(&m, PushLocale::ZhHans);
        assert_eq!(notification_content(&m, content), "New photo");
        assert_eq!(preview(&m, PushLocale::ZhHans), "Alice: [图片]");
    }
}
