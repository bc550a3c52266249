//! The whole notification: title (T1–T3), content (C1–C5), fields (F1–F5),
//! sound (S1, S2), badge (B1) and notify mode (N1), after the decision (D1–D7).

use super::decide::{conversation_id, decide, RenderContext};
use super::validate::{android_sound_if_valid, ios_sound_if_set};
use super::{content, non_empty};
use crate::model::{
    ConversationType, IncomingMessage, OfflinePushNotification, Platform, PushSound, RenderOutcome,
    TitleSource,
};

/// D1–D7, then the notification. A pure function of (state, message): the same
/// input always gives the same output, and nothing in the message can make it fail.
pub fn render(ctx: &RenderContext<'_>, message: &IncomingMessage) -> RenderOutcome {
    match decide(ctx, message) {
        Ok(message_content) => RenderOutcome::Show {
            notification: notification(ctx, message, message_content),
        },
        Err(reason) => RenderOutcome::Suppress { reason },
    }
}

/// The notification for a message D1–D7 let through: F2 (sender id), F3 (group
/// nickname), F4 (group name), F5 (ext), S1 (Android sound: message, then global,
/// then default; an invalid incoming sound counts as unset), S2 (iOS sound), B1
/// (badge, true when unset) and N1 (notify mode, normal when unset).
fn notification(
    ctx: &RenderContext<'_>,
    message: &IncomingMessage,
    message_content: String,
) -> OfflinePushNotification {
    let push = message.push_settings.as_ref();
    let android = push.and_then(|p| p.android.as_ref());
    let ios = push.and_then(|p| p.ios.as_ref());
    let is_group = message.conversation_type == ConversationType::Group;
    let group_name = message.group.as_ref().and_then(|g| non_empty(&g.name));

    let (title, title_source) = title(
        ctx.platform,
        message,
        android.and_then(|a| non_empty(&a.title)),
        group_name,
    );
    OfflinePushNotification {
        title,
        title_source,
        content: content::notification_content(message, message_content),
        conversation_id: conversation_id(message).to_owned(),
        conversation_type: message.conversation_type,
        // F2
        sender_id: message.sender.user_id.clone(),
        // F3
        sender_nickname: if is_group {
            content::group_nickname(&message.sender).map(str::to_owned)
        } else {
            None
        },
        // F4
        group_name: if is_group {
            group_name.map(str::to_owned)
        } else {
            None
        },
        // F5
        ext: push.and_then(|p| p.ext.clone()),
        sound: match ctx.platform {
            // S1
            Platform::Android => {
                let global = if is_group {
                    &ctx.settings.group_sound
                } else {
                    &ctx.settings.c2c_sound
                };
                android
                    .and_then(|a| android_sound_if_valid(&a.sound))
                    .or_else(|| android_sound_if_valid(global))
                    .map_or(PushSound::Default, |path| PushSound::Custom {
                        path: path.to_owned(),
                    })
            }
            // S2
            Platform::Ios => ios
                .and_then(|i| ios_sound_if_set(&i.sound))
                .cloned()
                .unwrap_or_default(),
        },
        // B1
        badge: super::receive::badge_enabled(message),
        // N1
        notify_mode: android.and_then(|a| a.notify_mode).unwrap_or_default(),
        // B4: only `receive` sets it.
        badge_count: None,
    }
}

/// T1 (c2c: the sender's user id), T2 (group: its name, else its id), T3 (on
/// Android the message's own title wins; iOS ignores it), and which one it was.
fn title(
    platform: Platform,
    message: &IncomingMessage,
    android_title: Option<&str>,
    group_name: Option<&str>,
) -> (String, TitleSource) {
    if let (Platform::Android, Some(t)) = (platform, android_title) {
        return (t.to_owned(), TitleSource::Message);
    }
    match message.conversation_type {
        ConversationType::Group => (
            group_name.unwrap_or_else(|| conversation_id(message)).to_owned(),
            TitleSource::Group,
        ),
        ConversationType::C2c | ConversationType::System => {
            (message.sender.user_id.clone(), TitleSource::Sender)
        }
    }
}
