import JSON

/// A header value followed by parameters: `multipart/form-data; boundary=x` or
/// `form-data; name="files"; filename="a.jpg"`.
///
/// The grammar is RFC 9110 §5.6.6 (`parameters`) with quoted strings from §5.6.4, plus two leniencies for what
/// clients really send:
/// - an unquoted value may hold any visible ASCII character except `;`, `"` and `\`, because PHP-style field names
///   such as `files[]` are not tokens and some clients leave them unquoted;
/// - inside quotes a backslash escapes only `"` and `\`, so `"a\b.jpg"` keeps its backslash.
///
/// A part's `Content-Disposition` is read with ``QuotedStrings/formData`` instead: the WHATWG form-data encoding
/// every browser and curl 7.81+ use (HTML "multipart/form-data encoding algorithm"; read back as the Fetch standard's
/// multipart/form-data parser reads names). There a backslash is an ordinary character, a quoted value ends at the
/// first `"`, and `"`, CR and LF arrive percent-encoded as `%22`, `%0D` and `%0A`, which are decoded. So
/// `name="a\"` is the name `a\` (issue 15), not an unterminated value. Only when that reading fails (an old curl
/// that escaped `\"` inside a value) is the value read again with backslash escapes, so those clients keep working.
///
/// Quoted values may hold raw UTF-8: browsers send non-ASCII file names that way.
struct ParameterizedHeaderValue {
    /// How a quoted value is read.
    enum QuotedStrings {
        /// RFC 9110 §5.6.4, with `\` escaping `"` and `\` only (`Content-Type`).
        case rfc9110
        /// The WHATWG form-data encoding (`Content-Disposition` of a part), falling back to ``rfc9110``.
        case formData
    }

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
    init(parsing text: String, quotedStrings: QuotedStrings = .rfc9110) throws(SyntaxError) {
        guard quotedStrings == .formData else {
            try self.init(parsing: text, backslashEscapes: true)
            return
        }
        do {
            try self.init(parsing: text, backslashEscapes: false)
        } catch {
            // What browsers send failed: perhaps a client that escapes quotes with backslashes (curl before 7.81).
            // Its error is the one reported when that reading fails too, since browsers are the common sender.
            do {
                try self.init(parsing: text, backslashEscapes: true)
            } catch _ {
                throw error
            }
        }
    }

    private init(parsing text: String, backslashEscapes: Bool) throws(SyntaxError) {
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
                    if backslashEscapes, byte == .backslash, index + 1 < bytes.count,
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
                if !backslashEscapes { parameterValue = Self.formDataDecoded(parameterValue) }
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

    /// A quoted form-data value with the WHATWG encoding's three escapes undone: `%0A` → LF, `%0D` → CR,
    /// `%22` → `"`, exactly as the Fetch standard's parser replaces them (upper-case hex only, every other `%` kept).
    static func formDataDecoded(_ value: [UInt8]) -> [UInt8] {
        guard value.contains(.percent) else { return value }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(value.count)
        var index = 0
        while index < value.count {
            if value[index] == .percent, index + 2 < value.count {
                switch (value[index + 1], value[index + 2]) {
                case (UInt8(ascii: "0"), UInt8(ascii: "A")): decoded.append(.lineFeed)
                case (UInt8(ascii: "0"), UInt8(ascii: "D")): decoded.append(.carriageReturn)
                case (UInt8(ascii: "2"), UInt8(ascii: "2")): decoded.append(.quote)
                default:
                    decoded.append(value[index])
                    index += 1
                    continue
                }
                index += 3
                continue
            }
            decoded.append(value[index])
            index += 1
        }
        return decoded
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
