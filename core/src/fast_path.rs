//! The Kotlin fast path: the hot calls of `OfflinePushManager` (`render`,
//! `renderBatch`, `receive`, `preview`, `previewBatch`) as JNI entry points, for
//! the JVM and Android, beside UniFFI's JNA path (BENCHMARKS.md, "The crossing").
//!
//! What crosses is what UniFFI's own path carries, in UniFFI's own byte format:
//! the Kotlin side writes the argument with the generated `FfiConverter`s into a
//! direct buffer its thread reuses, passes the buffer's address, and reads the
//! answer back from the same buffer with the generated converters; this side
//! reads and writes with UniFFI's `Lift` and `Lower`, and calls the same exported
//! method the JNA path calls. Only the transport differs: a JNI call with
//! primitive arguments (no `Structure`, no `Memory`, no handle clone, no
//! `RustBuffer` to allocate and free), so every test and vector that runs through
//! `render` in Kotlin runs through this.
//!
//! Each entry point takes the manager's handle (borrowed: the Kotlin object's call
//! counter keeps it alive for the call, as UniFFI's own `callWithHandle` does), the
//! buffer's address, the argument's length and the buffer's capacity, and returns
//! `code << 32 | length`: [`OK`] with the answer, [`ERROR`] with an
//! `OfflinePushError`, [`PANIC`] with a message (a bug, as UniFFI's unexpected
//! error), or [`TOO_BIG`] with the length the answer needs: the answer waits in a
//! per-thread slot until `takeStash` copies it into a buffer that large, so a call
//! that changes state (`receive`) never runs twice.

use crate::error::OfflinePushError;
use crate::manager::OfflinePushManager;
use crate::model::{IncomingMessage, RenderOutcome};
use crate::UniFfiTag;
use std::cell::RefCell;
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use uniffi::{Handle, HandleAlloc, Lift, Lower};

/// The call returned; its value is in the buffer.
pub const OK: i64 = 0;
/// The call threw an `OfflinePushError`; it is in the buffer.
pub const ERROR: i64 = 1;
/// A bug (a panic, or bytes that do not decode); the message is in the buffer.
pub const PANIC: i64 = 2;
/// The answer needs a larger buffer; `takeStash` hands it over.
pub const TOO_BIG: i64 = 3;

thread_local! {
    /// The encoded answer, reused by every call on this thread.
    static OUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// An answer too large for the caller's buffer, until `takeStash`.
    static STASH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// JNI's environment and receiver, which no entry point needs: every argument
/// is a primitive.
type JniEnv = *mut c_void;
type JniObject = *mut c_void;

enum Answer {
    Value,
    Error,
    Panic,
}

/// Runs one call: reads `A` from the buffer, calls `f`, writes its value or
/// error (or a panic's message) back into the buffer.
fn call<A, R>(
    handle: i64,
    address: i64,
    length: i32,
    capacity: i32,
    f: impl FnOnce(&OfflinePushManager, A) -> Result<R, OfflinePushError>,
) -> i64
where
    A: Lift<UniFfiTag>,
    R: Lower<UniFfiTag>,
{
    if address == 0 || length < 0 || capacity < length || handle == 0 {
        return PANIC << 32;
    }
    // SAFETY: the Kotlin side passes the address of a live direct buffer of
    // `capacity` bytes, of which the first `length` hold the argument, and keeps
    // both the buffer and the manager alive until this returns.
    let input = unsafe { std::slice::from_raw_parts(address as usize as *const u8, length as usize) };
    // Decode first: the answer overwrites the same buffer.
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut bytes = input;
        let argument =
            A::try_read(&mut bytes).map_err(|e| format!("fast path: the argument does not decode: {e}"))?;
        if !bytes.is_empty() {
            return Err(format!(
                "fast path: the argument does not decode: {} bytes left over",
                bytes.len()
            ));
        }
        // SAFETY: a handle UniFFI made for this manager, alive for the call.
        let manager: Arc<OfflinePushManager> = unsafe {
            <OfflinePushManager as HandleAlloc<UniFfiTag>>::get_arc(Handle::from_raw_unchecked(handle as u64))
        };
        Ok::<_, String>(f(&manager, argument))
    }));
    // Encode with no borrow held during the call above: a listener that `receive`
    // tells may call the fast path again on this thread.
    OUT.with_borrow_mut(|out| {
        out.clear();
        let answer = match outcome {
            Ok(Ok(Ok(value))) => {
                R::write(value, out);
                Answer::Value
            }
            Ok(Ok(Err(error))) => {
                <OfflinePushError as Lower<UniFfiTag>>::write(error, out);
                Answer::Error
            }
            Ok(Err(message)) => {
                <String as Lower<UniFfiTag>>::write(message, out);
                Answer::Panic
            }
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "Rust panic".to_string());
                <String as Lower<UniFfiTag>>::write(message, out);
                Answer::Panic
            }
        };
        let code = match answer {
            Answer::Value => OK,
            Answer::Error => ERROR,
            Answer::Panic => PANIC,
        };
        hand_over(out, address, capacity, code)
    })
}

