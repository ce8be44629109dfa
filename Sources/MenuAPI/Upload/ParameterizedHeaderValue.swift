import JSON

/// A header value followed by parameters: `multipart/form-data; boundary=x` or
/// `form-data; name="files"; filename="a.jpg"`.
///
/// The grammar is RFC 9110 §5.6.6 (`parameters`) with quoted strings from §5.6.4, plus two leniencies for what
/// clients really send:
/// - an unquoted value may hold any visible ASCII character except `;`, `"` and `\`, because PHP-style field names
///   such as `files[]` are not tokens and some clients leave them unquoted;
/// - inside quotes a backslash escapes only `"` and `\`. Browsers and curl 7.81+ do not escape backslashes at all
///   (they percent-encode `"` as `%22`, per the HTML form-data algorithm), so `"a\b.jpg"` keeps its backslash.
///
/// Quoted values may hold raw UTF-8: browsers send non-ASCII file names that way.
struct ParameterizedHeaderValue {
    /// Why a header value could not be parsed, as a phrase that completes "…is malformed: ".
    struct SyntaxError: Error {
        var reason: String
    }

    /// The part before the first `;`, trimmed (`form-data`, `multipart/form-data`). Case is kept.
    var value: String
    /// The parameters in order, names lower-cased (parameter names are case-insensitive, RFC 9110 §5.6.6).
    var parameters: [(name: String, value: String)]

    /// Parses `text`. Throws on an unterminated quoted string, a parameter without `=`, text after a value, or a
    /// repeated parameter name (a repeated `name` or `boundary` is ambiguous, so it is refused rather than guessed).
    init(parsing text: String) throws(SyntaxError) {
        let bytes = Array(text.utf8)
        var index = 0

        func skipWhitespace() {
            while index < bytes.count, bytes[index] == .space || bytes[index] == .tab { index += 1 }
        }

        while index < bytes.count, bytes[index] != .semicolon { index += 1 }
        value = Self.trimmed(bytes[0..<index])
        parameters = []

        while index < bytes.count {
            // bytes[index] is a ';'.
            index += 1
            skipWhitespace()
            if index == bytes.count { break }  // a trailing ';' carries nothing and harms nothing
            let nameStart = index
            while index < bytes.count, Self.isTokenCharacter(bytes[index]) { index += 1 }
            guard index > nameStart else {
                throw SyntaxError(reason: "expected a parameter name after ';'")
            }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == .equals else {
                throw SyntaxError(reason: "parameter '\(name)' has no '=' and value")
            }
            index += 1
            skipWhitespace()

            var parameterValue: [UInt8] = []
            if index < bytes.count, bytes[index] == .quote {
                index += 1
                var isClosed = false
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == .quote {
                        index += 1
                        isClosed = true
                        break
                    }
                    if byte == .backslash, index + 1 < bytes.count,
                        bytes[index + 1] == .quote || bytes[index + 1] == .backslash
                    {
                        parameterValue.append(bytes[index + 1])
                        index += 2
                        continue
                    }
                    parameterValue.append(byte)
                    index += 1
                }
                guard isClosed else {
                    throw SyntaxError(reason: "the quoted value of parameter '\(name)' has no closing '\"'")
                }
            } else {
                // An empty value (`boundary=`) is kept, so the caller can say what is missing rather than
                // report a syntax error.
                let valueStart = index
                while index < bytes.count, Self.isUnquotedValueCharacter(bytes[index]) { index += 1 }
                parameterValue = Array(bytes[valueStart..<index])
            }

            skipWhitespace()
            guard index == bytes.count || bytes[index] == .semicolon else {
                throw SyntaxError(reason: "unexpected text after the value of parameter '\(name)'")
            }
            guard !parameters.contains(where: { $0.name == name }) else {
                throw SyntaxError(reason: "parameter '\(name)' appears more than once")
            }
            parameters.append((name, String(decoding: parameterValue, as: UTF8.self)))
        }
    }

    /// The value of the parameter called `name` (lower case), if present.
    func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// RFC 9110 §5.6.2 `tchar`.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    private static func isUnquotedValueCharacter(_ byte: UInt8) -> Bool {
        byte > .space && byte < 0x7F && byte != .semicolon && byte != .quote && byte != .backslash
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var slice = bytes
        while let first = slice.first, first == .space || first == .tab { slice.removeFirst() }
        while let last = slice.last, last == .space || last == .tab { slice.removeLast() }
        return String(decoding: slice, as: UTF8.self)
    }
}
