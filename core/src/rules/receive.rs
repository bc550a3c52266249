//! What `receive` adds to a render (docs/RULES.md, "State that lasts"): D8 (a duplicate is not shown),
//! B2 (what counts toward the badge) and B4 (the badge count a notification
//! carries). Pure, like the rest of the rules: the engine records the receipt
//! in the store between [`counts_toward_badge`] and [`after_receipt`].

use super::decide::conversation_id;
use crate::model::{ConversationType, SuppressReason};
use crate::view::{MessageView, OutcomeView};

/// B1 read from the message alone: its badge is enabled unless its sender's iOS
/// settings turn it off.
pub fn badge_enabled(message: &MessageView<'_>) -> bool {
    message
        .push_settings
        .and_then(|p| p.ios)
        .is_none_or(|ios| ios.badge_enabled)
}

/// B2: the conversation whose unread count a message adds to, if any: shown, or
/// suppressed by do-not-disturb, with its badge enabled, in a conversation it
/// names (F1: a one-to-one message with no sender, a group message with no
/// group, counts nowhere, since no count could be cleared there). (That a
/// duplicate never counts is the store's part: it adds nothing for a message id
/// it has seen.)
pub fn counts_toward_badge<'m>(
    outcome: &OutcomeView<'_>,
    message: &MessageView<'m>,
) -> Option<(ConversationType, &'m str)> {
    let counted = matches!(
        outcome,
        OutcomeView::Show(_) | OutcomeView::Suppress(SuppressReason::DoNotDisturb)
    );
    let conversation = conversation_id(message);
    (counted && badge_enabled(message) && !conversation.is_empty())
        .then_some((message.conversation_type, conversation))
}

/// D8 and B4: the outcome `receive` returns, given the render's and what the
/// store found. D8 comes right after D2, so a duplicate is reported as such
/// unless D1 or D2 applied; a notification that counted carries the badge total.
pub fn after_receipt(
    outcome: OutcomeView<'_>,
    duplicate: bool,
    counted: bool,
    badge_total: u32,
) -> OutcomeView<'_> {
    match outcome {
        OutcomeView::Suppress(
            reason @ (SuppressReason::LoggedOut
            | SuppressReason::KickedOffline
            | SuppressReason::SystemMessage),
        ) => OutcomeView::Suppress(reason),
        _ if duplicate => OutcomeView::Suppress(SuppressReason::Duplicate),
        OutcomeView::Show(mut notification) => {
            notification.badge_count = counted.then_some(badge_total);
            OutcomeView::Show(notification)
        }
        suppressed => suppressed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IncomingMessage;

    fn message(badge_enabled: Option<bool>) -> IncomingMessage {
        serde_json::from_value(serde_json::json!({
            "conversation_type": "group",
            "sender": {"user_id": "alice"},
            "group": {"group_id": "g1"},
            "timestamp": 0,
            "push_settings": badge_enabled.map(|b| serde_json::json!({"ios": {"badge_enabled": b}})),
        }))
        .unwrap()
    }

    fn suppressed(reason: SuppressReason) -> OutcomeView<'static> {
        OutcomeView::Suppress(reason)
    }

    #[test]
    fn b2_dnd_counts_a_mute_does_not_and_b1_off_never_counts() {
        let m = message(None);
        assert_eq!(
            counts_toward_badge(&suppressed(SuppressReason::DoNotDisturb), &m.view()),
            Some((ConversationType::Group, "g1"))
        );
        assert_eq!(
            counts_toward_badge(&suppressed(SuppressReason::Muted), &m.view()),
            None
        );
        let off = message(Some(false));
        assert_eq!(
            counts_toward_badge(&suppressed(SuppressReason::DoNotDisturb), &off.view()),
            None
        );
    }

    #[test]
    fn d8_comes_after_d1_and_d2_and_before_d3() {
        for first in [SuppressReason::LoggedOut, SuppressReason::SystemMessage] {
            assert_eq!(
                after_receipt(suppressed(first), true, false, 0),
                suppressed(first)
            );
        }
        assert_eq!(
            after_receipt(suppressed(SuppressReason::DisabledByReceiver), true, false, 0),
            suppressed(SuppressReason::Duplicate)
        );
    }
}