/// Copies `out` into the caller's buffer, or keeps it for `takeStash`.
fn hand_over(out: &[u8], address: i64, capacity: i32, code: i64) -> i64 {
    let Ok(length) = i32::try_from(out.len()) else {
        return PANIC << 32;
    };
    if length > capacity {
        STASH.with_borrow_mut(|stash| {
            stash.clear();
            stash.push(code as u8);
            stash.extend_from_slice(out);
        });
        return TOO_BIG << 32 | i64::from(length);
    }
    // SAFETY: the caller's buffer holds `capacity` bytes (see `call`).
    unsafe { std::ptr::copy_nonoverlapping(out.as_ptr(), address as usize as *mut u8, out.len()) };
    code << 32 | i64::from(length)
}

/// Hands over the answer a call left for a larger buffer (see [`TOO_BIG`]).
#[no_mangle]
pub extern "system" fn Java_org_offlinepush_UniffiFastPath_takeStash(
    _env: JniEnv,
    _this: JniObject,
    address: i64,
    capacity: i32,
) -> i64 {
    STASH.with_borrow_mut(|stash| {
        let Some((&code, answer)) = stash.split_first() else {
            return PANIC << 32;
        };
        if address == 0 || answer.len() > capacity.max(0) as usize {
            return PANIC << 32;
        }
        // SAFETY: the caller's buffer holds `capacity` bytes.
        unsafe { std::ptr::copy_nonoverlapping(answer.as_ptr(), address as usize as *mut u8, answer.len()) };
        let answer = i64::from(code) << 32 | answer.len() as i64;
        stash.clear();
        stash.shrink_to(64 * 1024);
        answer
    })
}

/// `OfflinePushManager::render`.
#[no_mangle]
pub extern "system" fn Java_org_offlinepush_UniffiFastPath_render(
    _env: JniEnv,
    _this: JniObject,
    handle: i64,
    address: i64,
    length: i32,
    capacity: i32,
) -> i64 {
    call(
        handle,
        address,
        length,
        capacity,
        |m, message: IncomingMessage| m.render(message),
    )
}

/// `OfflinePushManager::render_batch`.
#[no_mangle]
pub extern "system" fn Java_org_offlinepush_UniffiFastPath_renderBatch(
    _env: JniEnv,
    _this: JniObject,
    handle: i64,
    address: i64,
    length: i32,
    capacity: i32,
) -> i64 {
    call(
        handle,
        address,
        length,
        capacity,
        |m, messages: Vec<IncomingMessage>| m.render_batch(messages),
    )
}

/// `OfflinePushManager::receive`.
#[no_mangle]
pub extern "system" fn Java_org_offlinepush_UniffiFastPath_receive(
    _env: JniEnv,
    _this: JniObject,
    handle: i64,
    address: i64,
    length: i32,
    capacity: i32,
) -> i64 {
    call(
        handle,
        address,
        length,
        capacity,
        |m, message: IncomingMessage| -> Result<RenderOutcome, _> { m.receive(message) },
    )
}

/// `OfflinePushManager::preview`.
#[no_mangle]
pub extern "system" fn Java_org_offlinepush_UniffiFastPath_preview(
    _env: JniEnv,
    _this: JniObject,
    handle: i64,
    address: i64,
    length: i32,
    capacity: i32,
) -> i64 {
    call(
        handle,
        address,
        length,
        capacity,
        |m, message: IncomingMessage| m.preview(message),
    )
}

/// `OfflinePushManager::preview_batch`.
#[no_mangle]
pub extern "system" fn Java_org_offlinepush_UniffiFastPath_previewBatch(
    _env: JniEnv,
    _this: JniObject,
    handle: i64,
    address: i64,
    length: i32,
    capacity: i32,
) -> i64 {
    call(
        handle,
        address,
        length,
        capacity,
        |m, messages: Vec<IncomingMessage>| m.preview_batch(messages),
    )
}

