package org.offlinepush

import com.sun.jna.Memory
import com.sun.jna.NativeLibrary
import java.nio.BufferOverflowException
import java.nio.ByteBuffer

/**
 * The Kotlin fast path of the hot calls of [OfflinePushManager]
 * (core/src/ffi/hot_calls.rs; core/src/ffi/fast.rs says how, docs/CROSSING.md
 * what it buys). The generated methods call [call] (a checked patch made from
 * that list): the argument is written with the generated converter into a byte
 * array the thread reuses, crosses in one JNI call with the array and
 * primitives, and the answer (the value, the `OfflinePushException`, or a
 * panic's message) is read back from the same array with the generated
 * converters. No JNA `Structure`, `Memory` or `RustBuffer` per call, and the
 * manager's handle is borrowed, not cloned.
 *
 * A call made during another on the same thread (a listener that `receive`
 * tells) may use the same array: the outer call's argument was copied out
 * before, and its answer is copied in after.
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

    /** An array's first size; one grown beyond [KEEP_AT_MOST] is not kept. */
    private const val INITIAL = 4 * 1024
    private const val KEEP_AT_MOST = 256 * 1024

    /** Returns the array with the answer after its code and length (core/src/ffi/fast.rs). */
    @JvmStatic private external fun call(op: Int, handle: Long, bytes: ByteArray, capacity: Int, length: Int): ByteArray?

    /** The thread's array, as UniFFI's big-endian buffer. */
    private val buffers = ThreadLocal.withInitial { ByteBuffer.wrap(ByteArray(INITIAL)) }

    /**
     * Calls hot call [op] on the manager's borrowed [handle] with [argument],
     * written by [input]; reads the answer with [output].
     */
    internal fun <A, R> call(op: Int, handle: Long, argument: A, input: FfiConverter<A, *>, output: FfiConverter<R, *>): R {
        var buffer = buffers.get()
        buffer.clear()
        try {
            input.write(argument, buffer)
        } catch (tooSmall: BufferOverflowException) {
            val needed = input.allocationSize(argument)
            if (needed > Int.MAX_VALUE.toULong()) throw InternalException("fast path: the argument needs $needed bytes")
            var capacity = INITIAL
            while (capacity < needed.toInt()) capacity = if (capacity > Int.MAX_VALUE / 2) Int.MAX_VALUE else capacity * 2
            buffer = keep(ByteBuffer.wrap(ByteArray(capacity)))
            input.write(argument, buffer)
        }
        val array = call(op, handle, buffer.array(), buffer.capacity(), buffer.position())
            ?: throw InternalException("fast path: no answer")
        val answer = if (array === buffer.array()) buffer else keep(ByteBuffer.wrap(array))
        answer.limit(8 + answer.getInt(4)).position(8)
        val value = when (answer.getInt(0)) {
            0 -> output.read(answer)
            1 -> throw FfiConverterTypeOfflinePushError.read(answer)
            else -> throw InternalException(if (answer.hasRemaining()) FfiConverterString.read(answer) else "Rust panic")
        }
        if (answer.hasRemaining()) throw InternalException("fast path: ${answer.remaining()} bytes left after the answer")
        return value
    }

    /** Keeps [buffer] for the thread's next calls unless it is too large. */
    private fun keep(buffer: ByteBuffer) = buffer.also { if (it.capacity() <= KEEP_AT_MOST) buffers.set(it) }
}

/**
 * A UniFFI call status in native memory that a thread allocates once and reuses
 * (the checked patch of `uniffiRustCallWithError`): every generated call passes
 * a pointer to it instead of a new JNA `Structure` with `Memory` of its own, and
 * only a failed call reads it as a `Structure`. A call that re-enters Kotlin (a
 * listener, a backend) and calls again takes another slot from the thread's stack.
 */
internal class UniffiCallStatusSlot {
    /** What every generated call passes: a `Pointer`, 32 bits on 32-bit Android. */
    val pointer = Memory(SIZE)
    private val view = pointer.getByteBuffer(0, SIZE)
    var next: UniffiCallStatusSlot? = null

    fun reset() {
        view.put(0, UNIFFI_CALL_SUCCESS)
    }

    fun failed() = view.get(0) != UNIFFI_CALL_SUCCESS

    fun read(): UniffiRustCallStatus {
        val memory = pointer // inside the `Structure`, `pointer` is its own
        return object : UniffiRustCallStatus() {
            init {
                useMemory(memory)
                read()
            }
        }
    }

    private companion object {
        val SIZE = UniffiRustCallStatus().size().toLong()
    }
}

/** Each thread's free slots, a stack. */
internal object UniffiCallStatusSlots {
    private val free = ThreadLocal<UniffiCallStatusSlot?>()

    fun take(): UniffiCallStatusSlot = free.get()?.also { free.set(it.next) } ?: UniffiCallStatusSlot()

    fun give(slot: UniffiCallStatusSlot) {
        slot.next = free.get()
        free.set(slot)
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
        if (buf.hasArray() && writeAscii(value, buf)) return
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
