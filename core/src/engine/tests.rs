//! The engine against a store that counts what it is asked: caching, one
//! conversation's option per message, and two engines on one store.

use super::*;
use crate::clock::SystemClock;
use crate::store::{ConversationKey, DeviceState, MemoryStore, StoreError};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A `MemoryStore` that counts reads other than `generation`.
#[derive(Default)]
struct CountingStore {
    inner: MemoryStore,
    reads: AtomicUsize,
    option_reads: AtomicUsize,
}

impl CountingStore {
    fn read(&self) {
        self.reads.fetch_add(1, Ordering::SeqCst);
    }
}

impl Store for CountingStore {
    fn generation(&self) -> Result<u64, StoreError> {
        self.inner.generation()
    }
    fn device(&self) -> Result<DeviceState, StoreError> {
        self.read();
        self.inner.device()
    }
    fn save_session(&self, session: &SessionState) -> Result<(), StoreError> {
        self.inner.save_session(session)
    }
    fn save_locale(&self, locale: PushLocale) -> Result<(), StoreError> {
        self.inner.save_locale(locale)
    }
    fn save_token(&self, token: Option<&OfflinePushToken>) -> Result<(), StoreError> {
        self.inner.save_token(token)
    }
    fn global_settings(&self, user_id: &str) -> Result<Option<OfflinePushSettings>, StoreError> {
        self.read();
        self.inner.global_settings(user_id)
    }
    fn save_global_settings(&self, user_id: &str, settings: &OfflinePushSettings) -> Result<(), StoreError> {
        self.inner.save_global_settings(user_id, settings)
    }
    fn receive_option(&self, conversation: ConversationKey<'_>) -> Result<ReceiveOption, StoreError> {
        self.read();
        self.option_reads.fetch_add(1, Ordering::SeqCst);
        self.inner.receive_option(conversation)
    }
    fn save_receive_option(
        &self,
        conversation: ConversationKey<'_>,
        option: ReceiveOption,
    ) -> Result<(), StoreError> {
        self.inner.save_receive_option(conversation, option)
    }
    fn receive_options(&self) -> Result<Vec<ConversationReceiveOption>, StoreError> {
        self.read();
        self.inner.receive_options()
    }
    fn dnd(&self) -> Result<Option<DoNotDisturbWindow>, StoreError> {
        self.read();
        self.inner.dnd()
    }
    fn save_dnd(&self, window: Option<&DoNotDisturbWindow>) -> Result<(), StoreError> {
        self.inner.save_dnd(window)
    }
}

fn engine(store: &Arc<CountingStore>) -> Engine {
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

fn shown(outcome: &RenderOutcome) -> bool {
    matches!(outcome, RenderOutcome::Show { .. })
}

#[test]
fn a_render_with_an_unchanged_store_reads_nothing_again() {
    let store = Arc::new(CountingStore::default());
    let engine = engine(&store);
    engine.login("bob".into()).unwrap();
    assert!(shown(&engine.render(&c2c("alice")).unwrap()));
    let after_first = store.reads.load(Ordering::SeqCst);
    for _ in 0..10 {
        assert!(shown(&engine.render(&c2c("alice")).unwrap()));
    }
    assert_eq!(store.reads.load(Ordering::SeqCst), after_first);
}

#[test]
fn d5_a_render_reads_the_option_of_its_own_conversation_only() {
    let store = Arc::new(CountingStore::default());
    for i in 0..50 {
        store
            .inner
            .save_receive_option(
                (ConversationType::C2c, &format!("peer{i}")),
                ReceiveOption::NotReceive,
            )
            .unwrap();
    }
    let engine = engine(&store);
    engine.login("bob".into()).unwrap();
    assert!(!shown(&engine.render(&c2c("peer7")).unwrap()));
    assert!(shown(&engine.render(&c2c("carol")).unwrap()));
    assert_eq!(store.option_reads.load(Ordering::SeqCst), 2);
}

#[test]
fn k2_a_second_engine_on_the_same_store_sees_a_change_at_its_next_call() {
    let store = Arc::new(CountingStore::default());
    let app = engine(&store);
    let extension = engine(&store);
    app.login("bob".into()).unwrap();
    assert!(shown(&extension.render(&c2c("alice")).unwrap()));
    app.set_receive_option(
        ConversationType::C2c,
        "alice".into(),
        ReceiveOption::ReceiveNotNotify,
    )
    .unwrap();
    assert_eq!(
        extension.render(&c2c("alice")).unwrap(),
        RenderOutcome::Suppress {
            reason: crate::model::SuppressReason::Muted
        }
    );
    app.logout().unwrap();
    assert!(!extension.is_logged_in().unwrap());
}

#[test]
fn v1_is_checked_before_v2_and_v3() {
    let store = Arc::new(CountingStore::default());
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

/// A store whose every call fails: the engine reports `Storage`, never panics,
/// and a failed write changes nothing it cached.
struct BrokenStore;

fn broken() -> StoreError {
    StoreError::Io(std::io::Error::other("disk gone"))
}

impl Store for BrokenStore {
    fn generation(&self) -> Result<u64, StoreError> {
        Err(broken())
    }
    fn device(&self) -> Result<DeviceState, StoreError> {
        Err(broken())
    }
    fn save_session(&self, _: &SessionState) -> Result<(), StoreError> {
        Err(broken())
    }
    fn save_locale(&self, _: PushLocale) -> Result<(), StoreError> {
        Err(broken())
    }
    fn save_token(&self, _: Option<&OfflinePushToken>) -> Result<(), StoreError> {
        Err(broken())
    }
    fn global_settings(&self, _: &str) -> Result<Option<OfflinePushSettings>, StoreError> {
        Err(broken())
    }
    fn save_global_settings(&self, _: &str, _: &OfflinePushSettings) -> Result<(), StoreError> {
        Err(broken())
    }
    fn receive_option(&self, _: ConversationKey<'_>) -> Result<ReceiveOption, StoreError> {
        Err(broken())
    }
    fn save_receive_option(&self, _: ConversationKey<'_>, _: ReceiveOption) -> Result<(), StoreError> {
        Err(broken())
    }
    fn receive_options(&self) -> Result<Vec<ConversationReceiveOption>, StoreError> {
        Err(broken())
    }
    fn dnd(&self) -> Result<Option<DoNotDisturbWindow>, StoreError> {
        Err(broken())
    }
    fn save_dnd(&self, _: Option<&DoNotDisturbWindow>) -> Result<(), StoreError> {
        Err(broken())
    }
}

#[test]
fn a_failing_store_is_a_storage_error_from_every_call() {
    let engine = Engine::new(Platform::Android, Arc::new(BrokenStore), Arc::new(SystemClock));
    let storage = |e: Error| {
        matches!(
            crate::OfflinePushError::from(e),
            crate::OfflinePushError::Storage(_)
        )
    };
    assert!(storage(engine.login("bob".into()).unwrap_err()));
    assert!(storage(engine.logout().unwrap_err()));
    assert!(storage(engine.render(&c2c("alice")).unwrap_err()));
    assert!(storage(engine.locale().unwrap_err()));
    assert!(storage(engine.receive_options().unwrap_err()));
    assert!(storage(engine.set_locale(PushLocale::En).unwrap_err()));
}
