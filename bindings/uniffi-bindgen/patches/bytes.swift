// Patched (bindings/uniffi-bindgen/patches/bytes.swift): the reader was a `Data`
// (retained, released and switched on at every integer, read through the generic
// `Data.copyBytes`), the writer a `[UInt8]` (copy-on-write checks at every byte).
// Both are now raw bytes and an offset, with the same checks and errors (no
// floats in this API). Then the fast call of the hot calls (core/src/ffi/fast.rs).

fileprivate struct UniffiReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int
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

@inline(__always)
fileprivate func readInt<T: FixedWidthInteger>(_ reader: inout UniffiReader) throws -> T {
    return T(bigEndian: try readRaw(&reader, count: MemoryLayout<T>.size).loadUnaligned(as: T.self))
}

fileprivate func readBytes(_ reader: inout UniffiReader, count: Int) throws -> Array<UInt8> {
    return Array(try readRaw(&reader, count: count))
}

fileprivate func hasRemaining(_ reader: UniffiReader) -> Bool {
    return reader.offset < reader.bytes.count
}

/// A buffer of its own, with room for a typical record at first, grown by
/// doubling; whoever creates one frees it.
fileprivate struct UniffiWriter {
    var capacity = 256
    var start = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 1)
    var count = 0

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

    var written: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: count)
    }
}

fileprivate func createWriter() -> UniffiWriter {
    return UniffiWriter()
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

// The fast call: the object's handle borrowed (the object kept alive across the
// call), the argument's bytes where the writer has them, the answer read where the
// core left it. Inlined, the answer read outside any closure (through a closure, a
// record was copied and its strings retained at each step).
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
