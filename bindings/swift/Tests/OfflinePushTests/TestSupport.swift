// What the package's tests share: asserting that a call throws an
// `OfflinePushError` of a given kind (the kinds as `OfflinePushError.kind` spells them).
import OfflinePush
import XCTest

/// Checks that `error` is an `OfflinePushError` of `kind`; returns its message.
func check(
    _ error: Error?, is kind: String, file: StaticString, line: UInt
) -> String? {
    guard let error else {
        XCTFail("expected OfflinePushError.\(kind), nothing was thrown", file: file, line: line)
        return nil
    }
    guard let pushError = error as? OfflinePushError, pushError.kind == kind else {
        XCTFail("expected OfflinePushError.\(kind), got \(String(reflecting: error))", file: file, line: line)
        return nil
    }
    return pushError.message
}

/// Asserts that `expression` throws `OfflinePushError` of `kind`; returns its message.
@discardableResult
func assertThrows<T>(
    _ kind: String, _ expression: @autoclosure () throws -> T,
    file: StaticString = #filePath, line: UInt = #line
) -> String? {
    do {
        _ = try expression()
        return check(nil, is: kind, file: file, line: line)
    } catch {
        return check(error, is: kind, file: file, line: line)
    }
}

/// The async form of `assertThrows`.
@discardableResult
func assertThrows<T>(
    _ kind: String, _ expression: @autoclosure () async throws -> T,
    file: StaticString = #filePath, line: UInt = #line
) async -> String? {
    do {
        _ = try await expression()
        return check(nil, is: kind, file: file, line: line)
    } catch {
        return check(error, is: kind, file: file, line: line)
    }
}
