//! The engine against a store whose test probe counts what it is asked or makes
//! it fail: caching, one conversation's option per message, two engines on one
//! store, and a broken disk.

use super::*;
use crate::clock::SystemClock;
use crate::model::{AccountPushSettings, IncomingMessage, RenderOutcome};
use crate::store::{
    Claim, ConversationKey, Finish, Generation, PendingWork, Receipt, ReceiptRecord, Snapshot, SqliteStore,
    StoreError,
};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// An in-memory store that counts the reads other than `generation`, and can
/// fail every call as a broken disk would.
struct ProbeStore {
    inner: SqliteStore,
    reads: AtomicUsize,
    option_reads: AtomicUsize,
    broken: AtomicBool,
}

impl Default for ProbeStore {
    fn default() -> Self {
        Self {
            inner: SqliteStore::open_in_memory().unwrap(),
            reads: AtomicUsize::new(0),
            option_reads: AtomicUsize::new(0),
            broken: AtomicBool::new(false),
        }
    }
}

impl ProbeStore {
    fn check(&self, read: bool) -> Result<&SqliteStore, StoreError> {
        if self.broken.load(Ordering::SeqCst) {
            return Err(StoreError::Io(std::io::Error::other("the test broke the disk")));
        }
        if read {
            self.reads.fetch_add(1, Ordering::SeqCst);
        }
        Ok(&self.inner)
    }
}

impl Store for ProbeStore {
    fn generation(&self) -> Result<Generation, StoreError> {
        self.check(false)?.generation()
    }
    fn snapshot(&self) -> Result<Snapshot, StoreError> {
        self.check(true)?.snapshot()
    }
    fn save_session(&self, session: &SessionState, at_ms: i64) -> Result<(), StoreError> {
        self.check(false)?.save_session(session, at_ms)
    }
    fn save_locale(&self, locale: PushLocale) -> Result<(), StoreError> {
        self.check(false)?.save_locale(locale)
    }
    fn save_token(&self, token: Option<&OfflinePushToken>, at_ms: i64) -> Result<(), StoreError> {
        self.check(false)?.save_token(token, at_ms)
    }
    fn save_setting(&self, user_id: &str, change: &SettingsChange, at_ms: i64) -> Result<(), StoreError> {
        self.check(false)?.save_setting(user_id, change, at_ms)
    }
    fn receive_option(
        &self,
        user_id: &str,
        conversation: ConversationKey<'_>,
    ) -> Result<ReceiveOption, StoreError> {
        self.option_reads.fetch_add(1, Ordering::SeqCst);
        self.check(true)?.receive_option(user_id, conversation)
    }
    fn receive_options(&self, user_id: &str) -> Result<Vec<ConversationReceiveOption>, StoreError> {
        self.check(true)?.receive_options(user_id)
    }
    fn record_receipt(&self, user_id: &str, receipt: Receipt<'_>) -> Result<ReceiptRecord, StoreError> {
        self.check(false)?.record_receipt(user_id, receipt)
    }
    fn unread_count(&self, user_id: &str, conversation: ConversationKey<'_>) -> Result<u32, StoreError> {
        self.check(true)?.unread_count(user_id, conversation)
    }
    fn save_unread_count(
        &self,
        user_id: &str,
        conversation: ConversationKey<'_>,
        count: u32,
    ) -> Result<(), StoreError> {
        self.check(false)?.save_unread_count(user_id, conversation, count)
    }
    fn badge_total(&self, user_id: &str) -> Result<u32, StoreError> {
        self.check(true)?.badge_total(user_id)
    }
    fn claim_next(&self, claim: Claim<'_>) -> Result<Option<PendingWork>, StoreError> {
        self.check(false)?.claim_next(claim)
    }
    fn finish(
        &self,
        work: &PendingWork,
        by: &str,
        outcome: Finish<'_>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.check(false)?.finish(work, by, outcome, now_ms)
    }
    fn sync_status(&self, now_ms: i64) -> Result<SyncStatus, StoreError> {
        self.check(true)?.sync_status(now_ms)
    }
    fn change_seq(&self) -> Result<i64, StoreError> {
        self.check(true)?.change_seq()
    }
    fn apply_fetched(
        &self,
        user_id: &str,
        since_seq: i64,
        settings: &AccountPushSettings,
    ) -> Result<(), StoreError> {
        self.check(false)?.apply_fetched(user_id, since_seq, settings)
    }
}

fn engine(store: &Arc<ProbeStore>) -> Engine {
    Engine::new(Platform::Ios, store.clone(), Arc::new(SystemClock))
}

/// A one-to-one "hi" from `from`, written as the vectors write a message.
fn c2c(from: &str) -> IncomingMessage {
    serde_json::from_value(serde_json::json!({
        "conversation_type": "c2c",
        "sender": {"user_id": from},
        "timestamp": 0,
        "elements": [{"type": "text", "text": "hi"}],
    }))
    .expect("the vectors' spelling of a message")
}

fn shown(outcome: &OutcomeView<'_>) -> bool {
    matches!(outcome, OutcomeView::Show(_))
}

