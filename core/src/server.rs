//! W1–W6: the receiver's rules where the sender's server must apply them.
//!
//! On a path the system displays (docs/VENDORS.md, "Who displays"), the device's
//! `receive` never runs before the notification shows, so the server decides and
//! words it from the receiver's state as the backend holds it: what
//! [`crate::PushBackend`] uploaded (global settings, the do-not-disturb window, the
//! receive options), the session, the platform and locale of the device, and an
//! unread count if the server keeps one. The rules are the device's own
//! (`rules/`): for the same state and message the outcome is the same (W3).
//!
//! ```
//! use offline_push::server::{deliver_to_receiver, Delivery, ReceiverState};
//! use offline_push::*;
//!
//! let mut receiver = ReceiverState::signed_in("bob", Platform::Android);
//! receiver.settings.receive_options.push(ConversationReceiveOption {
//!     conversation_type: ConversationType::Group,
//!     conversation_id: "team".into(),
//!     option: ReceiveOption::ReceiveNotNotify,
//! });
//! let message = IncomingMessage {
//!     message_id: Some("m1".into()),
//!     conversation_type: ConversationType::Group,
//!     sender: MessageSender { user_id: "alice".into(), nickname: None, name_card: None },
//!     group: Some(GroupInfo { group_id: "team".into(), name: Some("Team".into()) }),
//!     timestamp: 1_700_000_000,
//!     elements: vec![MessageElement::Text { text: "hi".into() }],
//!     push_settings: None,
//!     mentioned_user_ids: vec![],
//!     mentions_all: false,
//! };
//! let config = VendorConfig::default();
//! // Xiaomi shows what it gets: a muted group's message is not sent at all (W2).
//! let xiaomi = deliver_to_receiver(&receiver, &message, PushVendor::Xiaomi, &config).unwrap();
//! assert_eq!(xiaomi, Delivery::Withheld(SuppressReason::Muted));
//! // An FCM data message goes out; the device's `receive` decides (W4).
//! let fcm = deliver_to_receiver(&receiver, &message, PushVendor::Fcm, &config).unwrap();
//! assert!(matches!(fcm, Delivery::Send(_)));
//! ```

use crate::engine::sanitize_fetched;
use crate::model::{
    AccountPushSettings, FcmDelivery, IncomingMessage, OfflinePushNotification, OfflinePushSettings,
    Platform, PushLocale, PushVendor, RenderOutcome, SessionState, SuppressReason, VendorConfig,
    VendorPayload,
};
use crate::rules::decide::{decide, RenderContext};
use crate::rules::{limits, render};
use crate::vendor;
use crate::view::MessageView;
use crate::OfflinePushError;

/// One receiver as the sender's backend knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiverState {
    /// Signed in (a token is bound for them), logged out, or kicked offline.
    pub session: SessionState,
    /// The platform of the receiving device (from its token's vendor: APNs is iOS).
    pub platform: Platform,
    /// The language of the receiving app (C1, C1-en).
    pub locale: PushLocale,
    /// What the device uploaded (K6): global settings, DND window, receive options.
    /// Bad values count as unset, as on the device (K7, §4).
    pub settings: AccountPushSettings,
    /// The receiver's unread total if the server keeps one (B3 as the server
    /// counts): a notification that counts carries it plus one as `badge_count`.
    pub unread_total: Option<u32>,
}

impl ReceiverState {
    /// A signed-in receiver with the default settings, `zh-Hans`, no count.
    pub fn signed_in(user_id: &str, platform: Platform) -> ReceiverState {
        ReceiverState {
            session: SessionState::LoggedIn {
                user_id: user_id.to_owned(),
            },
            platform,
            locale: PushLocale::default(),
            settings: AccountPushSettings {
                global_settings: OfflinePushSettings::default(),
                do_not_disturb: None,
                receive_options: Vec::new(),
            },
            unread_total: None,
        }
    }
}

/// The rules' view of the receiver: the settings sanitized as the device would
/// have stored them (K7), the message bounded as the device bounds it (L1–L5).
fn with_context<T>(
    receiver: &ReceiverState,
    message: &IncomingMessage,
    rules: impl FnOnce(&RenderContext<'_>, &MessageView<'_>) -> T,
) -> T {
    let settings = sanitize_fetched(receiver.settings.clone());
    let context = RenderContext {
        platform: receiver.platform,
        locale: receiver.locale,
        session: &receiver.session,
        settings: &settings.global_settings,
        receive_options: &settings.receive_options,
        dnd: settings.do_not_disturb.as_ref(),
    };
    let view = message.view();
    rules(&context, &limits::bounded(&view))
}

/// W2, W3: what the receiver's device would render for `message` (D1–D7, then the
/// notification), with `badge_count` from the server's own count when it keeps one.
pub fn render_for_receiver(receiver: &ReceiverState, message: &IncomingMessage) -> RenderOutcome {
    let mut outcome = with_context(receiver, message, |context, message| {
        render::render(context, message).into_owned()
    });
    if let RenderOutcome::Show { notification } = &mut outcome {
        notification.badge_count = server_badge(receiver, notification);
    }
    outcome
}

