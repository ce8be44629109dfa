import FuzzSupport
import MenuModel
import MenuParsing

// Input: one byte of context flags (1: in thousands, 2 and 4: column labels, 8: then eight bytes of typical
// amount), then the line as UTF-8 (invalid sequences become U+FFFD, as OCR text never
// holds them). Invariants, beyond not crashing:
// - every price a reading returns passes PriceValidator (positive, at most 1,000,000, a multiple of 100), so
//   nothing implausible reaches a menu;
// - every price error carries the reason PriceValidator gives for its amount;
// - a reading is deterministic, and each of `readings(of:)`'s segments (read alone) keeps the same rules;
// - a single token's amount is never negative.
func check(_ bytes: [UInt8]) {
    var reader = FuzzReader(bytes)
    let flags = reader.byte()
    var context = PriceContext(isInThousands: flags & 1 != 0)
    if flags & 2 != 0 { context.columnLabels = ["소", "대"] }
    if flags & 4 != 0 { context.columnLabels += ["중"] }
    if flags & 8 != 0 {
        // Any Int: `typicalAmount` is public, and a caller's value (the layout parser passes only validated
        // medians) must not be able to trap the parser.
        var typical: UInt64 = 0
        for byte in reader.bytes(8) { typical = typical << 8 | UInt64(byte) }
        context.typicalAmount = Int(truncatingIfNeeded: typical)
    }
    let line = String(decoding: reader.rest(), as: UTF8.self)
    let parser = PriceParser()

    let reading = parser.reading(of: line, context: context)
    checkReading(reading, of: line)
    require(parser.reading(of: line, context: context) == reading, "two readings of one line differ: \(line)")
    for segment in parser.readings(of: line, context: context) { checkReading(segment, of: line) }

    for token in line.split(separator: " ").prefix(16) {
        // A token's amount is validated only by the reading, but no rule subtracts, so it is never negative.
        if let amount = parser.amount(from: String(token), context) {
            require(amount >= 0, "amount \(amount) from token \(token)")
        }
    }
}

func checkReading(_ reading: PriceReading, of line: String) {
    for price in reading.prices {
        require(
            PriceValidator.problem(with: price.amount) == nil,
            "implausible price \(price.amount) read from \(line)")
        require(price.label.map { !$0.isEmpty } ?? true, "empty label read from \(line)")
    }
    for error in reading.errors {
        require(
            PriceValidator.problem(with: error.amount) == error.reason,
            "price error \(error.amount) has reason \(error.reason) reading \(line)")
    }
    require(
        reading.hasPrice == (!reading.prices.isEmpty || reading.isMarketPrice || !reading.errors.isEmpty), "hasPrice")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPrice(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    check(FuzzInput.bytes(data, size))
    return 0
}
