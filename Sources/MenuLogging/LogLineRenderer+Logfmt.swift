import JSON
import Logging

extension LogLineRenderer {
    /// `key=value` pairs separated by single spaces, as go-logfmt writes them: a value is bare unless it is empty
    /// or holds a space, `=`, `"`, `\`, a control character or a Unicode line separator; then it is quoted with
    /// JSON's string escapes (`\"`, `\\`, `\n`, `\u001b`, ...), which logfmt readers decode. So a value can never
    /// start a new line or forge a key.
    static func logfmtLine(_ fields: [(key: String, value: Logger.MetadataValue)]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64 + fields.count * 24)
        for (index, field) in fields.enumerated() {
            if index > 0 { output.append(UInt8(ascii: " ")) }
            appendKey(field.key, to: &output)
            output.append(UInt8(ascii: "="))
            appendValue(field.value.logText, to: &output)
        }
        output.append(UInt8(ascii: "\n"))
        return output
    }

    /// Keys are ours, but a key is never quoted in logfmt: any byte that would end it or make it ambiguous
    /// becomes `_`.
    private static func appendKey(_ key: String, to output: inout [UInt8]) {
        guard !key.isEmpty else {
            output.append(UInt8(ascii: "_"))
            return
        }
        for byte in key.utf8 {
            output.append(isBareKeyByte(byte) ? byte : UInt8(ascii: "_"))
        }
    }

    private static func appendValue(_ value: String, to output: inout [UInt8]) {
        if needsQuotes(value) {
            output.append(contentsOf: JSONValue.string(value).encoded)
        } else {
            output.append(contentsOf: value.utf8)
        }
    }

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte != 0x7F && byte != UInt8(ascii: "=") && byte != UInt8(ascii: "\"")
    }

    /// Whether `value` must be quoted to read back as itself, on one line.
    static func needsQuotes(_ value: String) -> Bool {
        if value.isEmpty { return true }
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x00...0x20, 0x7F...0x9F, 0x2028, 0x2029: return true
            case UInt32(UInt8(ascii: "=")), UInt32(UInt8(ascii: "\"")), UInt32(UInt8(ascii: "\\")): return true
            default: continue
            }
        }
        return false
    }
}

extension Logger.MetadataValue {
    /// The value as logfmt writes it: strings as they are, lists and dictionaries as swift-log describes them.
    var logText: String {
        switch self {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case .array, .dictionary: description
        }
    }
}
