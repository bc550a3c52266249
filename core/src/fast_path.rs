//! The Kotlin fast path: the hot calls of `OfflinePushManager` (`render`,
//! `renderBatch`, `receive`, `preview`, `previewBatch`) as JNI entry points, for
//! the JVM and Android, beside UniFFI's JNA path (BENCHMARKS.md, "The crossing").
//!
//! What crosses is what UniFFI's own path carries, in UniFFI's own byte format:
//! the Kotlin side writes the argument with the generated `FfiConverter`s into a
//! byte array its thread reuses, this side reads it with UniFFI's `Lift`, calls
//! the same exported method the JNA path calls, and writes the answer with
//! UniFFI's `Lower` back into the same array, which Kotlin reads with the
//! generated converters. Only the transport differs: one JNI call with an array
//! and primitives (no JNA `Structure`, no `Memory`, no handle clone, no
//! `RustBuffer` to allocate and free), so every test and vector that runs
//! through `render` in Kotlin runs through this.
//!
//! The array is held only while bytes are copied (`GetPrimitiveArrayCritical`,
//! which lets no Java run): the argument is read out first, the call runs with
//! the array released (`receive` tells a listener, in Java), then the answer is
//! copied in. Each entry point takes the manager's handle (borrowed: the Kotlin
//! object's call counter keeps it alive for the call, as UniFFI's own
//! `callWithHandle` does), the array and the argument's length, and returns
//! `code << 32 | length`: [`OK`] with the answer, [`ERROR`] with an
//! `OfflinePushError`, [`PANIC`] with a message (a bug, as UniFFI's unexpected
//! error), or [`TOO_BIG`] with the length the answer needs: the answer waits in
//! a per-thread slot until `takeStash` copies it into an array that large, so a
//! call that changes state (`receive`) never runs twice.

use crate::error::OfflinePushError;
use crate::manager::OfflinePushManager;
use crate::model::IncomingMessage;
use crate::UniFfiTag;
use jni_sys::{jbyteArray, jint, jlong, jobject, JNIEnv, JNI_ABORT};
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use uniffi::{Handle, HandleAlloc, Lift, Lower};

/// The call returned; its value is in the array.
pub const OK: i64 = 0;
/// The call threw an `OfflinePushError`; it is in the array.
pub const ERROR: i64 = 1;
/// A bug (a panic, or bytes that do not decode); the message is in the array.
pub const PANIC: i64 = 2;
/// The answer needs a larger array; `takeStash` hands it over.
pub const TOO_BIG: i64 = 3;

thread_local! {
    /// The encoded answer, reused by every call on this thread.
    static OUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// An answer too large for the caller's array, until `takeStash`: its code, then its bytes.
    static STASH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Calls `f` on the manager of `handle` with the argument (or passes on why
/// there is none), writes its value, its error or a panic's message into `out`,
/// and says which.
fn run<A, R>(
    handle: i64,
    argument: Result<A, String>,
    out: &mut Vec<u8>,
    f: impl FnOnce(&OfflinePushManager, A) -> Result<R, OfflinePushError>,
) -> i64
where
    R: Lower<UniFfiTag>,
{
    let outcome = argument.and_then(|argument| {
        catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: a handle UniFFI made for this manager, alive for the call.
            let manager: Arc<OfflinePushManager> = unsafe {
                <OfflinePushManager as HandleAlloc<UniFfiTag>>::get_arc(Handle::from_raw_unchecked(
                    handle as u64,
                ))
            };
            f(&manager, argument)
        }))
        .map_err(|panic| {
            panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "Rust panic".to_string())
        })
    });
    out.clear();
    match outcome {
        Ok(Ok(value)) => {
            R::write(value, out);
            OK
        }
        Ok(Err(error)) => {
            <OfflinePushError as Lower<UniFfiTag>>::write(error, out);
            ERROR
        }
        Err(message) => {
            <String as Lower<UniFfiTag>>::write(message, out);
            PANIC
        }
    }
}

