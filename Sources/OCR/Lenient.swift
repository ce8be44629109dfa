/// A value that decodes to nil instead of failing its container, so one malformed element does not lose an array.
struct Lenient<Value: Decodable>: Decodable {
    var value: Value?

    init(from decoder: any Decoder) throws {
        value = try? Value(from: decoder)
    }
}
