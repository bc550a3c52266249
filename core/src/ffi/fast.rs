//! The fast paths of the hot calls (`hot_calls.rs`) on UniFFI's own bytes: one
//! JNI entry point for Kotlin and one C function for Swift, beside UniFFI's
//! scaffolding. Each borrows the manager's handle, reads the message where it is
//! (`wire.rs`), calls the engine as the exported method does, and writes the
//! answer as UniFFI writes it. docs/CROSSING.md says why and what each piece buys.

use crate::error::OfflinePushError;
use crate::ffi::manager::OfflinePushManager;
use crate::ffi::wire::{write_count, write_outcome, write_string, Reader, WireError};
use crate::view::MessageView;
use crate::UniFfiTag;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use uniffi::{Handle, HandleAlloc, Lower};

/// What the answer holds: the value, an `OfflinePushError`, or a bug's message
/// (a panic, or bytes that do not decode).
pub(crate) const OK: i64 = 0;
pub(crate) const ERROR: i64 = 1;
pub(crate) const PANIC: i64 = 2;

type Answer = Result<Result<(), OfflinePushError>, WireError>;

/// A hot call: reads the argument, calls the engine, writes the answer (not an error).
pub(crate) type Op = fn(&OfflinePushManager, &[u8], &mut Vec<u8>) -> Answer;

macro_rules! hot_calls {
    ($($name:ident($argument:ident: $input:tt) -> $output:tt;)*) => {
        /// The hot calls by op code, in the order of `hot_calls.rs`.
        const OPS: &[Op] = &[$(ops::$name),*];
    };
}
include!("hot_calls.rs");

/// The hot call of op code `code`.
fn op_of(code: i32) -> Result<Op, String> {
    let op = usize::try_from(code).ok().and_then(|code| OPS.get(code));
    op.copied().ok_or_else(|| format!("fast path: no call {code}"))
}

