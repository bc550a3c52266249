//! The fast paths' reader (`wire.rs`) on hostile bytes: whatever bytes reach it,
//! it refuses them or reads a message, and never panics; a message it reads is
//! the one UniFFI's own `Lift` reads from the same bytes, to the last byte; and
//! the whole call (`ffi::fast::ops::render`) answers when the reader reads and
//! refuses when it refuses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_push::*;
use std::sync::{Arc, OnceLock};
use uniffi::Lift;

fn manager() -> &'static Arc<OfflinePushManager> {
    static MANAGER: OnceLock<Arc<OfflinePushManager>> = OnceLock::new();
    MANAGER.get_or_init(|| {
        let manager = OfflinePushManager::new(OfflinePushConfig {
            platform: Platform::Android,
            store_directory: None,
        })
        .expect("an in-memory manager");
        manager.login("bob".into()).expect("signed in");
        manager
    })
}

fuzz_target!(|data: &[u8]| {
    let ours = ffi::wire::Reader::with_message(data, |message| message.to_owned());
    if let Ok(message) = &ours {
        let mut rest = data;
        let theirs = <IncomingMessage as Lift<UniFfiTag>>::try_read(&mut rest)
            .expect("UniFFI reads what the reader reads");
        assert_eq!(&theirs, message);
        assert!(rest.is_empty(), "both read every byte");
    }
    let mut out = Vec::new();
    let answered = ffi::fast::ops::render(manager(), data, &mut out);
    assert_eq!(answered.is_ok(), ours.is_ok());
    if let Ok(rendered) = answered {
        assert!(rendered.is_ok(), "an in-memory store does not fail: {rendered:?}");
    }
});