#[test]
fn a_render_with_an_unchanged_store_reads_nothing_again() {
    let store = Arc::new(ProbeStore::default());
    let engine = engine(&store);
    engine.login("bob".into()).unwrap();
    assert!(shown(&engine.render(&c2c("alice").view()).unwrap()));
    let after_first = store.reads.load(Ordering::SeqCst);
    for _ in 0..10 {
        assert!(shown(&engine.render(&c2c("alice").view()).unwrap()));
    }
    assert_eq!(store.reads.load(Ordering::SeqCst), after_first);
}

#[test]
fn d5_a_render_reads_the_option_of_its_own_conversation_only() {
    let store = Arc::new(ProbeStore::default());
    for i in 0..50 {
        let change = SettingsChange::ConversationOption {
            conversation_type: ConversationType::C2c,
            conversation_id: format!("peer{i}"),
            option: ReceiveOption::NotReceive,
        };
        store.inner.save_setting("bob", &change, 0).unwrap();
    }
    let engine = engine(&store);
    engine.login("bob".into()).unwrap();
    assert!(!shown(&engine.render(&c2c("peer7").view()).unwrap()));
    assert!(shown(&engine.render(&c2c("carol").view()).unwrap()));
    assert_eq!(store.option_reads.load(Ordering::SeqCst), 2);
}

#[test]
fn d5_the_option_memo_is_bounded_and_stays_right_past_its_bound() {
    // Conversation ids come from the network: past its bound the memo starts
    // again, and a conversation read before is read again, with the same answer.
    let store = Arc::new(ProbeStore::default());
    store
        .inner
        .save_setting(
            "bob",
            &SettingsChange::ConversationOption {
                conversation_type: ConversationType::C2c,
                conversation_id: "muted".into(),
                option: ReceiveOption::NotReceive,
            },
            0,
        )
        .unwrap();
    let engine = engine(&store);
    engine.login("bob".into()).unwrap();
    assert!(!shown(&engine.render(&c2c("muted").view()).unwrap()));
    let limit = super::cache::MEMO_LIMIT;
    for i in 0..limit {
        assert!(shown(&engine.render(&c2c(&format!("peer{i}")).view()).unwrap()));
    }
    assert_eq!(store.option_reads.load(Ordering::SeqCst), limit + 1);
    assert!(
        !shown(&engine.render(&c2c("muted").view()).unwrap()),
        "read again"
    );
    assert_eq!(store.option_reads.load(Ordering::SeqCst), limit + 2);
    assert!(!shown(&engine.render(&c2c("muted").view()).unwrap()));
    assert_eq!(
        store.option_reads.load(Ordering::SeqCst),
        limit + 2,
        "and remembered"
    );
}

#[test]
fn k2_a_second_engine_on_the_same_store_sees_a_change_at_its_next_call() {
    let store = Arc::new(ProbeStore::default());
    let app = engine(&store);
    let extension = engine(&store);
    app.login("bob".into()).unwrap();
    assert!(shown(&extension.render(&c2c("alice").view()).unwrap()));
    app.set_receive_option(
        ConversationType::C2c,
        "alice".into(),
        ReceiveOption::ReceiveNotNotify,
    )
    .unwrap();
    assert_eq!(
        extension.render(&c2c("alice").view()).unwrap().into_owned(),
        RenderOutcome::Suppress {
            reason: crate::model::SuppressReason::Muted
        }
    );
    app.logout().unwrap();
    assert!(!extension.is_logged_in().unwrap());
}

#[test]
fn v1_is_checked_before_v2_and_v3() {
    let store = Arc::new(ProbeStore::default());
    let engine = engine(&store);
    let bad_sound = OfflinePushSettings {
        c2c_sound: Some("file:///x.mp3".into()),
        ..Default::default()
    };
    assert!(matches!(
        engine.set_global_settings(bad_sound.clone()),
        Err(Error::NotLoggedIn(_))
    ));
    engine.login("bob".into()).unwrap();
    assert!(matches!(
        engine.set_global_settings(bad_sound),
        Err(Error::InvalidSound { .. })
    ));
    assert_eq!(engine.global_settings().unwrap(), OfflinePushSettings::DEFAULT);
}

#[test]
fn a_failing_store_is_a_storage_error_from_every_call() {
    let store = Arc::new(ProbeStore::default());
    store.broken.store(true, Ordering::SeqCst);
    let engine = engine(&store);
    let storage = |e: Error| {
        matches!(
            crate::OfflinePushError::from(e),
            crate::OfflinePushError::Storage(_)
        )
    };
    assert!(storage(engine.login("bob".into()).unwrap_err()));
    assert!(storage(engine.logout().unwrap_err()));
    assert!(storage(engine.render(&c2c("alice").view()).unwrap_err()));
    assert!(storage(engine.locale().unwrap_err()));
    assert!(storage(engine.receive_options().unwrap_err()));
    assert!(storage(engine.receive(&c2c("alice").view()).unwrap_err()));
    assert!(storage(engine.badge_total().unwrap_err()));
    assert!(storage(engine.set_locale(PushLocale::En).unwrap_err()));
}
