/// A JSON object read leniently, as the providers' replies are: a member that is absent, null or of another type
/// reads as nil, and a value that is no object has no members. The reader then says which member is missing.
///
/// ```
/// init(from decoder: any Decoder) throws {
///     let object = LenientObject(decoder, keyedBy: CodingKeys.self)
///     content = object[.content]
/// }
/// ```
struct LenientObject<Key: CodingKey> {
    private let container: KeyedDecodingContainer<Key>?

    init(_ decoder: any Decoder, keyedBy _: Key.Type) {
        container = try? decoder.container(keyedBy: Key.self)
    }

    subscript<Value: Decodable>(_ key: Key) -> Value? {
        (try? container?.decodeIfPresent(Value.self, forKey: key)) ?? nil
    }
}
