//! M1–M4: whom a message mentions, what that changes (D5's exception) and what
//! the notification and the preview say for it.

use crate::model::{ConversationType, PushLocale, SessionState};
use crate::view::MessageView;
use std::borrow::Cow;

/// M1: a message naming more user ids than this is malformed and mentions no one by id.
pub const MAX_MENTIONED_IDS: usize = 1_000;

/// M1: whom a message mentions, for one receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mention<'m> {
    /// The receiver's id as the message names it ("@me").
    pub user: Option<&'m str>,
    /// "@all".
    pub all: bool,
}

impl Mention<'_> {
    /// M2: whether it lets the message through a conversation muted except for mentions.
    pub fn breaks_through(&self) -> bool {
        self.user.is_some() || self.all
    }
}

/// M1: whom `message` mentions for the receiver signed in as `session` (a store
/// reset knows no user id: only "@all" applies). Only a group message mentions.
/// An empty id or one over L1 never equals a signed-in user's id (V5 refused it
/// at `login`), so it never matches.
pub fn of<'m>(session: &SessionState, message: &MessageView<'m>) -> Mention<'m> {
    if message.conversation_type != ConversationType::Group {
        return Mention {
            user: None,
            all: false,
        };
    }
    let user = match session {
        SessionState::LoggedIn { user_id } if message.mentioned_user_ids.len() <= MAX_MENTIONED_IDS => {
            message
                .mentioned_user_ids
                .iter()
                .find(|id| !id.is_empty() && *id == user_id.as_str())
        }
        _ => None,
    };
    Mention {
        user,
        all: message.mentions_all,
    }
}

/// M4: the prefix a mention puts before the content and the preview.
pub fn prefix(mention: Mention<'_>, locale: PushLocale) -> Option<&'static str> {
    match (mention.user.is_some(), mention.all, locale) {
        (true, _, PushLocale::ZhHans) => Some("[有人@我]"),
        (true, _, PushLocale::En) => Some("[@me] "),
        (false, true, PushLocale::ZhHans) => Some("[@所有人]"),
        (false, true, PushLocale::En) => Some("[@all] "),
        (false, false, _) => None,
    }
}

/// M4: `content` with the mention's prefix before it, if any.
pub fn prefixed<'m>(mention: Mention<'_>, locale: PushLocale, content: Cow<'m, str>) -> Cow<'m, str> {
    match prefix(mention, locale) {
        None => content,
        Some(prefix) => Cow::Owned([prefix, &content].concat()),
    }
}
