// The Swift fast path's one C function (core/src/swift_path.rs), beside the
// header UniFFI generates. Hand-written: UniFFI knows nothing of it.
#pragma once
#include <stdint.h>

// Runs hot call `op` (0 render, 1 render_batch, 2 receive, 3 preview,
// 4 preview_batch) of the manager `handle` on the `length` bytes at `input`
// (UniFFI's encoding of its argument). Points `answer` and `answer_length` at
// the answer, valid until this thread's next fast call, and returns its code:
// 0 the value, 1 an OfflinePushError, 2 a panic's message.
int32_t offline_push_fast_call(int32_t op, uint64_t handle, const uint8_t *input, int32_t length,
                               const uint8_t **answer, int32_t *answer_length);
