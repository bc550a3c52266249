// The Swift fast path's one C function (core/src/ffi/fast.rs), beside the header
// UniFFI generates: hot call `op` (its place in core/src/ffi/hot_calls.rs) of the
// manager `handle` on the `length` bytes at `input`. The answer, valid until this
// thread's next fast call; its code: 0 the value, 1 an OfflinePushError, 2 a panic.
#pragma once
#include <stdint.h>
int32_t offline_push_fast_call(int32_t op, uint64_t handle, const uint8_t *input, int32_t length,
                               const uint8_t **answer, int32_t *answer_length);
