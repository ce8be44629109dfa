import FuzzSupport
import MenuModel
import MenuParsing

// Input: a flags byte (bit 0: give the page size; bit 1: no lexicon), the page's width and height (two bytes
// each), then words: x and y (signed, two bytes each), width and height (two bytes each), confidence (a byte,
// /255), the text's length (a byte) and its UTF-8. Coordinates stay within ±32,767 px, inside the ±100,000 the
// CLOVA tier lets through, as the engines' pages do.
// Invariants, beyond not crashing:
// - every item's prices pass PriceValidator, and its price errors carry the validator's reason;
// - every item's confidence is in 0...1 (the words' are) and its Korean name has at least two letters;
// - with a page size, every box lies inside the unit square with a positive size;
// - the parse is deterministic.
func check(_ bytes: [UInt8]) {
    var reader = FuzzReader(bytes)
    let flags = reader.byte()
    let pageWidth = Double(reader.uint16())
    let pageHeight = Double(reader.uint16())
    var words: [OCRWord] = []
    while !reader.isAtEnd, words.count < 200 {
        let x = Double(reader.int16())
        let y = Double(reader.int16())
        let width = Double(reader.uint16())
        let height = Double(reader.uint16())
        let confidence = Double(reader.byte()) / 255
        let text = String(decoding: reader.bytes(Int(reader.byte())), as: UTF8.self)
        words.append(OCRWord(text: text, x: x, y: y, width: width, height: height, confidence: confidence))
    }
    let parser = MenuLayoutParser(lexicon: flags & 2 == 0 ? .standard : nil)
    let pageSize = flags & 1 == 0 ? nil : (width: pageWidth, height: pageHeight)
    let items = parser.items(from: words, pageSize: pageSize)

    requirePlausible(items, "\(words.count) words")
    for item in items {
        require(item.nameKorean.count(where: { $0 != " " }) >= 2, "one-letter name \(item.nameKorean)")
        require(item.box == nil || pageSize != nil, "a box without a page size")
    }
    require(parser.items(from: words, pageSize: pageSize) == items, "two parses of the same words differ")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLayout(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    check(FuzzInput.bytes(data, size))
    return 0
}
