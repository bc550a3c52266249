package org.offlinepush

import com.sun.jna.Memory
import com.sun.jna.NativeLibrary
import com.sun.jna.Pointer
import java.nio.BufferOverflowException
import java.nio.ByteBuffer

/**
 * The Kotlin fast path for the hot calls of [OfflinePushManager]: `render`,
 * `renderBatch`, `receive`, `preview` and `previewBatch` (core/src/fast_path.rs
 * says why and how; BENCHMARKS.md what it buys).
 *
 * The generated methods call [call] (a checked patch, bindings/uniffi-bindgen):
 * the argument is written with the generated converter into a byte array the
 * thread reuses, crosses in one JNI call with the array and primitives, and the
 * answer (the value, the `OfflinePushException`, or a panic's message) is read
 * back from the same array with the generated converters. Same bytes, same
 * rules, same errors as UniFFI's JNA path; no JNA `Structure`, `Memory` or
 * `RustBuffer` per call, and the manager's handle is borrowed, not cloned.
 *
 * A string the answer repeats from the argument (a title that is the group's
 * name, the sender's id) does not cross back: while the argument is written,
 * the buffer records which `String` went where ([Buffer.record]), and the answer
 * names that place instead (a negative length, core/src/wire.rs), so the reader
 * returns the same object ([Buffer.recorded]).
 *
 * @suppress Public only as the generated converters are: not for apps to call.
 */
object UniffiFastPath {
    init {
        // The JNI entry points are in the library JNA loads; the JVM binds them by
        // name once the library is loaded through it. On Android the APK has it.
        val name = System.getProperty("uniffi.component.offline_push.libraryOverride") ?: "offline_push"
        try {
            System.loadLibrary(name)
        } catch (notOnLibraryPath: UnsatisfiedLinkError) {
            // On the JVM: the file JNA found (jna.library.path, the classpath).
            System.load(NativeLibrary.getInstance(name).file.absolutePath)
        }
    }

    const val RENDER = 0
    const val RENDER_BATCH = 1
    const val RECEIVE = 2
    const val PREVIEW = 3
    const val PREVIEW_BATCH = 4

    private const val OK = 0L
    private const val ERROR = 1L
    private const val PANIC = 2L
    private const val TOO_BIG = 3L

    /** A buffer's first size; one grown beyond [KEEP_AT_MOST] is not kept. */
    private const val INITIAL = 4 * 1024
    private const val KEEP_AT_MOST = 256 * 1024

    @JvmStatic private external fun render(handle: Long, bytes: ByteArray, capacity: Int, length: Int): Long
    @JvmStatic private external fun renderBatch(handle: Long, bytes: ByteArray, capacity: Int, length: Int): Long
    @JvmStatic private external fun receive(handle: Long, bytes: ByteArray, capacity: Int, length: Int): Long
    @JvmStatic private external fun preview(handle: Long, bytes: ByteArray, capacity: Int, length: Int): Long
    @JvmStatic private external fun previewBatch(handle: Long, bytes: ByteArray, capacity: Int, length: Int): Long
    @JvmStatic private external fun takeStash(bytes: ByteArray, capacity: Int): Long

    /** Does nothing: the floor of a JNI crossing, for the benchmark. */
    @JvmStatic external fun nothing(handle: Long): Long

    private class Buffer(capacity: Int) {
        val array = ByteArray(capacity)
        val bytes: ByteBuffer = ByteBuffer.wrap(array) // big-endian, as UniFFI writes
        val capacity: Int get() = array.size

        /** A call is using this buffer (writing, waiting for, or reading its answer). */
        var busy = false

        /** Where each string of the argument starts, ascending, and the string. */
        private var positions = IntArray(16)
        private var strings = arrayOfNulls<String>(16)
        private var count = 0

        fun record(position: Int, value: String) {
            if (count == positions.size) {
                positions = positions.copyOf(count * 2)
                strings = strings.copyOf(count * 2)
            }
            positions[count] = position
            strings[count] = value
            count++
        }

        /** The string the argument had at [position]. */
        fun recorded(position: Int): String {
            var low = 0
            var high = count - 1
            while (low <= high) {
                val middle = (low + high) ushr 1
                val at = positions[middle]
                when {
                    at < position -> low = middle + 1
                    at > position -> high = middle - 1
                    else -> return strings[middle]!!
                }
            }
            throw InternalException("fast path: the answer names a string the argument does not have, at $position")
        }

        /** Takes over [other]'s record (a larger buffer for the same call's answer). */
        fun adopt(other: Buffer) {
            positions = other.positions
            strings = other.strings
            count = other.count
            other.positions = IntArray(16)
            other.strings = arrayOfNulls(16)
            other.count = 0
        }

