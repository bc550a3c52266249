//! The hot calls of `OfflinePushManager` (`render`, `render_batch`, `receive`,
//! `preview`, `preview_batch`) on bytes in UniFFI's format (`wire.rs`): what
//! the fast paths run, Kotlin's through JNI (`fast_path.rs`) and Swift's
//! through C (`swift_path.rs`). Each reads its argument as views of the
//! caller's bytes, calls the engine as the exported method does, and writes the
//! answer referring back to the caller's strings; an error is written as
//! UniFFI writes an `OfflinePushError`, a panic as its message.

use crate::error::OfflinePushError;
use crate::manager::OfflinePushManager;
use crate::view::MessageView;
use crate::wire::{Reader, WireError, Writer};
use crate::UniFfiTag;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use uniffi::{Handle, HandleAlloc, Lower};

/// The call returned; its value is in the array.
pub(crate) const OK: i64 = 0;
/// The call threw an `OfflinePushError`; it is in the array.
pub(crate) const ERROR: i64 = 1;
/// A bug (a panic, or bytes that do not decode); the message is in the array.
pub(crate) const PANIC: i64 = 2;

/// What one entry point does: reads its argument from the caller's bytes,
/// calls the engine, and writes the answer (only an answer: an error is written
/// by [`run`]).
pub(crate) type Op =
    fn(&OfflinePushManager, &[u8], &mut Vec<u8>) -> Result<Result<(), OfflinePushError>, WireError>;

/// Calls `op` on the manager of `handle` with the caller's bytes (or passes on
/// why there are none), leaves its answer, its error or a panic's message in
/// `out`, and says which. Crate-private: `handle` must be a live handle of a
/// manager (the entry points' callers guarantee it; nothing here can check it).
pub(crate) fn run(
    handle: i64,
    input: Result<&[u8], String>,
    out: &mut Vec<u8>,
    op: impl FnOnce(&OfflinePushManager, &[u8], &mut Vec<u8>) -> Result<Result<(), OfflinePushError>, WireError>,
) -> i64 {
    out.clear();
    let outcome = input.and_then(|input| {
        catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: a handle UniFFI made for this manager, alive for the call.
            let manager: Arc<OfflinePushManager> = unsafe {
                <OfflinePushManager as HandleAlloc<UniFfiTag>>::get_arc(Handle::from_raw_unchecked(
                    handle as u64,
                ))
            };
            op(&manager, input, out)
        }))
        .map_err(|panic| {
            panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "Rust panic".to_string())
        })
        .and_then(|read| read.map_err(|WireError(e)| format!("fast path: the argument does not decode: {e}")))
    });
    match outcome {
        Ok(Ok(())) => OK,
        Ok(Err(error)) => {
            out.clear();
            <OfflinePushError as Lower<UniFfiTag>>::write(error, out);
            ERROR
        }
        Err(message) => {
            out.clear();
            <String as Lower<UniFfiTag>>::write(message, out);
            PANIC
        }
    }
}

/// The hot calls, on bytes: what the JNI entry points (`fast_path.rs`) and
/// Swift's C entry point (`swift_path.rs`) run. Public (hidden) for the
/// benchmarks: safe to call, they take the manager itself.
pub mod ops {
    use super::*;

    type Answer = Result<Result<(), OfflinePushError>, WireError>;

    /// `OfflinePushManager::render`.
    pub fn render(m: &OfflinePushManager, input: &[u8], out: &mut Vec<u8>) -> Answer {
        Reader::with_message(input, |message| {
            m.engine
                .render(message)
                .map(|outcome| Writer::new(out, input).outcome(&outcome))
                .map_err(Into::into)
        })
    }

    /// `OfflinePushManager::render_batch`: each message read, rendered and
    /// written in turn, against one look at the store.
    pub fn render_batch(m: &OfflinePushManager, input: &[u8], out: &mut Vec<u8>) -> Answer {
        batch(input, out, m.engine.renderer(), |renderer, message, writer| {
            renderer.render(message).map(|outcome| writer.outcome(&outcome))
        })
    }

    /// `OfflinePushManager::receive`.
    pub fn receive(m: &OfflinePushManager, input: &[u8], out: &mut Vec<u8>) -> Answer {
        Reader::with_message(input, |message| {
            m.engine
                .receive(message)
                .map(|outcome| Writer::new(out, input).outcome(&outcome))
                .map_err(Into::into)
        })
    }

    /// `OfflinePushManager::preview`.
    pub fn preview(m: &OfflinePushManager, input: &[u8], out: &mut Vec<u8>) -> Answer {
        Reader::with_message(input, |message| {
            m.engine
                .preview(message)
                .map(|preview| Writer::new(out, input).string(&preview))
                .map_err(Into::into)
        })
    }

    /// `OfflinePushManager::preview_batch`: each message read and previewed in turn.
    pub fn preview_batch(m: &OfflinePushManager, input: &[u8], out: &mut Vec<u8>) -> Answer {
        batch(input, out, m.engine.previewer(), |previewer, message, writer| {
            writer.string(&previewer.preview(message));
            Ok(())
        })
    }

