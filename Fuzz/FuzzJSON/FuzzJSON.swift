import FuzzSupport
import JSON

// Invariants, beyond not crashing:
// - a document that parses encodes to JSON that parses to an equal value, and that encoding is a fixed point;
// - parseWithSpans accepts exactly what parse accepts, with the same value;
// - spans are in document order, do not overlap, lie inside the input, and each span's bytes parse alone to the
//   leaf value its path names.
func check(_ bytes: [UInt8]) {
    let plain = Result { () throws(JSONParseError) in try JSONParser.parse(bytes) }
    let spanned = Result { () throws(JSONParseError) in try JSONParser.parseWithSpans(bytes) }
    switch (plain, spanned) {
    case (.failure(let a), .failure(let b)):
        require(a.offset == b.offset, "parse and parseWithSpans fail at \(a.offset) and \(b.offset)")
        require(a.offset >= 0 && a.offset <= bytes.count, "error offset \(a.offset) outside \(bytes.count) bytes")
    case (.success(let value), .success(let (spannedValue, spans))):
        require(value == spannedValue, "parseWithSpans gives another value")
        checkRoundTrip(value)
        checkSpans(spans, of: value, in: bytes)
    default:
        require(false, "parse and parseWithSpans disagree on whether the input is JSON")
    }
}

func checkRoundTrip(_ value: JSONValue) {
    let encoded = value.encoded
    guard let reparsed = try? JSONParser.parse(encoded) else {
        require(false, "the encoding does not parse: \(value.encodedString)")
        return
    }
    require(reparsed == value, "the encoding parses to another value: \(value.encodedString)")
    require(reparsed.encoded == encoded, "the encoding is not a fixed point: \(value.encodedString)")
}

func checkSpans(_ spans: [JSONParser.Span], of value: JSONValue, in bytes: [UInt8]) {
    // Walking the value gives every string and number leaf in document order, so duplicate keys need no lookup.
    var leaves: [(path: [JSONParser.PathComponent], value: JSONValue)] = []
    collectLeaves(of: value, at: [], into: &leaves)
    require(spans.count == leaves.count, "\(spans.count) spans for \(leaves.count) string and number values")
    var previousEnd = 0
    for (span, leaf) in zip(spans, leaves) {
        require(span.range.lowerBound >= previousEnd, "span \(span.range) overlaps or precedes the one before")
        require(span.range.upperBound <= bytes.count, "span \(span.range) ends past \(bytes.count) bytes")
        previousEnd = span.range.upperBound
        require(span.path == leaf.path, "span path \(span.path), value path \(leaf.path)")
        let alone = try? JSONParser.parse(Array(bytes[span.range]))
        require(alone == leaf.value, "span \(span.range) at \(span.path) does not hold its value")
    }
}

func collectLeaves(
    of value: JSONValue, at path: [JSONParser.PathComponent],
    into leaves: inout [(path: [JSONParser.PathComponent], value: JSONValue)]
) {
    switch value {
    case .null, .bool: break
    case .int, .double, .string: leaves.append((path, value))
    case .array(let elements):
        for (index, element) in elements.enumerated() {
            collectLeaves(of: element, at: path + [.index(index)], into: &leaves)
        }
    case .object(let members):
        for (key, member) in members { collectLeaves(of: member, at: path + [.key(key)], into: &leaves) }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    check(FuzzInput.bytes(data, size))
    return 0
}
