//! D1–D7: whether a message produces a notification, checked in order; the
//! first rule that applies is the reason reported.

use super::{content, mention};
use crate::model::{
    ConversationReceiveOption, ConversationType, DoNotDisturbWindow, OfflinePushSettings, Platform,
    PushLocale, ReceiveOption, SessionState, SuppressReason,
};
use crate::view::MessageView;

/// Where D5 reads one conversation's receive option: the engine answers from
/// what it already read for the message at hand, so rendering one message in a
/// second process reads one option, not all of them.
pub trait ReceiveOptionLookup {
    /// The option of the conversation of this type and id (F1); `Receive` unless set.
    fn receive_option(&self, conversation_type: ConversationType, conversation_id: &str) -> ReceiveOption;
}

/// No conversation has an option set: everything is received.
impl ReceiveOptionLookup for () {
    fn receive_option(&self, _: ConversationType, _: &str) -> ReceiveOption {
        ReceiveOption::Receive
    }
}

/// The options of a few conversations (what a backend holds, RULES W3); the
/// rest are `Receive`.
impl ReceiveOptionLookup for Vec<ConversationReceiveOption> {
    fn receive_option(&self, conversation_type: ConversationType, conversation_id: &str) -> ReceiveOption {
        self.iter()
            .find(|o| o.conversation_type == conversation_type && o.conversation_id == conversation_id)
            .map_or(ReceiveOption::Receive, |o| o.option)
    }
}

/// The state a render reads: everything but the message. Borrowed, so a render
/// copies nothing it does not output.
#[derive(Clone, Copy)]
pub struct RenderContext<'a> {
    pub platform: Platform,
    pub locale: PushLocale,
    pub session: &'a SessionState,
    pub settings: &'a OfflinePushSettings,
    pub receive_options: &'a dyn ReceiveOptionLookup,
    pub dnd: Option<&'a DoNotDisturbWindow>,
}

/// F1: the conversation a message belongs to: the sender for c2c, the group
/// otherwise (empty when a group message arrives without its group).
pub fn conversation_id<'a>(message: &MessageView<'a>) -> &'a str {
    match message.conversation_type {
        ConversationType::C2c => message.sender.user_id,
        ConversationType::Group | ConversationType::System => message.group.map_or("", |g| g.group_id),
    }
}

/// D6: whether `timestamp` (unix seconds), in the device's local time, falls in
/// `[start, start + duration)`, wrapping at midnight.
pub fn in_dnd_window(window: &DoNotDisturbWindow, timestamp: i64) -> bool {
    const DAY: i64 = 86_400;
    let duration = i64::from(window.duration_seconds);
    if duration <= 0 {
        return false;
    }
    if duration >= DAY {
        return true;
    }
    let local = timestamp.wrapping_add(i64::from(window.utc_offset_seconds));
    let second_of_day = local.rem_euclid(DAY);
    // With the start in 0..DAY (V4) one day added at most brings the difference
    // back into 0..DAY; the division is left for a start that is not.
    let mut since_start = second_of_day - i64::from(window.start_seconds);
    if since_start < 0 {
        since_start += DAY;
    }
    if !(0..DAY).contains(&since_start) {
        since_start = since_start.rem_euclid(DAY);
    }
    since_start < duration
}

/// D1–D7 in order (M2, M3: a mention changes D5 only; D7 reads the content without M4's prefix).
pub fn decide(ctx: &RenderContext<'_>, message: &MessageView<'_>) -> Result<(), SuppressReason> {
    // D1
    match ctx.session {
        SessionState::LoggedIn { .. } => {}
        SessionState::LoggedOut => return Err(SuppressReason::LoggedOut),
        SessionState::KickedOffline => return Err(SuppressReason::KickedOffline),
        // K8: nobody logged out; the defaults stand in for the lost settings.
        SessionState::StoreReset { .. } => {}
    }
    // D2
    if message.conversation_type == ConversationType::System {
        return Err(SuppressReason::SystemMessage);
    }
    // D3
    if !ctx.settings.enabled {
        return Err(SuppressReason::DisabledByReceiver);
    }
    // D4
    if message.push_settings.is_some_and(|s| !s.enabled) {
        return Err(SuppressReason::DisabledBySender);
    }
    // D5, and M2: a mention breaks through the options that mute except for mentions.
    let muted = match ctx
        .receive_options
        .receive_option(message.conversation_type, conversation_id(message))
    {
        ReceiveOption::Receive => false,
        ReceiveOption::ReceiveNotNotify | ReceiveOption::NotReceive => true,
        ReceiveOption::ReceiveNotNotifyExceptMentions | ReceiveOption::NotReceiveExceptMentions => {
            !mention::of(ctx.session, message).breaks_through()
        }
    };
    if muted {
        return Err(SuppressReason::Muted);
    }
    // D6
    if ctx.dnd.is_some_and(|w| in_dnd_window(w, message.timestamp)) {
        return Err(SuppressReason::DoNotDisturb);
    }
    // D7
    if !content::has_message_content(message, ctx.locale) && content::description(message).is_none() {
        return Err(SuppressReason::NothingToShow);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(start: i32, duration: i32, offset: i32) -> DoNotDisturbWindow {
        DoNotDisturbWindow {
            start_seconds: start,
            duration_seconds: duration,
            utc_offset_seconds: offset,
        }
    }

    #[test]
    fn d6_window_across_midnight_includes_start_excludes_end() {
        // 22:00 for 8 hours, UTC.
        let w = window(79_200, 28_800, 0);
        assert!(in_dnd_window(&w, 79_200)); // 22:00 day 0
        assert!(in_dnd_window(&w, 86_400 + 3_600)); // 01:00 day 1
        assert!(in_dnd_window(&w, 86_400 + 21_599)); // 05:59:59
        assert!(!in_dnd_window(&w, 86_400 + 21_600)); // 06:00, the exact end
        assert!(!in_dnd_window(&w, 79_199));
    }

    #[test]
    fn d6_offsets_move_the_local_clock_both_ways() {
        let w = window(0, 3_600, -18_000); // 00:00–01:00 at UTC-5
        assert!(in_dnd_window(&w, 18_000)); // 05:00 UTC is local midnight
        assert!(!in_dnd_window(&w, 0));
        let w = window(0, 3_600, 28_800); // at UTC+8
        assert!(in_dnd_window(&w, -28_800)); // negative timestamps wrap too
    }

    #[test]
    fn d6_a_start_outside_the_day_still_wraps_as_before() {
        // Never stored (V4 refuses it), but the function stays total.
        let w = window(86_400 + 3_600, 3_600, 0);
        assert!(in_dnd_window(&w, 3_600));
        assert!(!in_dnd_window(&w, 7_200));
        let w = window(-3_600, 7_200, 0);
        assert!(in_dnd_window(&w, 86_400 - 1));
        assert!(in_dnd_window(&w, 3_599));
        assert!(!in_dnd_window(&w, 3_600));
    }

    #[test]
    fn d6_zero_covers_nothing_and_a_full_day_everything() {
        assert!(!in_dnd_window(&window(100, 0, 0), 100));
        assert!(in_dnd_window(&window(100, 86_400, 0), 99));
        assert!(in_dnd_window(&window(0, 86_400, 0), i64::MIN));
        assert!(!in_dnd_window(&window(0, 3_600, 64_800), i64::MAX));
    }
}