        /** Drops the strings (the buffer outlives the call; its strings need not). */
        fun forget() {
            strings.fill(null, 0, count)
            count = 0
        }
    }

    /** The thread's buffer: during a call, always the buffer of its innermost call. */
    private val buffers = ThreadLocal.withInitial { Buffer(INITIAL) }

    /** The fast-path buffer whose bytes are [buf], if [buf] is one. */
    private fun bufferOf(buf: ByteBuffer): Buffer? {
        val own = buffers.get()
        return if (own.bytes === buf) own else null
    }

    /** Called by [UniffiUtf8.write] for a string about to be written at [position] of a heap buffer. */
    internal fun record(buf: ByteBuffer, position: Int, value: String) {
        val buffer = bufferOf(buf)
        if (buffer != null && buffer.busy) buffer.record(position, value)
    }

    /** Called by [UniffiUtf8.read] for a string the answer names by its [position] in the argument. */
    internal fun recorded(buf: ByteBuffer, position: Int): String {
        val buffer = bufferOf(buf) ?: throw InternalException("fast path: a string reference outside an answer")
        return buffer.recorded(position)
    }

    /**
     * Calls the entry point [op] on the manager's borrowed [handle] with
     * [argument], written by [input]; reads the answer with [output].
     */
    internal fun <A, R> call(op: Int, handle: Long, argument: A, input: FfiConverter<A, *>, output: FfiConverter<R, *>): R {
        val kept = buffers.get()
        // A call made while another one runs on this thread (a listener that
        // `receive` tells) gets a buffer of its own: the outer answer names the
        // strings the outer buffer recorded.
        val nested = kept.busy
        var buffer = if (nested) Buffer(INITIAL) else kept
        var installed = kept
        fun use(next: Buffer) {
            if (next !== buffer) {
                buffer.busy = false
                buffer.forget()
            }
            next.busy = true
            if (next !== installed) {
                buffers.set(next)
                installed = next
            }
            buffer = next
        }
        fun writeInto(next: Buffer): Int {
            use(next)
            next.forget()
            next.bytes.clear()
            input.write(argument, next.bytes)
            return next.bytes.position()
        }
        try {
            val length = try {
                writeInto(buffer)
            } catch (tooSmall: BufferOverflowException) {
                val needed = input.allocationSize(argument)
                if (needed > Int.MAX_VALUE.toULong()) throw InternalException("fast path: the argument needs $needed bytes")
                writeInto(larger(buffer, needed.toInt()))
            }
            var answer = when (op) {
                RENDER -> render(handle, buffer.array, buffer.capacity, length)
                RENDER_BATCH -> renderBatch(handle, buffer.array, buffer.capacity, length)
                RECEIVE -> receive(handle, buffer.array, buffer.capacity, length)
                PREVIEW -> preview(handle, buffer.array, buffer.capacity, length)
                PREVIEW_BATCH -> previewBatch(handle, buffer.array, buffer.capacity, length)
                else -> throw InternalException("fast path: no call $op")
            }
            if (answer ushr 32 == TOO_BIG) {
                use(larger(buffer, (answer and 0xffff_ffffL).toInt()).also { it.adopt(buffer) })
                answer = takeStash(buffer.array, buffer.capacity)
            }
            val bytes = buffer.bytes
            bytes.clear()
            bytes.limit((answer and 0xffff_ffffL).toInt())
            val value = when (answer ushr 32) {
                OK -> output.read(bytes)
                ERROR -> throw FfiConverterTypeOfflinePushError.read(bytes)
                PANIC -> throw InternalException(if (bytes.hasRemaining()) FfiConverterString.read(bytes) else "Rust panic")
                else -> throw InternalException("fast path: unknown answer ${answer ushr 32}")
            }
            if (bytes.hasRemaining()) throw InternalException("fast path: ${bytes.remaining()} bytes left after the answer")
            return value
        } finally {
            buffer.busy = false
            buffer.forget()
            // The thread keeps its own buffer: not a nested call's, and not one
            // grown beyond KEEP_AT_MOST, whatever the answer was.
            val keep = if (nested || buffer.capacity > KEEP_AT_MOST) kept else buffer
            if (keep !== installed) buffers.set(keep)
        }
    }

