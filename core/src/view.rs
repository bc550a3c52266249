//! Borrowed forms of the records the rules read and write: a message whose
//! strings are borrowed ([`MessageView`]) and a notification that borrows what
//! it repeats of the message ([`NotificationView`]).
//!
//! The rules work on these, so a render allocates only what it makes (the
//! content, when it is not one of the message's own strings). The public API
//! takes and returns the owned records of `model` ([`IncomingMessage::view`],
//! [`OutcomeView::into_owned`]); the fast paths (`ffi/`) read a view straight
//! out of the bytes the caller wrote.

use crate::model::{
    ConversationType, GroupInfo, IncomingMessage, MessageElement, MessagePushSettings, MessageSender,
    NotifyMode, OfflinePushNotification, PushSound, RenderOutcome, SuppressReason, TitleSource,
};
use std::borrow::Cow;

/// [`IncomingMessage`], borrowed.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageView<'a> {
    pub message_id: Option<&'a str>,
    pub conversation_type: ConversationType,
    pub sender: SenderView<'a>,
    pub group: Option<GroupView<'a>>,
    pub elements: Elements<'a>,
    pub push_settings: Option<PushSettingsView<'a>>,
    pub timestamp: i64,
    pub mentioned_user_ids: Mentioned<'a>,
    pub mentions_all: bool,
}

/// A message's mentioned user ids (M1): those of an owned message, or views read from bytes.
#[derive(Clone, Debug, PartialEq)]
pub enum Mentioned<'a> {
    Owned(&'a [String]),
    Views(Vec<&'a str>),
}

impl<'a> Mentioned<'a> {
    pub fn len(&self) -> usize {
        match self {
            Self::Owned(ids) => ids.len(),
            Self::Views(ids) => ids.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ids in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        let (owned, views) = match self {
            Self::Owned(ids) => (ids.iter(), [].iter()),
            Self::Views(ids) => ([].iter(), ids.iter()),
        };
        owned.map(String::as_str).chain(views.copied())
    }
}

/// [`MessageSender`], borrowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SenderView<'a> {
    pub user_id: &'a str,
    pub nickname: Option<&'a str>,
    pub name_card: Option<&'a str>,
}

/// [`GroupInfo`], borrowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GroupView<'a> {
    pub group_id: &'a str,
    pub name: Option<&'a str>,
}

/// [`MessagePushSettings`], borrowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PushSettingsView<'a> {
    pub enabled: bool,
    pub description: Option<&'a str>,
    pub ext: Option<&'a [u8]>,
    pub android: Option<AndroidView<'a>>,
    pub ios: Option<IosView<'a>>,
}

/// `AndroidPushSettings`, borrowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AndroidView<'a> {
    pub title: Option<&'a str>,
    pub sound: Option<&'a str>,
    pub notify_mode: Option<NotifyMode>,
}

/// `IosPushSettings`, borrowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IosView<'a> {
    pub sound: Option<SoundView<'a>>,
    pub badge_enabled: bool,
}

/// [`PushSound`], borrowed from the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SoundView<'a> {
    Default,
    Silent,
    Custom(&'a str),
}

