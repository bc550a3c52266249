//! The Kotlin fast path: the hot calls of `OfflinePushManager` (`render`,
//! `renderBatch`, `receive`, `preview`, `previewBatch`) as JNI entry points, for
//! the JVM and Android, beside UniFFI's JNA path (BENCHMARKS.md, "The crossing").
//!
//! What crosses is UniFFI's own byte format (`wire.rs`): the Kotlin side
//! writes the argument with the generated `FfiConverter`s into a byte array its
//! thread reuses, this side reads the message out of a copy of those bytes
//! without copying its strings again, calls the engine as the exported method
//! does, and writes the answer back into the same array, which Kotlin reads
//! with the generated converters. A string of the answer that is one of the
//! message's own (the title, the ids, the names) is written as a reference to
//! where Kotlin wrote it; Kotlin recorded which `String` it wrote there and
//! returns that same object (`UniffiFastPath` in FastPath.kt). One JNI call with
//! an array and primitives: no JNA `Structure`, no `Memory`, no handle clone,
//! no `RustBuffer` to allocate and free, and every test and vector that runs
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

use crate::calls::{ops, run, Op, PANIC};
use jni_sys::{jbyteArray, jint, jlong, jobject, JNIEnv, JNI_ABORT};
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The answer needs a larger array; `takeStash` hands it over.
pub const TOO_BIG: i64 = 3;

thread_local! {
    /// A copy of the caller's bytes, reused by every call on this thread.
    static IN: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The encoded answer, reused by every call on this thread.
    static OUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// An answer too large for the caller's array, until `takeStash`: its code, then its bytes.
    static STASH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
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
fn call(env: *mut JNIEnv, handle: jlong, array: jbyteArray, length: jint, op: Op) -> jlong {
    if env.is_null() || array.is_null() || handle == 0 || length < 0 {
        return PANIC << 32;
    }
    // No borrow of IN or OUT is held during the call: a listener that `receive`
    // tells may call the fast path again on this thread.
    let mut input = IN.take();
    input.clear();
    // SAFETY: the JVM passes this thread's environment and a live byte[].
    let copied = unsafe {
        with_bytes(env, array, false, |bytes| match bytes.get(..length as usize) {
            Some(argument) => {
                input.extend_from_slice(argument);
                Ok(())
            }
            None => Err("fast path: the argument is longer than its array".to_string()),
        })
    }
    .unwrap_or_else(|| Err("fast path: the array could not be read".to_string()));
    let mut out = OUT.take();
    let code = run(handle, copied.map(|()| &input[..]), &mut out, op);
    let answer = hand_over(env, array, &out, code);
    OUT.set(out);
    IN.set(input);
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
    ($(#[$doc:meta])* $name:ident, $op:path) => {
        $(#[$doc])*
        #[no_mangle]
        pub extern "system" fn $name(env: *mut JNIEnv, _this: jobject, handle: jlong, array: jbyteArray, length: jint) -> jlong {
            call(env, handle, array, length, $op)
        }
    };
}

entry_point!(
    /// `OfflinePushManager::render`.
    Java_org_offlinepush_UniffiFastPath_render, ops::render
);
entry_point!(
    /// `OfflinePushManager::render_batch`.
    Java_org_offlinepush_UniffiFastPath_renderBatch, ops::render_batch
);
entry_point!(
    /// `OfflinePushManager::receive`.
    Java_org_offlinepush_UniffiFastPath_receive, ops::receive
);
entry_point!(
    /// `OfflinePushManager::preview`.
    Java_org_offlinepush_UniffiFastPath_preview, ops::preview
);
entry_point!(
    /// `OfflinePushManager::preview_batch`.
    Java_org_offlinepush_UniffiFastPath_previewBatch, ops::preview_batch
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