    /** A buffer of at least [needed] bytes, doubling from [from]'s size. */
    private fun larger(from: Buffer, needed: Int): Buffer {
        var capacity = from.capacity
        while (capacity < needed) capacity = if (capacity > Int.MAX_VALUE / 2) Int.MAX_VALUE else capacity * 2
        return Buffer(capacity)
    }
}
/**
 * A UniFFI call status in native memory that a thread allocates once and reuses
 * (the checked patch of `uniffiRustCallWithError`, bindings/uniffi-bindgen):
 * every generated call passes a pointer to it instead of a new JNA `Structure`
 * with `Memory` of its own. Only a failed call reads it as a `Structure`.
 * A call that re-enters Kotlin (a listener, a backend) and calls again takes
 * another slot, so the outer call's status is never overwritten.
 */
internal class UniffiCallStatusSlot {
    private val memory = Memory(SIZE)

    /** What every generated call passes: a `Pointer`, 32 bits on 32-bit Android. */
    val pointer: Pointer get() = memory
    private val view: ByteBuffer = memory.getByteBuffer(0, SIZE)
    var next: UniffiCallStatusSlot? = null

    fun reset() {
        view.put(0, UNIFFI_CALL_SUCCESS)
    }

    fun failed(): Boolean = view.get(0) != UNIFFI_CALL_SUCCESS

    /** The status as UniFFI's `Structure`, laid out by JNA as the core's `RustCallStatus`. */
    fun read(): UniffiRustCallStatus = StatusAt(memory)

    private class StatusAt(memory: Pointer) : UniffiRustCallStatus() {
        init {
            useMemory(memory)
            read()
        }
    }

    private companion object {
        val SIZE = UniffiRustCallStatus().size().toLong()
    }
}

/** Each thread's free slots, a stack. */
internal object UniffiCallStatusSlots {
    private class Free {
        var top: UniffiCallStatusSlot? = null
    }

    private val free = ThreadLocal.withInitial { Free() }

    fun take(): UniffiCallStatusSlot {
        val stack = free.get()
        val slot = stack.top ?: return UniffiCallStatusSlot()
        stack.top = slot.next
        return slot
    }

    fun give(slot: UniffiCallStatusSlot) {
        val stack = free.get()
        slot.next = stack.top
        stack.top = slot
    }
}

/**
 * UTF-8 for the generated `FfiConverterString.write` (a checked patch): the JDK's
 * own encoder (`toByteArray`, no `CharsetEncoder` and no buffer per string),
 * which would turn a lone surrogate into `?`; so a string with surrogates is
 * checked first, and a lone one is refused as the generated encoder refused it.
 */
internal object UniffiUtf8 {
    /**
     * Reads a string from a heap buffer in place (the patched `FfiConverterString.read`),
     * or, for a negative length, the argument's own string that the fast path's answer names.
     */
    fun read(length: Int, buf: ByteBuffer): String {
        if (length < 0) return UniffiFastPath.recorded(buf, -(length + 1))
        if (length > buf.remaining()) throw java.nio.BufferUnderflowException()
        val value = String(buf.array(), buf.arrayOffset() + buf.position(), length, Charsets.UTF_8)
        buf.position(buf.position() + length)
        return value
    }

    fun write(value: String, buf: ByteBuffer) {
        if (buf.hasArray() && writeAscii(value, buf)) return
        for (i in value.indices) {
            if (value[i].isSurrogate()) {
                checkPairs(value, i)
                break
            }
        }
        val bytes = value.toByteArray(Charsets.UTF_8)
        buf.putInt(bytes.size)
        if (bytes.isNotEmpty() && buf.hasArray()) UniffiFastPath.record(buf, buf.position(), value)
        buf.put(bytes)
    }

    /**
     * The fast path's array: an ASCII string is copied char by char where it
     * goes (no array of its own). False, with nothing written, for any other
     * string or when it does not fit (the general path then throws the overflow).
     */
    private fun writeAscii(value: String, buf: ByteBuffer): Boolean {
        val length = value.length
        val start = buf.position() + 4
        if (length > buf.limit() - start) return false
        val array = buf.array()
        val at = buf.arrayOffset() + start
        for (i in 0 until length) {
            val c = value[i].code
            if (c >= 0x80) return false
            array[at + i] = c.toByte()
        }
        buf.putInt(length)
        if (length > 0) UniffiFastPath.record(buf, start, value)
        buf.position(start + length)
        return true
    }

    private fun checkPairs(value: String, from: Int) {
        var i = from
        while (i < value.length) {
            val c = value[i]
            if (c.isHighSurrogate() && i + 1 < value.length && value[i + 1].isLowSurrogate()) {
                i += 2
                continue
            }
            if (c.isSurrogate()) throw java.nio.charset.MalformedInputException(1)
            i++
        }
    }
}
