//! The Swift fast path: the hot calls of `OfflinePushManager` through one C
//! function (`offline_push_fast_call`, declared in the Swift package's
//! `OfflinePushFast.h`), beside UniFFI's own scaffolding.
//!
//! UniFFI's path for `render` is four calls: clone the handle, copy the
//! argument into a new `RustBuffer`, the method (which decodes an owned message
//! and encodes an owned outcome), and free the answer's `RustBuffer`. Here the
//! generated method (a checked patch, bindings/uniffi-bindgen) writes the
//! argument with the generated converters as before and makes one call with
//! the object's handle (the Swift object is kept alive across it), a pointer to
//! its bytes and their length. The core reads the message where it is
//! (`calls.rs`, `wire.rs`), renders, and leaves the answer in a buffer of the
//! calling thread, valid until that thread's next fast call; Swift reads it
//! with the generated converters at once. Strings the answer repeats of the
//! message are written as references to where Swift wrote them (`wire.rs`);
//! the patched reader takes them from Swift's own bytes.

use crate::calls::{ops, run, Op, PANIC};
use std::cell::RefCell;

thread_local! {
    /// The answer of this thread's last fast call.
    static ANSWER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The calls, by the number the Swift side passes.
const OPS: [Op; 5] = [
    ops::render,
    ops::render_batch,
    ops::receive,
    ops::preview,
    ops::preview_batch,
];

/// Runs call `op` (0 `render`, 1 `render_batch`, 2 `receive`, 3 `preview`,
/// 4 `preview_batch`) on the manager of `handle` with the `length` bytes at
/// `input`; points `answer` and `answer_length` at the answer and returns its
/// code (0 the value, 1 an `OfflinePushError`, 2 a panic's message). The answer
/// stays valid until the next fast call on this thread.
///
/// # Safety
/// `handle` is a live handle of an `OfflinePushManager` (its Swift object
/// alive for the call); `input` points at `length` readable bytes (or is null
/// with `length` 0); `answer` and `answer_length` are writable.
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
    // No borrow of ANSWER is held during the call: a listener that `receive`
    // tells may call the fast path again on this thread.
    let mut out = ANSWER.with(RefCell::take);
    let code = match usize::try_from(op).ok().and_then(|op| OPS.get(op)) {
        Some(op) if handle != 0 => run(handle as i64, bytes, &mut out, op),
        _ => run(
            handle as i64,
            Err(format!("fast path: no call {op}")),
            &mut out,
            |_, _, _| unreachable!(),
        ),
    };
    *answer = out.as_ptr();
    *answer_length = i32::try_from(out.len()).unwrap_or(i32::MAX);
    ANSWER.with(|answer| answer.replace(out));
    code as i32
}
