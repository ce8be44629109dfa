import JSON
import Logging

extension LogLineRenderer {
    /// One JSON object per line (the encoding escapes every control character, so a value cannot break the line),
    /// keys in the fields' order. Values are strings, as in logfmt; lists and dictionaries stay JSON arrays and
    /// objects (a dictionary's keys sorted).
    static func jsonLine(_ fields: [(key: String, value: Logger.MetadataValue)]) -> [UInt8] {
        var output = JSONValue.object(fields.map { ($0.key, $0.value.json) }).encoded
        output.append(UInt8(ascii: "\n"))
        return output
    }
}

extension Logger.MetadataValue {
    fileprivate var json: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .stringConvertible(let value): .string(value.description)
        case .array(let values): .array(values.map(\.json))
        case .dictionary(let members):
            .object(members.keys.sorted().compactMap { key in members[key].map { (key, $0.json) } })
        }
    }
}