fn read_argument<A: Lift<UniFfiTag>>(bytes: &[u8]) -> Result<A, String> {
    catch_unwind(|| {
        let mut rest = bytes;
        let argument =
            A::try_read(&mut rest).map_err(|e| format!("fast path: the argument does not decode: {e}"))?;
        if rest.is_empty() {
            Ok(argument)
        } else {
            Err(format!(
                "fast path: the argument does not decode: {} bytes left over",
                rest.len()
            ))
        }
    })
    .unwrap_or_else(|_| Err("fast path: the argument does not decode".to_string()))
}

/// Runs `f` on the array's bytes, held for no longer than that (no JNI call
/// and no Java may run meanwhile; `f` only copies).
///
/// # Safety
/// `env` is the JNI environment of this thread and `array` a live `byte[]`.
unsafe fn with_bytes<T>(
    env: *mut JNIEnv,
    array: jbyteArray,
    write_back: bool,
    f: impl FnOnce(&mut [u8]) -> T,
) -> Option<T> {
    let length = ((**env).v1_1.GetArrayLength)(env, array);
    let data = ((**env).v1_2.GetPrimitiveArrayCritical)(env, array, std::ptr::null_mut());
    if data.is_null() || length < 0 {
        return None;
    }
    let result = catch_unwind(AssertUnwindSafe(|| {
        f(std::slice::from_raw_parts_mut(data.cast::<u8>(), length as usize))
    }));
    ((**env).v1_2.ReleasePrimitiveArrayCritical)(env, array, data, if write_back { 0 } else { JNI_ABORT });
    result.ok()
}

/// One entry point: the argument out of the array, the call, the answer into it
/// (or into the stash).
fn call<A, R>(
    env: *mut JNIEnv,
    handle: jlong,
    array: jbyteArray,
    length: jint,
    f: impl FnOnce(&OfflinePushManager, A) -> Result<R, OfflinePushError>,
) -> jlong
where
    A: Lift<UniFfiTag>,
    R: Lower<UniFfiTag>,
{
    if env.is_null() || array.is_null() || handle == 0 || length < 0 {
        return PANIC << 32;
    }
    // SAFETY: the JVM passes this thread's environment and a live byte[].
    let argument = unsafe {
        with_bytes(env, array, false, |bytes| match bytes.get(..length as usize) {
            Some(input) => read_argument::<A>(input),
            None => Err("fast path: the argument is longer than its array".to_string()),
        })
    }
    .unwrap_or_else(|| Err("fast path: the array could not be read".to_string()));
    // No borrow of OUT is held during the call: a listener that `receive` tells
    // may call the fast path again on this thread.
    let mut out = OUT.take();
    let code = run(handle, argument, &mut out, f);
    let answer = hand_over(env, array, &out, code);
    OUT.set(out);
    answer
}

/// Copies `out` into the caller's array, or keeps it for `takeStash`.
fn hand_over(env: *mut JNIEnv, array: jbyteArray, out: &[u8], code: i64) -> jlong {
    let Ok(length) = i32::try_from(out.len()) else {
        return PANIC << 32;
    };
    // SAFETY: as in `call`.
    let copied = unsafe {
        with_bytes(env, array, true, |bytes| match bytes.get_mut(..out.len()) {
            Some(into) => {
                into.copy_from_slice(out);
                true
            }
            None => false,
        })
    };
    match copied {
        Some(true) => code << 32 | i64::from(length),
        Some(false) => {
            STASH.with_borrow_mut(|stash| {
                stash.clear();
                stash.push(code as u8);
                stash.extend_from_slice(out);
            });
            TOO_BIG << 32 | i64::from(length)
        }
        None => PANIC << 32,
    }
}

/// Hands over the answer a call left for a larger array (see [`TOO_BIG`]).
#[no_mangle]
pub extern "system" fn Java_org_offlinepush_UniffiFastPath_takeStash(
    env: *mut JNIEnv,
    _this: jobject,
    array: jbyteArray,
) -> jlong {
    if env.is_null() || array.is_null() {
        return PANIC << 32;
    }
    let stash = STASH.take();
    let Some((&code, answer)) = stash.split_first() else {
        return PANIC << 32;
    };
    hand_over(env, array, answer, i64::from(code))
}

