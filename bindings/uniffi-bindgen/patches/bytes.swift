// Patched (bindings/uniffi-bindgen/patches/bytes.swift): the generated reader
// and writer, replaced. The reader was a `Data` and an offset (a class-backed
// value, retained, released and switched on at every integer, read through the
// generic `Data.copyBytes` the optimiser leaves unspecialised); the writer a
// `[UInt8]` grown from empty, with copy-on-write checks at every byte. Both are
// now raw bytes and an offset, with the same checks and errors (this API has no
// floats to read or write). Then the fast call of the hot calls
// (core/src/ffi/fast.rs). docs/CROSSING.md measures them.

fileprivate struct UniffiReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int
}

@inline(__always)
fileprivate func readInt<T: FixedWidthInteger>(_ reader: inout UniffiReader) throws -> T {
    let size = MemoryLayout<T>.size
    guard reader.bytes.count - reader.offset >= size else {
        throw UniffiInternalError.bufferOverflow
    }
    let value = reader.bytes.loadUnaligned(fromByteOffset: reader.offset, as: T.self)
    reader.offset += size
    return T(bigEndian: value)
}

/// `count` bytes in place, or the overflow error.
@inline(__always)
fileprivate func readRaw(_ reader: inout UniffiReader, count: Int) throws -> UnsafeRawBufferPointer {
    guard count >= 0, reader.bytes.count - reader.offset >= count else {
        throw UniffiInternalError.bufferOverflow
    }
    reader.offset += count
    return UnsafeRawBufferPointer(rebasing: reader.bytes[reader.offset - count..<reader.offset])
}

fileprivate func readBytes(_ reader: inout UniffiReader, count: Int) throws -> Array<UInt8> {
    return Array(try readRaw(&reader, count: count))
}

fileprivate func hasRemaining(_ reader: UniffiReader) -> Bool {
    return reader.offset < reader.bytes.count
}

/// A buffer of its own, grown by doubling; whoever creates one frees it.
fileprivate struct UniffiWriter {
    var start: UnsafeMutableRawPointer
    var count = 0
    var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        start = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 1)
    }

    @inline(__always)
    mutating func reserve(_ more: Int) {
        if capacity - count < more { grow(more) }
    }

    @inline(never)
    mutating func grow(_ more: Int) {
        var grown = Swift.max(capacity * 2, 64)
        while grown - count < more { grown *= 2 }
        let moved = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 1)
        moved.copyMemory(from: start, byteCount: count)
        start.deallocate()
        start = moved
        capacity = grown
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (start + count).copyMemory(from: base, byteCount: bytes.count)
        count += bytes.count
    }

    /// A string as UniFFI writes one: its length, then its bytes.
    @inline(__always)
    mutating func appendString(_ bytes: UnsafeBufferPointer<UInt8>) {
        writeInt(&self, Int32(bytes.count))
        append(bytes)
    }

    var written: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: count)
    }
}

fileprivate func createWriter() -> UniffiWriter {
    // Room for a typical record at once.
    return UniffiWriter(capacity: 256)
}

fileprivate func writeBytes<S>(_ writer: inout UniffiWriter, _ byteArr: S) where S: Sequence, S.Element == UInt8 {
    if byteArr.withContiguousStorageIfAvailable({ writer.append($0) }) == nil {
        Array(byteArr).withUnsafeBufferPointer { writer.append($0) }
    }
}

@inline(__always)
fileprivate func writeInt<T: FixedWidthInteger>(_ writer: inout UniffiWriter, _ value: T) {
    let size = MemoryLayout<T>.size
    writer.reserve(size)
    writer.start.storeBytes(of: value.bigEndian, toByteOffset: writer.count, as: T.self)
    writer.count += size
}

// The fast call of the hot calls of `OfflinePushManager`: one C call with the
// object's handle (borrowed: the object is kept alive across the call) and the
// argument's bytes where the writer has them; the answer is read where the core
// left it. Inlined into each method, the answer read outside any closure (a
// record returned through a closure and a generic function is copied, and its
// strings retained, at each step).
@inline(__always)
fileprivate func uniffiFastCall<A: FfiConverter, R: FfiConverter>(
    _ op: Int32, _ owner: AnyObject, _ handle: UInt64, _ argument: A.SwiftType, _ input: A.Type, _ output: R.Type
) throws -> R.SwiftType {
    var writer = createWriter()
    defer { writer.start.deallocate() }
    A.write(argument, into: &writer)
    guard writer.count <= Int(Int32.max) else {
        throw UniffiInternalError.rustPanic("fast path: the argument needs \(writer.count) bytes")
    }
    var answer: UnsafePointer<UInt8>? = nil
    var length: Int32 = 0
    let code = offline_push_fast_call(op, handle, writer.written.baseAddress, Int32(writer.count), &answer, &length)
    withExtendedLifetime(owner) {}
    // Valid until this thread's next fast call: read now.
    var reader = UniffiReader(bytes: UnsafeRawBufferPointer(start: answer, count: Int(length)), offset: 0)
    switch code {
    case 0:
        let value = try R.read(from: &reader)
        guard !hasRemaining(reader) else { throw UniffiInternalError.incompleteData }
        return value
    case 1:
        throw try FfiConverterTypeOfflinePushError.read(from: &reader)
    default:
        throw UniffiInternalError.rustPanic(
            reader.bytes.isEmpty ? "Rust panic" : try FfiConverterString.read(from: &reader))
    }
}