/// [`MessageElement`], borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementView<'a> {
    Text(&'a str),
    Sound(u32),
    File(Option<&'a str>),
    Image,
    Video,
    Face,
    Location(Option<&'a str>),
    Custom {
        desc: Option<&'a str>,
        data: Option<&'a [u8]>,
    },
}

/// A message's elements: those of an owned message, or views read from bytes.
#[derive(Clone, Debug, PartialEq)]
pub enum Elements<'a> {
    Owned(&'a [MessageElement]),
    Views(Vec<ElementView<'a>>),
}

impl<'a> Elements<'a> {
    pub fn len(&self) -> usize {
        match self {
            Self::Owned(elements) => elements.len(),
            Self::Views(elements) => elements.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The elements in order.
    pub fn iter(&self) -> ElementsIter<'a, '_> {
        match self {
            Self::Owned(elements) => ElementsIter::Owned(elements.iter()),
            Self::Views(elements) => ElementsIter::Views(elements.iter()),
        }
    }
}

/// [`Elements::iter`].
pub enum ElementsIter<'a, 'e> {
    Owned(std::slice::Iter<'a, MessageElement>),
    Views(std::slice::Iter<'e, ElementView<'a>>),
}

impl<'a> Iterator for ElementsIter<'a, '_> {
    type Item = ElementView<'a>;

    #[inline]
    fn next(&mut self) -> Option<ElementView<'a>> {
        match self {
            Self::Owned(elements) => elements.next().map(ElementView::of),
            Self::Views(elements) => elements.next().copied(),
        }
    }
}

impl<'a> ElementView<'a> {
    #[inline]
    pub fn of(element: &'a MessageElement) -> Self {
        match element {
            MessageElement::Text { text } => Self::Text(text),
            MessageElement::Sound { duration_seconds } => Self::Sound(*duration_seconds),
            MessageElement::File { file_name } => Self::File(file_name.as_deref()),
            MessageElement::Image => Self::Image,
            MessageElement::Video => Self::Video,
            MessageElement::Face => Self::Face,
            MessageElement::Location { description } => Self::Location(description.as_deref()),
            MessageElement::Custom { desc, data } => Self::Custom {
                desc: desc.as_deref(),
                data: data.as_deref(),
            },
        }
    }

    pub fn to_owned(self) -> MessageElement {
        let owned = |s: Option<&str>| s.map(str::to_owned);
        match self {
            Self::Text(text) => MessageElement::Text {
                text: text.to_owned(),
            },
            Self::Sound(duration_seconds) => MessageElement::Sound { duration_seconds },
            Self::File(file_name) => MessageElement::File {
                file_name: owned(file_name),
            },
            Self::Image => MessageElement::Image,
            Self::Video => MessageElement::Video,
            Self::Face => MessageElement::Face,
            Self::Location(description) => MessageElement::Location {
                description: owned(description),
            },
            Self::Custom { desc, data } => MessageElement::Custom {
                desc: owned(desc),
                data: data.map(<[u8]>::to_vec),
            },
        }
    }
}

impl<'a> SoundView<'a> {
    pub fn of(sound: &'a PushSound) -> Self {
        match sound {
            PushSound::Default => Self::Default,
            PushSound::Silent => Self::Silent,
            PushSound::Custom { path } => Self::Custom(path),
        }
    }
}

impl IncomingMessage {
    /// This message, borrowed, as the rules read it.
    pub fn view(&self) -> MessageView<'_> {
        MessageView {
            message_id: self.message_id.as_deref(),
            conversation_type: self.conversation_type,
            sender: SenderView {
                user_id: &self.sender.user_id,
                nickname: self.sender.nickname.as_deref(),
                name_card: self.sender.name_card.as_deref(),
            },
            group: self.group.as_ref().map(|g| GroupView {
                group_id: &g.group_id,
                name: g.name.as_deref(),
            }),
            elements: Elements::Owned(&self.elements),
            mentioned_user_ids: Mentioned::Owned(&self.mentioned_user_ids),
            mentions_all: self.mentions_all,
            push_settings: self.push_settings.as_ref().map(|p| PushSettingsView {
                enabled: p.enabled,
                description: p.description.as_deref(),
                ext: p.ext.as_deref(),
                android: p.android.as_ref().map(|a| AndroidView {
                    title: a.title.as_deref(),
                    sound: a.sound.as_deref(),
                    notify_mode: a.notify_mode,
                }),
                ios: p.ios.as_ref().map(|i| IosView {
                    sound: i.sound.as_ref().map(SoundView::of),
                    badge_enabled: i.badge_enabled,
                }),
            }),
            timestamp: self.timestamp,
        }
    }
}

impl MessageView<'_> {
    /// The owned message (for a listener told of a suppressed message).
    pub fn to_owned(&self) -> IncomingMessage {
        let owned = |s: Option<&str>| s.map(str::to_owned);
        IncomingMessage {
            message_id: owned(self.message_id),
            conversation_type: self.conversation_type,
            sender: MessageSender {
                user_id: self.sender.user_id.to_owned(),
                nickname: owned(self.sender.nickname),
                name_card: owned(self.sender.name_card),
            },
            group: self.group.map(|g| GroupInfo {
                group_id: g.group_id.to_owned(),
                name: owned(g.name),
            }),
            elements: self.elements.iter().map(ElementView::to_owned).collect(),
            push_settings: self.push_settings.map(|p| MessagePushSettings {
                enabled: p.enabled,
                description: owned(p.description),
                ext: p.ext.map(<[u8]>::to_vec),
                android: p.android.map(|a| crate::model::AndroidPushSettings {
                    title: owned(a.title),
                    sound: owned(a.sound),
                    notify_mode: a.notify_mode,
                }),
                ios: p.ios.map(|i| crate::model::IosPushSettings {
                    sound: i.sound.map(|s| match s {
                        SoundView::Default => PushSound::Default,
                        SoundView::Silent => PushSound::Silent,
                        SoundView::Custom(path) => PushSound::Custom {
                            path: path.to_owned(),
                        },
                    }),
                    badge_enabled: i.badge_enabled,
                }),
            }),
            timestamp: self.timestamp,
            mentioned_user_ids: self.mentioned_user_ids.iter().map(str::to_owned).collect(),
            mentions_all: self.mentions_all,
        }
    }
}

/// [`OfflinePushNotification`], borrowing what it repeats of the message. The
/// content and a sound from the receiver's settings are `Cow`: new, or the
/// message's own.
#[derive(Clone, Debug, PartialEq)]
pub struct NotificationView<'a> {
    pub title: &'a str,
    pub title_source: TitleSource,
    pub content: Cow<'a, str>,
    pub conversation_id: &'a str,
    pub conversation_type: ConversationType,
    pub sender_id: &'a str,
    pub sender_nickname: Option<&'a str>,
    pub group_name: Option<&'a str>,
    pub ext: Option<&'a [u8]>,
    pub sound: OutSound<'a>,
    pub badge: bool,
    pub notify_mode: NotifyMode,
    pub badge_count: Option<u32>,
    pub mentioned_user_id: Option<&'a str>,
    pub mentions_all: bool,
}

/// A notification's sound: the message's own, or one of the receiver's settings (owned).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutSound<'a> {
    Default,
    Silent,
    Custom(Cow<'a, str>),
}

/// [`RenderOutcome`], borrowing from the message.
#[derive(Clone, Debug, PartialEq)]
pub enum OutcomeView<'a> {
    Show(NotificationView<'a>),
    Suppress(SuppressReason),
}

impl OutSound<'_> {
    pub fn into_owned(self) -> PushSound {
        match self {
            Self::Default => PushSound::Default,
            Self::Silent => PushSound::Silent,
            Self::Custom(path) => PushSound::Custom {
                path: path.into_owned(),
            },
        }
    }
}

impl NotificationView<'_> {
    pub fn into_owned(self) -> OfflinePushNotification {
        OfflinePushNotification {
            title: self.title.to_owned(),
            title_source: self.title_source,
            content: self.content.into_owned(),
            conversation_id: self.conversation_id.to_owned(),
            conversation_type: self.conversation_type,
            sender_id: self.sender_id.to_owned(),
            sender_nickname: self.sender_nickname.map(str::to_owned),
            group_name: self.group_name.map(str::to_owned),
            ext: self.ext.map(<[u8]>::to_vec),
            sound: self.sound.into_owned(),
            badge: self.badge,
            notify_mode: self.notify_mode,
            badge_count: self.badge_count,
            mentioned_user_id: self.mentioned_user_id.map(str::to_owned),
            mentions_all: self.mentions_all,
        }
    }
}

impl OutcomeView<'_> {
    pub fn into_owned(self) -> RenderOutcome {
        match self {
            Self::Show(notification) => RenderOutcome::Show {
                notification: notification.into_owned(),
            },
            Self::Suppress(reason) => RenderOutcome::Suppress { reason },
        }
    }
}