macro_rules! entry_point {
    ($(#[$doc:meta])* $name:ident, |$m:ident, $arg:ident: $ty:ty| $body:expr) => {
        $(#[$doc])*
        #[no_mangle]
        pub extern "system" fn $name(env: *mut JNIEnv, _this: jobject, handle: jlong, array: jbyteArray, length: jint) -> jlong {
            call(env, handle, array, length, |$m: &OfflinePushManager, $arg: $ty| $body)
        }
    };
}

entry_point!(
    /// `OfflinePushManager::render`.
    Java_org_offlinepush_UniffiFastPath_render, |m, message: IncomingMessage| m.render(message)
);
entry_point!(
    /// `OfflinePushManager::render_batch`.
    Java_org_offlinepush_UniffiFastPath_renderBatch, |m, messages: Vec<IncomingMessage>| m.render_batch(messages)
);
entry_point!(
    /// `OfflinePushManager::receive`.
    Java_org_offlinepush_UniffiFastPath_receive, |m, message: IncomingMessage| m.receive(message)
);
entry_point!(
    /// `OfflinePushManager::preview`.
    Java_org_offlinepush_UniffiFastPath_preview, |m, message: IncomingMessage| m.preview(message)
);
entry_point!(
    /// `OfflinePushManager::preview_batch`.
    Java_org_offlinepush_UniffiFastPath_previewBatch, |m, messages: Vec<IncomingMessage>| m.preview_batch(messages)
);

/// A call that does nothing, for the benchmark's floor of a JNI crossing.
#[no_mangle]
pub extern "system" fn Java_org_offlinepush_UniffiFastPath_nothing(
    _env: *mut JNIEnv,
    _this: jobject,
    handle: jlong,
) -> jlong {
    handle
}

#[cfg(test)]
mod tests {
    //! The core of every entry point (`read_argument`, `run`), without a JVM; the JNI
    //! shims run under every Kotlin test and vector (bindings/kotlin, tests/kotlin).
    use super::*;
    use crate::model::{
        ConversationType, MessageElement, MessageSender, OfflinePushConfig, Platform, RenderOutcome,
    };

    /// The whole call on bytes, as `call` does it between its two copies.
    fn call_on_bytes<A, R>(
        handle: i64,
        input: &[u8],
        out: &mut Vec<u8>,
        f: impl FnOnce(&OfflinePushManager, A) -> Result<R, OfflinePushError>,
    ) -> i64
    where
        A: Lift<UniFfiTag>,
        R: Lower<UniFfiTag>,
    {
        run(handle, read_argument::<A>(input), out, f)
    }

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

    fn render(handle: i64, input: &[u8], out: &mut Vec<u8>) -> i64 {
        call_on_bytes(handle, input, out, |m, message: IncomingMessage| {
            m.render(message)
        })
    }

    #[test]
    fn render_answers_what_the_exported_method_answers_t1_c2() {
        let (manager, handle) = manager(None);
        manager.login("bob".into()).unwrap();
        let mut out = Vec::new();
        assert_eq!(render(handle, &bytes(message("hi")), &mut out), OK);
        let mut answer = &out[..];
        let outcome = <RenderOutcome as Lift<UniFfiTag>>::try_read(&mut answer).unwrap();
        assert!(answer.is_empty());
        assert_eq!(outcome, manager.render(message("hi")).unwrap());
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
        let refused = run::<(), RenderOutcome>(
            handle,
            Err("the array could not be read".into()),
            &mut out,
            |_, ()| unreachable!(),
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
        let code = call_on_bytes(
            handle,
            &bytes(message("hi")),
            &mut out,
            |_, _: IncomingMessage| -> Result<String, _> { panic!("a bug") },
        );
        assert_eq!(code, PANIC);
        assert_eq!(
            <String as Lift<UniFfiTag>>::try_read(&mut &out[..]).unwrap(),
            "a bug"
        );
    }
}