/// A call that does nothing, for the benchmark's floor of a JNI crossing.
#[no_mangle]
pub extern "system" fn Java_org_offlinepush_UniffiFastPath_nothing(
    _env: JniEnv,
    _this: JniObject,
    handle: i64,
) -> i64 {
    handle
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ConversationType, MessageElement, MessageSender, OfflinePushConfig, Platform};

    fn manager_handle() -> (Arc<OfflinePushManager>, i64) {
        let manager = OfflinePushManager::new(OfflinePushConfig {
            platform: Platform::Android,
            store_directory: None,
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

    const NO_ENV: JniEnv = std::ptr::null_mut();
    const NO_THIS: JniObject = std::ptr::null_mut();

    /// The argument's length, and a buffer of at least `capacity` bytes holding it.
    fn encoded<T: Lower<UniFfiTag>>(value: T, capacity: usize) -> (i32, Vec<u8>) {
        let mut bytes = Vec::new();
        T::write(value, &mut bytes);
        let length = bytes.len() as i32;
        bytes.resize(capacity.max(bytes.len()), 0);
        (length, bytes)
    }

    #[test]
    fn render_answers_what_the_exported_method_answers() {
        let (manager, handle) = manager_handle();
        manager.login("bob".into()).unwrap();
        let m = message("hi");
        let (length, mut buffer) = encoded(m.clone(), 4096);
        let answer = Java_org_offlinepush_UniffiFastPath_render(
            NO_ENV,
            NO_THIS,
            handle,
            buffer.as_mut_ptr() as i64,
            length,
            4096,
        );
        assert_eq!(answer >> 32, OK);
        let mut out = &buffer[..(answer & 0xffff_ffff) as usize];
        let outcome = <RenderOutcome as Lift<UniFfiTag>>::try_read(&mut out).unwrap();
        assert!(out.is_empty());
        assert_eq!(outcome, manager.render(m).unwrap());
    }

    #[test]
    fn an_error_crosses_as_the_error() {
        // A store that is gone while suspended: the next call opens it again and fails.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let manager = OfflinePushManager::new(OfflinePushConfig {
            platform: Platform::Android,
            store_directory: Some(path.display().to_string()),
        })
        .unwrap();
        let handle =
            <OfflinePushManager as HandleAlloc<UniFfiTag>>::new_handle(manager.clone()).as_raw() as i64;
        manager.login("bob".into()).unwrap();
        manager.suspend().unwrap();
        std::fs::remove_dir_all(&path).unwrap();
        std::fs::write(&path, b"not a directory").unwrap();
        let expected = manager.render(message("hi")).unwrap_err();
        let (length, mut buffer) = encoded(message("hi"), 4096);
        let answer = Java_org_offlinepush_UniffiFastPath_render(
            NO_ENV,
            NO_THIS,
            handle,
            buffer.as_mut_ptr() as i64,
            length,
            4096,
        );
        assert_eq!(answer >> 32, ERROR);
        // A flat error, as UniFFI writes it: the variant's number (from 1) and its message.
        let mut out = &buffer[..(answer & 0xffff_ffff) as usize];
        let variant = <i32 as Lift<UniFfiTag>>::try_read(&mut out).unwrap();
        let text = <String as Lift<UniFfiTag>>::try_read(&mut out).unwrap();
        assert!(out.is_empty());
        assert!(matches!(expected, OfflinePushError::Storage(_)), "{expected:?}");
        let mut written = Vec::new();
        <OfflinePushError as Lower<UniFfiTag>>::write(expected.clone(), &mut written);
        assert_eq!(&buffer[..written.len()], &written[..]);
        assert_eq!(text, expected.to_string());
        assert!(variant > 0);
    }

    #[test]
    fn bytes_that_do_not_decode_are_a_panic_message_not_a_crash() {
        let (manager, handle) = manager_handle();
        manager.login("bob".into()).unwrap();
        let (_, mut buffer) = encoded(message("hi"), 4096);
        for length in [5, 4096] {
            let answer = Java_org_offlinepush_UniffiFastPath_render(
                NO_ENV,
                NO_THIS,
                handle,
                buffer.as_mut_ptr() as i64,
                length,
                4096,
            );
            assert_eq!(answer >> 32, PANIC);
            let mut out = &buffer[..(answer & 0xffff_ffff) as usize];
            let text = <String as Lift<UniFfiTag>>::try_read(&mut out).unwrap();
            assert!(
                text.starts_with("fast path: the argument does not decode"),
                "{text}"
            );
            buffer = encoded(message("hi"), 4096).1;
        }
        let no_buffer = Java_org_offlinepush_UniffiFastPath_render(NO_ENV, NO_THIS, handle, 0, 0, 0);
        assert_eq!(no_buffer >> 32, PANIC);
    }

    #[test]
    fn an_answer_larger_than_the_buffer_waits_for_take_stash_and_the_call_runs_once() {
        let (manager, handle) = manager_handle();
        manager.login("bob".into()).unwrap();
        let long = "x".repeat(10_000);
        let m = message(&long);
        let (length, mut buffer) = encoded(m, 0);
        let answer = Java_org_offlinepush_UniffiFastPath_receive(
            NO_ENV,
            NO_THIS,
            handle,
            buffer.as_mut_ptr() as i64,
            length,
            length,
        );
        assert_eq!(answer >> 32, TOO_BIG);
        let needed = (answer & 0xffff_ffff) as usize;
        assert!(needed > length as usize);
        let mut larger = vec![0u8; needed];
        let taken = Java_org_offlinepush_UniffiFastPath_takeStash(
            NO_ENV,
            NO_THIS,
            larger.as_mut_ptr() as i64,
            needed as i32,
        );
        assert_eq!(taken >> 32, OK);
        let mut out = &larger[..(taken & 0xffff_ffff) as usize];
        let RenderOutcome::Show { notification } =
            <RenderOutcome as Lift<UniFfiTag>>::try_read(&mut out).unwrap()
        else {
            panic!("shown")
        };
        assert_eq!(notification.badge_count, Some(1), "received once");
        assert_eq!(manager.badge_total().unwrap(), 1);
    }
}