/// B2, B4 as the server can apply them: a notification that counts (B1, and a
/// conversation to count in) carries the server's total plus one, when it keeps
/// one; any other carries none, as on the device.
fn server_badge(receiver: &ReceiverState, notification: &OfflinePushNotification) -> Option<u32> {
    let counts = notification.badge && !notification.conversation_id.is_empty();
    receiver
        .unread_total
        .filter(|_| counts)
        .map(|total| total.saturating_add(1))
}

/// Who shows a push on `vendor`'s path (docs/VENDORS.md, "Who displays").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Display {
    /// The app's code runs first and posts it (W1): FCM data messages, APNs VoIP.
    App,
    /// The system shows what was sent; the iOS extension may correct it (W2, W5).
    System,
}

/// W1, W2: who displays what `vendor` delivers, with this configuration.
pub fn displayed_by(vendor: PushVendor, config: &VendorConfig) -> Display {
    match vendor {
        PushVendor::Fcm if config.fcm_delivery.unwrap_or_default() == FcmDelivery::Data => Display::App,
        PushVendor::ApnsVoip => Display::App,
        _ => Display::System,
    }
}

/// What the server does with one message for one receiver's token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Send this payload to the token (the sender adds the token and target).
    Send(VendorPayload),
    /// Do not send: the receiver's rules suppress it where nothing else would
    /// (W2, W4).
    Withheld(SuppressReason),
}

/// W2, W4, W5: the payload `vendor` takes for `message` to this receiver, or why
/// it is not sent. On a path the system displays the payload carries the
/// receiver's rendering, and a message the receiver's rules suppress is withheld;
/// on a path the app handles (an FCM data message, APNs VoIP) the message goes out
/// unless no device state could show it (D2, D7), and `receive` decides there.
/// Errors are the payload builder's (P3, P5: `InvalidArgument`, `NotConfigured`).
pub fn deliver_to_receiver(
    receiver: &ReceiverState,
    message: &IncomingMessage,
    vendor: PushVendor,
    config: &VendorConfig,
) -> Result<Delivery, OfflinePushError> {
    let notification = with_context(receiver, message, |context, message| {
        match (displayed_by(vendor, config), decide(context, message)) {
            (_, Ok(())) => Ok(render::notification(context, message).into_owned()),
            (Display::App, Err(reason @ (SuppressReason::SystemMessage | SuppressReason::NothingToShow))) => {
                Err(reason)
            }
            // W4: the device decides the rest with its own state.
            (Display::App, Err(_)) => Ok(render::notification(context, message).into_owned()),
            (Display::System, Err(reason)) => Err(reason),
        }
    });
    let mut notification = match notification {
        Ok(notification) => notification,
        Err(reason) => return Ok(Delivery::Withheld(reason)),
    };
    notification.badge_count = server_badge(receiver, &notification);
    let payload = vendor::build(
        vendor,
        &notification,
        message.message_id.as_deref(),
        message.timestamp,
        config,
    )?;
    Ok(Delivery::Send(payload))
}

/// W6: the vendor to send through, of those whose tokens one device bound: the
/// device's own vendor (P2) first, then one the app handles (FCM, APNs VoIP),
/// then the rest in P2's order. `None` when the device bound none.
pub fn choose_route(own_vendor: Option<PushVendor>, bound: &[PushVendor]) -> Option<PushVendor> {
    const ORDER: [PushVendor; 9] = [
        PushVendor::Fcm,
        PushVendor::ApnsVoip,
        PushVendor::Apns,
        PushVendor::Xiaomi,
        PushVendor::Huawei,
        PushVendor::Honor,
        PushVendor::Oppo,
        PushVendor::Vivo,
        PushVendor::Meizu,
    ];
    own_vendor
        .filter(|own| bound.contains(own))
        .or_else(|| ORDER.into_iter().find(|v| bound.contains(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn w6_the_devices_own_vendor_then_app_handled_then_p2_order() {
        use PushVendor::*;
        assert_eq!(choose_route(Some(Xiaomi), &[Fcm, Xiaomi]), Some(Xiaomi));
        assert_eq!(choose_route(Some(Huawei), &[Xiaomi, Fcm]), Some(Fcm));
        assert_eq!(choose_route(None, &[Vivo, Oppo]), Some(Oppo));
        assert_eq!(choose_route(Some(Apns), &[Apns, ApnsVoip]), Some(Apns));
        assert_eq!(choose_route(Some(Apns), &[]), None);
    }

    #[test]
    fn w1_w2_who_displays() {
        let data = VendorConfig::default();
        let notification = VendorConfig {
            fcm_delivery: Some(FcmDelivery::Notification),
            ..VendorConfig::default()
        };
        assert_eq!(displayed_by(PushVendor::Fcm, &data), Display::App);
        assert_eq!(displayed_by(PushVendor::Fcm, &notification), Display::System);
        assert_eq!(displayed_by(PushVendor::ApnsVoip, &data), Display::App);
        for vendor in [
            PushVendor::Apns,
            PushVendor::Huawei,
            PushVendor::Honor,
            PushVendor::Xiaomi,
            PushVendor::Oppo,
            PushVendor::Vivo,
            PushVendor::Meizu,
        ] {
            assert_eq!(displayed_by(vendor, &data), Display::System, "{vendor:?}");
        }
    }
}
