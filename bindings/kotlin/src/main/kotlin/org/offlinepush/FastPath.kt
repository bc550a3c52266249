package org.offlinepush

import com.sun.jna.Memory
import com.sun.jna.NativeLibrary
import java.nio.BufferOverflowException
import java.nio.ByteBuffer

/**
 * The Kotlin fast path of the hot calls of [OfflinePushManager]
 * (core/src/ffi/hot_calls.rs, docs/CROSSING.md). Their generated methods call
 * [call]: the argument is written by the generated converter into the thread's
 * array, crosses in one JNI call with the borrowed handle, and the answer is read
 * back by the generated converters. A call made during another on the same thread
 * (a listener that `receive` tells) may use the same array: the outer call's
 * argument was copied out before, and its answer is copied in after.
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

    private const val KEEP_AT_MOST = 256 * 1024

    /** The array with the answer after its code and length (core/src/ffi/fast.rs). */
    @JvmStatic private external fun call(op: Int, handle: Long, bytes: ByteArray, capacity: Int, length: Int): ByteArray?

    /** The thread's array, as UniFFI's big-endian buffer. */
    private val buffers = ThreadLocal.withInitial { ByteBuffer.wrap(ByteArray(4096)) }

    /** Hot call [op] on the manager's borrowed [handle]: [argument] written by [input], the answer read by [output]. */
    internal fun <A, R> call(op: Int, handle: Long, argument: A, input: FfiConverter<A, *>, output: FfiConverter<R, *>): R {
        var buffer = buffers.get()
        buffer.clear()
        try {
            input.write(argument, buffer)
        } catch (tooSmall: BufferOverflowException) {
            val needed = input.allocationSize(argument)
            if (needed > Int.MAX_VALUE.toULong()) throw InternalException("fast path: the argument needs $needed bytes")
            buffer = keep(ByteBuffer.wrap(ByteArray(needed.toInt())))
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
 * (the patched `uniffiRustCallWithError`): every generated call passes a pointer
 * to it, not a new JNA `Structure` with `Memory` of its own; only a failed call
 * reads it as a `Structure`. A call made inside another (a listener, a backend)
 * takes another slot from the thread's stack.
 */
internal class UniffiCallStatusSlot private constructor() {
    val pointer = Memory(SIZE)
    private val view = pointer.getByteBuffer(0, SIZE)
    private var next: UniffiCallStatusSlot? = null

    fun reset() = view.put(0, UNIFFI_CALL_SUCCESS)

    fun failed() = view.get(0) != UNIFFI_CALL_SUCCESS

    fun read(): UniffiRustCallStatus = StatusAt(pointer)

    private class StatusAt(memory: Memory) : UniffiRustCallStatus() {
        init { useMemory(memory); read() }
    }

    companion object {
        private val SIZE = UniffiRustCallStatus().size().toLong()
        private val free = ThreadLocal<UniffiCallStatusSlot?>()

        fun take() = free.get()?.also { free.set(it.next) } ?: UniffiCallStatusSlot()

        fun give(slot: UniffiCallStatusSlot) {
            slot.next = free.get()
            free.set(slot)
        }
    }
}

/**
 * UTF-8 for the patched `FfiConverterString`: read in place from a heap buffer;
 * written char by char when ASCII fits, else by the JDK's encoder, after refusing
 * a lone surrogate as the generated `CharsetEncoder` refused it.
 */
internal object UniffiUtf8 {
    fun read(length: Int, buf: ByteBuffer): String {
        if (length < 0 || length > buf.remaining()) throw java.nio.BufferUnderflowException()
        val value = String(buf.array(), buf.arrayOffset() + buf.position(), length, Charsets.UTF_8)
        buf.position(buf.position() + length)
        return value
    }

    fun write(value: String, buf: ByteBuffer) {
        if (buf.hasArray() && writeAscii(value, buf)) return
        var i = 0
        while (i < value.length) {
            val c = value[i++]
            if (c.isHighSurrogate() && i < value.length && value[i].isLowSurrogate()) i++
            else if (c.isSurrogate()) throw java.nio.charset.MalformedInputException(1)
        }
        val bytes = value.toByteArray(Charsets.UTF_8)
        buf.putInt(bytes.size)
        buf.put(bytes)
    }

    /** False, with nothing written, unless [value] is ASCII and fits. */
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
}
