//! The Kotlin fast path: the hot calls of `OfflinePushManager` (`render`,
//! `renderBatch`, `receive`, `preview`, `previewBatch`) as JNI entry points, for
//! the JVM and Android, beside UniFFI's JNA path (docs/CROSSING.md; docs/BENCHMARKS-HISTORY.md, "The crossing").
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
//! The array is never pinned: JNI copies the argument out of it
//! (`GetByteArrayRegion`) before the call runs (`receive` tells a listener, in
//! Java), and the answer into it (`SetByteArrayRegion`) after. Each entry point takes the manager's handle (borrowed: the Kotlin
//! object's call counter keeps it alive for the call, as UniFFI's own
//! `callWithHandle` does), the array, its size and the argument's length, and returns
//! `code << 32 | length`: [`OK`] with the answer, [`ERROR`] with an
//! `OfflinePushError`, [`PANIC`] with a message (a bug, as UniFFI's unexpected
//! error), or [`TOO_BIG`] with the length the answer needs: the answer waits in
//! a per-thread slot until `takeStash` copies it into an array that large, so a
//! call that changes state (`receive`) never runs twice.

use crate::calls::{ops, run, Op, PANIC};
use jni_sys::{jbyteArray, jint, jlong, jobject, JNIEnv};
use std::cell::RefCell;

/// The answer needs a larger array; `takeStash` hands it over.
pub const TOO_BIG: i64 = 3;

thread_local! {
    /// A copy of the caller's bytes and the encoded answer, reused by every
    /// call on this thread (taken for the call, put back after it).
    static SCRATCH: RefCell<(Vec<u8>, Vec<u8>)> = const { RefCell::new((Vec::new(), Vec::new())) };
    /// An answer too large for the caller's array, until `takeStash`: its code, then its bytes.
    static STASH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Copies the first `length` bytes of `array` into `into` (JNI copies them:
/// nothing is pinned, so the garbage collector is never held up).
///
/// # Safety
/// `env` is the JNI environment of this thread, `array` a live `byte[]` and
/// `capacity` its length (Kotlin passes `array.size` beside it): within it no
/// JNI copy can throw, so none is checked for a pending exception.
unsafe fn read_array(
    env: *mut JNIEnv,
    array: jbyteArray,
    capacity: jint,
    length: jint,
    into: &mut Vec<u8>,
) -> Result<(), String> {
    if length < 0 || length > capacity {
        return Err("fast path: the argument is longer than its array".to_string());
    }
    into.clear();
    into.resize(length as usize, 0);
    ((**env).v1_1.GetByteArrayRegion)(env, array, 0, length, into.as_mut_ptr().cast());
    Ok(())
}

/// Copies `bytes` to the start of `array`; false when it does not fit.
///
/// # Safety
/// As [`read_array`].
unsafe fn write_array(env: *mut JNIEnv, array: jbyteArray, capacity: jint, bytes: &[u8]) -> bool {
    match i32::try_from(bytes.len()) {
        Ok(length) if length <= capacity => {
            ((**env).v1_1.SetByteArrayRegion)(env, array, 0, length, bytes.as_ptr().cast());
            true
        }
        _ => false,
    }
}

/// One entry point: the argument out of the array, the call, the answer into it
/// (or into the stash).
fn call(env: *mut JNIEnv, handle: jlong, array: jbyteArray, capacity: jint, length: jint, op: Op) -> jlong {
    if env.is_null() || array.is_null() || handle == 0 || length < 0 || capacity < 0 {
        return PANIC << 32;
    }
    // No borrow of SCRATCH is held during the call: a listener that `receive`
    // tells may call the fast path again on this thread.
    // One thread-local access each way (`LocalKey::set` costs more than `with`).
    let (mut input, mut out) = SCRATCH.with(RefCell::take);
    input.clear();
    // SAFETY: the JVM passes this thread's environment and a live byte[].
    let copied = unsafe { read_array(env, array, capacity, length, &mut input) };
    let code = run(handle, copied.map(|()| &input[..]), &mut out, op);
    let answer = hand_over(env, array, capacity, &out, code);
    SCRATCH.with(|scratch| scratch.replace((input, out)));
    answer
}

/// Copies `out` into the caller's array, or keeps it for `takeStash`.
fn hand_over(env: *mut JNIEnv, array: jbyteArray, capacity: jint, out: &[u8], code: i64) -> jlong {
    let Ok(length) = i32::try_from(out.len()) else {
        return PANIC << 32;
    };
    // SAFETY: as in `call`.
    if unsafe { write_array(env, array, capacity, out) } {
        return code << 32 | i64::from(length);
    }
    STASH.with_borrow_mut(|stash| {
        stash.clear();
        stash.push(code as u8);
        stash.extend_from_slice(out);
    });
    TOO_BIG << 32 | i64::from(length)
}

/// Hands over the answer a call left for a larger array (see [`TOO_BIG`]).
#[no_mangle]
pub extern "system" fn Java_org_offlinepush_UniffiFastPath_takeStash(
    env: *mut JNIEnv,
    _this: jobject,
    array: jbyteArray,
    capacity: jint,
) -> jlong {
    if env.is_null() || array.is_null() || capacity < 0 {
        return PANIC << 32;
    }
    let stash = STASH.take();
    let Some((&code, answer)) = stash.split_first() else {
        return PANIC << 32;
    };
    hand_over(env, array, capacity, answer, i64::from(code))
}

macro_rules! entry_point {
    ($(#[$doc:meta])* $name:ident, $op:path) => {
        $(#[$doc])*
        #[no_mangle]
        pub extern "system" fn $name(
            env: *mut JNIEnv,
            _this: jobject,
            handle: jlong,
            array: jbyteArray,
            capacity: jint,
            length: jint,
        ) -> jlong {
            call(env, handle, array, capacity, length, $op)
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
