/// Helpers shared by the libFuzzer targets in Fuzz/.
///
/// Each target is an executable whose only entry is `@_cdecl("LLVMFuzzerTestOneInput")`: with `--sanitize fuzzer`
/// SwiftPM compiles executables with `-parse-as-library` and links libFuzzer's own `main`.
public enum FuzzInput {
    /// Copies libFuzzer's input into an array (an empty input may arrive as a null pointer).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }
}

/// Stops the run when an invariant fails: the message is printed and the trap makes libFuzzer save the input as a
/// crash, like any other crash.
public func require(
    _ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) {
    if !condition { fatalError("invariant failed: \(message())", file: file, line: line) }
}