/// Calls `op` on the manager of `handle` with the caller's bytes, leaves the
/// answer, the error or a bug's message in `out`, and says which. Crate-private:
/// a `handle` not 0 must be a live manager's (the entry points' callers say so).
pub(crate) fn run(
    op: Result<Op, String>,
    handle: u64,
    input: Result<&[u8], String>,
    out: &mut Vec<u8>,
) -> i64 {
    out.clear();
    let called = match (op, input) {
        (_, _) if handle == 0 => Err("fast path: no handle".to_string()),
        (Ok(op), Ok(input)) => Ok((op, input)),
        (Err(why), _) | (_, Err(why)) => Err(why),
    };
    let outcome = called.and_then(|(op, input)| {
        catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: a handle UniFFI made for this manager, alive for the call.
            let manager: Arc<OfflinePushManager> = unsafe {
                <OfflinePushManager as HandleAlloc<UniFfiTag>>::get_arc(Handle::from_raw_unchecked(handle))
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

/// The hot calls, on bytes: each as its exported method, a batch read, rendered
/// and written one message at a time under one look at the store. Public
/// (hidden) for the benchmarks: safe to call, they take the manager itself.
pub mod ops {
    use super::*;
    use crate::error::Error;

    pub fn render(m: &OfflinePushManager, input: &[u8], out: &mut Vec<u8>) -> Answer {
        one(input, out, |message, out| {
            m.engine.render(message).map(|o| write_outcome(out, &o))
        })
    }

    pub fn render_batch(m: &OfflinePushManager, input: &[u8], out: &mut Vec<u8>) -> Answer {
        batch(input, out, m.engine.renderer(), |renderer, message, out| {
            renderer.render(message).map(|o| write_outcome(out, &o))
        })
    }

    pub fn receive(m: &OfflinePushManager, input: &[u8], out: &mut Vec<u8>) -> Answer {
        one(input, out, |message, out| {
            m.engine.receive(message).map(|o| write_outcome(out, &o))
        })
    }

    pub fn preview(m: &OfflinePushManager, input: &[u8], out: &mut Vec<u8>) -> Answer {
        one(input, out, |message, out| {
            m.engine.preview(message).map(|p| write_string(out, &p))
        })
    }

    pub fn preview_batch(m: &OfflinePushManager, input: &[u8], out: &mut Vec<u8>) -> Answer {
        batch(input, out, m.engine.previewer(), |previewer, message, out| {
            write_string(out, &previewer.preview(message));
            Ok(())
        })
    }

    /// One `IncomingMessage`, handed to `each` where it was read.
    #[inline(always)]
    fn one(
        input: &[u8],
        out: &mut Vec<u8>,
        each: impl FnOnce(&MessageView<'_>, &mut Vec<u8>) -> Result<(), Error>,
    ) -> Answer {
        Reader::with_message(input, |message| each(message, out).map_err(Into::into))
    }

    /// A sequence of messages answered by a sequence: `each` is given every
    /// message where it was read, with what `start` made.
    #[inline(always)]
    fn batch<'i, S>(
        input: &'i [u8],
        out: &mut Vec<u8>,
        start: Result<S, Error>,
        mut each: impl FnMut(&mut S, &MessageView<'i>, &mut Vec<u8>) -> Result<(), Error>,
    ) -> Answer {
        let mut reader = Reader::new(input);
        let count = reader.count()?;
        let mut state = match start {
            Ok(state) => state,
            Err(error) => return Ok(Err(error.into())),
        };
        write_count(out, count);
        for _ in 0..count {
            if let Err(error) = reader.next_message(|message| each(&mut state, message, out))? {
                return Ok(Err(error.into()));
            }
        }
        reader.finish()?;
        Ok(Ok(()))
    }
}

thread_local! {
    /// Kotlin's bytes and the answer, reused by the thread's calls; taken for a
    /// call (a listener that `receive` tells may call again) and put back after.
    static SCRATCH: RefCell<(Vec<u8>, Vec<u8>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Kotlin's entry point (FastPath.kt; iOS has no JVM): hot call `op` on the
/// manager of `handle` (kept alive by the Kotlin object's call counter) with the
/// first `length` bytes of `array`. Returns the array holding the answer after its
/// code and length: `array`, or a new one (null if the JVM has no memory for it).
///
/// # Safety
/// Called by the JVM with this thread's environment and a live `byte[]` of
/// `capacity` bytes (Kotlin passes its size): within it no copy throws.
#[cfg(not(target_vendor = "apple"))]
#[no_mangle]
pub unsafe extern "system" fn Java_org_offlinepush_UniffiFastPath_call(
    env: *mut jni_sys::JNIEnv,
    _class: jni_sys::jclass,
    op: i32,
    handle: i64,
    array: jni_sys::jbyteArray,
    capacity: i32,
    length: i32,
) -> jni_sys::jbyteArray {
    if env.is_null() || array.is_null() || !(0..=capacity).contains(&length) {
        return std::ptr::null_mut();
    }
    let (mut input, mut out) = SCRATCH.with(RefCell::take);
    input.resize(length as usize, 0);
    // SAFETY: as the caller guarantees.
    let jni = unsafe { &(**env).v1_1 };
    unsafe { (jni.GetByteArrayRegion)(env, array, 0, length, input.as_mut_ptr().cast()) };
    let code = run(op_of(op), handle as u64, Ok(&input), &mut out);
    let size = i32::try_from(out.len() + 8).ok();
    let answer = match size {
        Some(size) if size <= capacity => array,
        // SAFETY: as above; null (an OutOfMemoryError pending) is passed on.
        Some(size) => unsafe { (jni.NewByteArray)(env, size) },
        None => std::ptr::null_mut(),
    };
    if let (false, Some(size)) = (answer.is_null(), size) {
        let head = [(code as i32).to_be_bytes(), (size - 8).to_be_bytes()].concat();
        // SAFETY: `answer` holds `size` bytes.
        unsafe {
            (jni.SetByteArrayRegion)(env, answer, 0, 8, head.as_ptr().cast());
            (jni.SetByteArrayRegion)(env, answer, 8, size - 8, out.as_ptr().cast());
        }
    }
    SCRATCH.with(|scratch| scratch.replace((input, out)));
    answer
}

/// Swift's entry point (`OfflinePushFast.h`): hot call `op` on the manager of
/// `handle` with the `length` bytes at `input`; points `answer` at the answer,
/// valid until this thread's next fast call, and returns its code.
///
/// # Safety
/// `handle` is a live manager's (its Swift object alive for the call), `input`
/// has `length` bytes (or is null for 0), `answer` and `answer_length` are writable.
#[no_mangle]
pub unsafe extern "C" fn offline_push_fast_call(
    op: i32,
    handle: u64,
    input: *const u8,
    length: i32,
    answer: *mut *const u8,
    answer_length: *mut i32,
) -> i32 {
    if answer.is_null() || answer_length.is_null() {
        return PANIC as i32;
    }
    let bytes = match (input.is_null(), usize::try_from(length)) {
        (_, Ok(0)) => Ok(&[][..]),
        (false, Ok(length)) => Ok(std::slice::from_raw_parts(input, length)),
        _ => Err("fast path: no argument".to_string()),
    };
    let (kept, mut out) = SCRATCH.with(RefCell::take);
    let code = run(op_of(op), handle, bytes, &mut out);
    *answer = out.as_ptr();
    *answer_length = i32::try_from(out.len()).unwrap_or(i32::MAX);
    SCRATCH.with(|scratch| scratch.replace((kept, out)));
    code as i32
}

#[cfg(test)]
mod tests {
    //! The core of both entry points (`run`, `ops`), without a JVM or Swift; the
    //! entry points themselves run under every Kotlin and Swift test and vector.
    use super::*;
    use crate::ffi::wire::samples::message as sample;
    use crate::model::{
        ConversationType, IncomingMessage, MessageElement, MessageSender, OfflinePushConfig, Platform,
    };
    use uniffi::Lift;

    fn manager(store_directory: Option<String>) -> (Arc<OfflinePushManager>, u64) {
        let manager = OfflinePushManager::new(OfflinePushConfig {
            platform: Platform::Android,
            store_directory,
        })
        .unwrap();
        let handle = <OfflinePushManager as HandleAlloc<UniFfiTag>>::new_handle(manager.clone());
        (manager, handle.as_raw())
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
            mentioned_user_ids: Vec::new(),
            mentions_all: false,
        }
    }

    fn bytes<T: Lower<UniFfiTag>>(value: T) -> Vec<u8> {
        let mut bytes = Vec::new();
        T::write(value, &mut bytes);
        bytes
    }

    /// The whole call on bytes, as `call` runs it between its two copies.
    fn render(handle: u64, input: &[u8], out: &mut Vec<u8>) -> i64 {
        run(op_of(0), handle, Ok(input), out)
    }

    #[test]
    fn render_answers_what_the_exported_method_answers_t1_c2() {
        let (manager, handle) = manager(None);
        manager.login("bob".into()).unwrap();
        let mut out = Vec::new();
        let input = bytes(message("hi"));
        assert_eq!(render(handle, &input, &mut out), OK);
        assert_eq!(out, bytes(manager.render(message("hi")).unwrap()));
        for seed in 0..200 {
            let input = bytes(sample(seed));
            let expected = bytes(manager.render(sample(seed)).unwrap());
            assert_eq!(render(handle, &input, &mut out), OK);
            assert_eq!(out, expected, "seed {seed}");
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
            op_of(0),
            handle,
            Err("the array could not be read".into()),
            &mut out,
        );
        assert_eq!(refused, PANIC);
        assert_eq!(
            <String as Lift<UniFfiTag>>::try_read(&mut &out[..]).unwrap(),
            "the array could not be read"
        );
        for (code, handle, why) in [
            (5, handle, "fast path: no call 5"),
            (0, 0, "fast path: no handle"),
        ] {
            assert_eq!(run(op_of(code), handle, Ok(&good), &mut out), PANIC);
            assert_eq!(<String as Lift<UniFfiTag>>::try_read(&mut &out[..]).unwrap(), why);
        }
    }

    #[test]
    fn a_panic_in_the_call_is_a_message_r1() {
        let (_, handle) = manager(None);
        let mut out = Vec::new();
        let code = run(
            Ok(|_, _, _| panic!("a bug")),
            handle,
            Ok(&bytes(message("hi"))),
            &mut out,
        );
        assert_eq!(code, PANIC);
        assert_eq!(
            <String as Lift<UniFfiTag>>::try_read(&mut &out[..]).unwrap(),
            "a bug"
        );
    }
}