    /// A `sequence<IncomingMessage>` answered by a sequence: the count read,
    /// then `each` given every message in turn, where it was read, with what
    /// `start` made (one look at the store) and the writer.
    #[inline(always)]
    fn batch<'i, S>(
        input: &'i [u8],
        out: &mut Vec<u8>,
        start: Result<S, crate::error::Error>,
        mut each: impl FnMut(&mut S, &MessageView<'i>, &mut Writer<'_, 'i>) -> Result<(), crate::error::Error>,
    ) -> Answer {
        let mut reader = Reader::new(input);
        let count = reader.count()?;
        let mut state = match start {
            Ok(state) => state,
            Err(error) => return Ok(Err(error.into())),
        };
        let mut writer = Writer::new(out, input);
        writer.count(count);
        for _ in 0..count {
            if let Err(error) = reader.next_message(|message| each(&mut state, message, &mut writer))? {
                return Ok(Err(error.into()));
            }
        }
        reader.finish()?;
        Ok(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    //! The core of every entry point (`run`, `ops`), without a JVM or Swift; the
    //! JNI and C shims run under every Kotlin and Swift test and vector.
    use super::*;
    use crate::model::{
        ConversationType, IncomingMessage, MessageElement, MessageSender, OfflinePushConfig, Platform,
    };
    use crate::wire::samples::{message as sample, resolve};
    use uniffi::Lift;

    fn manager(store_directory: Option<String>) -> (Arc<OfflinePushManager>, i64) {
        let manager = OfflinePushManager::new(OfflinePushConfig {
            platform: Platform::Android,
            store_directory,
        })
        .unwrap();
        let handle = <OfflinePushManager as HandleAlloc<UniFfiTag>>::new_handle(manager.clone());
        (manager, handle.as_raw() as i64)
    }

    fn message(text: &str) -> IncomingMessage {
        IncomingMessage {
            message_id: Some("m1".into()),
            conversation_type: ConversationType::C2c,
            sender: MessageSender {
                user_id: "alice".into(),
                nickname: None,
                name_card: None,
            },
            group: None,
            elements: vec![MessageElement::Text { text: text.into() }],
            push_settings: None,
            timestamp: 1,
        }
    }

    fn bytes<T: Lower<UniFfiTag>>(value: T) -> Vec<u8> {
        let mut bytes = Vec::new();
        T::write(value, &mut bytes);
        bytes
    }

    /// The whole call on bytes, as `call` runs it between its two copies.
    fn render(handle: i64, input: &[u8], out: &mut Vec<u8>) -> i64 {
        run(handle, Ok(input), out, ops::render)
    }

    #[test]
    fn render_answers_what_the_exported_method_answers_t1_c2() {
        let (manager, handle) = manager(None);
        manager.login("bob".into()).unwrap();
        let mut out = Vec::new();
        let input = bytes(message("hi"));
        assert_eq!(render(handle, &input, &mut out), OK);
        let expected = bytes(manager.render(message("hi")).unwrap());
        assert!(
            out.len() < expected.len(),
            "the title and the ids refer to the message's"
        );
        assert_eq!(resolve(&out, &input), expected);
        for seed in 0..200 {
            let input = bytes(sample(seed));
            let expected = bytes(manager.render(sample(seed)).unwrap());
            assert_eq!(render(handle, &input, &mut out), OK);
            assert_eq!(resolve(&out, &input), expected, "seed {seed}");
        }
    }

    #[test]
    fn an_error_crosses_as_the_error_uniffi_writes() {
        // A store that is gone while suspended: the next call opens it again and fails.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let (manager, handle) = manager(Some(path.display().to_string()));
        manager.login("bob".into()).unwrap();
        manager.suspend().unwrap();
        std::fs::remove_dir_all(&path).unwrap();
        std::fs::write(&path, b"not a directory").unwrap();
        let expected = manager.render(message("hi")).unwrap_err();
        assert!(matches!(expected, OfflinePushError::Storage(_)), "{expected:?}");
        let mut out = Vec::new();
        assert_eq!(render(handle, &bytes(message("hi")), &mut out), ERROR);
        assert_eq!(
            out,
            bytes(expected),
            "a flat error: its variant's number and its message"
        );
    }

    #[test]
    fn bytes_that_do_not_decode_are_a_panic_message_not_a_crash() {
        let (manager, handle) = manager(None);
        manager.login("bob".into()).unwrap();
        let mut good = bytes(message("hi"));
        let mut out = Vec::new();
        let cut = good[..5].to_vec();
        good.extend_from_slice(&[0, 0]);
        for input in [&cut[..], &good[..], &[0xff; 64][..]] {
            assert_eq!(render(handle, input, &mut out), PANIC);
            let mut answer = &out[..];
            let text = <String as Lift<UniFfiTag>>::try_read(&mut answer).unwrap();
            assert!(
                text.starts_with("fast path: the argument does not decode"),
                "{text}"
            );
        }
        let refused = run(
            handle,
            Err("the array could not be read".into()),
            &mut out,
            |_, _, _| unreachable!(),
        );
        assert_eq!(refused, PANIC);
        assert_eq!(
            <String as Lift<UniFfiTag>>::try_read(&mut &out[..]).unwrap(),
            "the array could not be read"
        );
    }

    #[test]
    fn a_panic_in_the_call_is_a_message_r1() {
        let (_, handle) = manager(None);
        let mut out = Vec::new();
        let code = run(handle, Ok(&bytes(message("hi"))), &mut out, |_, _, _| {
            panic!("a bug")
        });
        assert_eq!(code, PANIC);
        assert_eq!(
            <String as Lift<UniFfiTag>>::try_read(&mut &out[..]).unwrap(),
            "a bug"
        );
    }
}
