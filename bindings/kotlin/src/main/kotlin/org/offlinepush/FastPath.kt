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
 * Rust method, same errors as UniFFI's JNA path; no JNA `Structure`, `Memory` or
 * `RustBuffer` per call, and the manager's handle is borrowed, not cloned.
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

    @JvmStatic external fun render(handle: Long, bytes: ByteArray, length: Int): Long
    @JvmStatic external fun renderBatch(handle: Long, bytes: ByteArray, length: Int): Long
    @JvmStatic external fun receive(handle: Long, bytes: ByteArray, length: Int): Long
    @JvmStatic external fun preview(handle: Long, bytes: ByteArray, length: Int): Long
    @JvmStatic external fun previewBatch(handle: Long, bytes: ByteArray, length: Int): Long
    @JvmStatic external fun takeStash(bytes: ByteArray): Long

    /** Does nothing: the floor of a JNI crossing, for the benchmark. */
    @JvmStatic external fun nothing(handle: Long): Long

    private class Buffer(capacity: Int) {
        val array = ByteArray(capacity)
        val bytes: ByteBuffer = ByteBuffer.wrap(array) // big-endian, as UniFFI writes
        val capacity: Int get() = array.size
    }

    private val buffers = ThreadLocal.withInitial { Buffer(INITIAL) }

    /**
     * Calls the entry point [op] on the manager's borrowed [handle] with
     * [argument], written by [input]; reads the answer with [output].
     */
    internal fun <A, R> call(op: Int, handle: Long, argument: A, input: FfiConverter<A, *>, output: FfiConverter<R, *>): R {
        fun writeInto(buffer: Buffer): Int {
            buffer.bytes.clear()
            input.write(argument, buffer.bytes)
            return buffer.bytes.position()
        }
        var buffer = buffers.get()
        val length = try {
            writeInto(buffer)
        } catch (tooSmall: BufferOverflowException) {
            val needed = input.allocationSize(argument)
            if (needed > Int.MAX_VALUE.toULong()) throw InternalException("fast path: the argument needs $needed bytes")
            buffer = grow(needed.toInt())
            writeInto(buffer)
        }
        var answer = when (op) {
            RENDER -> render(handle, buffer.array, length)
            RENDER_BATCH -> renderBatch(handle, buffer.array, length)
            RECEIVE -> receive(handle, buffer.array, length)
            PREVIEW -> preview(handle, buffer.array, length)
            PREVIEW_BATCH -> previewBatch(handle, buffer.array, length)
            else -> throw InternalException("fast path: no call $op")
        }
        if (answer ushr 32 == TOO_BIG) {
            buffer = grow((answer and 0xffff_ffffL).toInt())
            answer = takeStash(buffer.array)
        }
        // A buffer grown for a large call is not kept, whatever the answer was.
        if (buffer.capacity > KEEP_AT_MOST) buffers.set(Buffer(INITIAL))
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
    }

    private fun grow(needed: Int): Buffer {
        var capacity = buffers.get().capacity
        while (capacity < needed) capacity = if (capacity > Int.MAX_VALUE / 2) Int.MAX_VALUE else capacity * 2
        return Buffer(capacity).also { buffers.set(it) }
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
    /** Reads a string from a heap buffer in place (the patched `FfiConverterString.read`). */
    fun read(length: Int, buf: ByteBuffer): String {
        if (length < 0 || length > buf.remaining()) throw java.nio.BufferUnderflowException()
        val value = String(buf.array(), buf.arrayOffset() + buf.position(), length, Charsets.UTF_8)
        buf.position(buf.position() + length)
        return value
    }

    fun write(value: String, buf: ByteBuffer) {
        for (i in value.indices) {
            if (value[i].isSurrogate()) {
                checkPairs(value, i)
                break
            }
        }
        val bytes = value.toByteArray(Charsets.UTF_8)
        buf.putInt(bytes.size)
        buf.put(bytes)
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
