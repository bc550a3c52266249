//! The whole notification: title (T1–T3), content (C1–C5), fields (F1–F5),
//! sound (S1, S2), badge (B1) and notify mode (N1), after the decision (D1–D7).

use super::decide::{conversation_id, decide, RenderContext};
use super::validate::{android_sound_if_valid, ios_sound_if_set};
use super::{content, filled, mention};
use crate::model::{ConversationType, Platform, TitleSource};
use crate::view::{MessageView, NotificationView, OutSound, OutcomeView, SoundView};
use std::borrow::Cow;

/// D1–D7, then the notification. A pure function of (state, message): the same
/// input always gives the same output, and nothing in the message can make it
/// fail. What the notification repeats of the message it borrows.
pub fn render<'m>(ctx: &RenderContext<'_>, message: &MessageView<'m>) -> OutcomeView<'m> {
    match decide(ctx, message) {
        Ok(()) => OutcomeView::Show(notification(ctx, message)),
        Err(reason) => OutcomeView::Suppress(reason),
    }
}

/// The notification for a message D1–D7 let through: F2 (sender id), F3 (group
/// nickname), F4 (group name), F5 (ext), S1 (Android sound: message, then global,
/// then default; an invalid incoming sound counts as unset), S2 (iOS sound), B1
/// (badge, true when unset) and N1 (notify mode, normal when unset).
/// Without the decision: the server builds what an app-handled path carries
/// for the device to decide (W4).
pub(crate) fn notification<'m>(ctx: &RenderContext<'_>, message: &MessageView<'m>) -> NotificationView<'m> {
    let push = message.push_settings;
    let android = push.and_then(|p| p.android);
    let ios = push.and_then(|p| p.ios);
    let is_group = message.conversation_type == ConversationType::Group;
    let group_name = message.group.and_then(|g| filled(g.name));

    let (title, title_source) = title(
        ctx.platform,
        message,
        android.and_then(|a| filled(a.title)),
        group_name,
    );
    let mention = mention::of(ctx.session, message);
    NotificationView {
        title,
        title_source,
        content: content::notification_content(message, ctx.locale, mention),
        conversation_id: conversation_id(message),
        conversation_type: message.conversation_type,
        // F2
        sender_id: message.sender.user_id,
        // F3
        sender_nickname: if is_group {
            content::group_nickname(&message.sender)
        } else {
            None
        },
        // F4
        group_name: if is_group { group_name } else { None },
        // F5
        ext: push.and_then(|p| p.ext),
        sound: match ctx.platform {
            // S1
            Platform::Android => {
                let global = if is_group {
                    &ctx.settings.group_sound
                } else {
                    &ctx.settings.c2c_sound
                };
                match android.and_then(|a| android_sound_if_valid(a.sound)) {
                    Some(own) => OutSound::Custom(Cow::Borrowed(own)),
                    None => android_sound_if_valid(global.as_deref()).map_or(OutSound::Default, |path| {
                        OutSound::Custom(Cow::Owned(path.to_owned()))
                    }),
                }
            }
            // S2
            Platform::Ios => match ios.and_then(|i| ios_sound_if_set(i.sound)) {
                None | Some(SoundView::Default) => OutSound::Default,
                Some(SoundView::Silent) => OutSound::Silent,
                Some(SoundView::Custom(path)) => OutSound::Custom(Cow::Borrowed(path)),
            },
        },
        // B1
        badge: super::receive::badge_enabled(message),
        // N1
        notify_mode: android.and_then(|a| a.notify_mode).unwrap_or_default(),
        // B4: only `receive` sets it.
        badge_count: None,
        // M1
        mentioned_user_id: mention.user,
        mentions_all: mention.all,
    }
}

/// T1 (c2c: the sender's user id), T2 (group: its name, else its id), T3 (on
/// Android the message's own title wins; iOS ignores it), and which one it was.
fn title<'m>(
    platform: Platform,
    message: &MessageView<'m>,
    android_title: Option<&'m str>,
    group_name: Option<&'m str>,
) -> (&'m str, TitleSource) {
    if let (Platform::Android, Some(t)) = (platform, android_title) {
        return (t, TitleSource::Message);
    }
    match message.conversation_type {
        ConversationType::Group => (
            group_name.unwrap_or_else(|| conversation_id(message)),
            TitleSource::Group,
        ),
        ConversationType::C2c | ConversationType::System => (message.sender.user_id, TitleSource::Sender),
    }
}
