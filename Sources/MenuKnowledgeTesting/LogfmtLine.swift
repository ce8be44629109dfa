import JSON

/// One logfmt line read back into its fields, for tests that check what the service logged.
///
/// ```
/// let line = try LogfmtLine(#"ts=... level=info msg="Request answered" mke.response.status=200"#)
/// line["msg"]  // "Request answered"
/// ```
/// Reads what `MenuLogging`'s renderer writes and what logfmt readers accept: bare values end at a space, quoted
/// values use JSON's string escapes. Anything else (a key without `=`, an unterminated quote) is an error, so a
/// malformed line fails the test that reads it.
public struct LogfmtLine: Sendable, Equatable {
    /// The fields in the order written.
    public var fields: [(key: String, value: String)]

    /// - Throws: ``TestEnvironmentError`` naming the byte where the line stops being logfmt.
    public init(_ line: String) throws {
        let bytes = Array(line.utf8)
        var fields: [(key: String, value: String)] = []
        var index = 0
        func fail(_ problem: String) -> TestEnvironmentError {
            TestEnvironmentError(description: "not logfmt at byte \(index) (\(problem)): \(line)")
        }
        while index < bytes.count {
            let keyStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: " ") {
                index += 1
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "="), index > keyStart else {
                throw fail("a key without a value")
            }
            let key = String(decoding: bytes[keyStart..<index], as: UTF8.self)
            index += 1
            let value: String
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                let valueStart = index
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard index < bytes.count else { throw fail("an unterminated quote") }
                index += 1
                guard let decoded = try? JSONParser.parse(Array(bytes[valueStart..<index])).stringValue else {
                    throw fail("a quoted value that is no JSON string")
                }
                value = decoded
            } else {
                let valueStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: " ") { index += 1 }
                value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
            }
            fields.append((key, value))
            if index < bytes.count {
                guard bytes[index] == UInt8(ascii: " ") else { throw fail("no space after a value") }
                index += 1
            }
        }
        self.fields = fields
    }

    /// The value of `key` (the first, if a key were written twice); nil when the line has no such key.
    public subscript(key: String) -> String? { fields.first { $0.key == key }?.value }

    /// The keys in the order written.
    public var keys: [String] { fields.map(\.key) }

    /// Every line of `text` (a process's log), read; lines that are not logfmt (a child's own output) are skipped.
    public static func lines(of text: String) -> [LogfmtLine] {
        text.split(separator: "\n").compactMap { try? LogfmtLine(String($0)) }
    }

    public static func == (lhs: LogfmtLine, rhs: LogfmtLine) -> Bool {
        lhs.fields.count == rhs.fields.count && zip(lhs.fields, rhs.fields).allSatisfy { $0 == $1 }
    }
}
