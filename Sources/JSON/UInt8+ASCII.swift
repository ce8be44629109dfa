/// The ASCII bytes the request parsers' grammars are made of, named so the parsers read like the RFCs.
extension UInt8 {
    package static let tab = UInt8(ascii: "\t")
    package static let lineFeed = UInt8(ascii: "\n")
    package static let carriageReturn = UInt8(ascii: "\r")
    package static let space = UInt8(ascii: " ")
    package static let quote = UInt8(ascii: "\"")
    package static let percent = UInt8(ascii: "%")
    package static let apostrophe = UInt8(ascii: "'")
    package static let hyphen = UInt8(ascii: "-")
    package static let colon = UInt8(ascii: ":")
    package static let semicolon = UInt8(ascii: ";")
    package static let equals = UInt8(ascii: "=")
    package static let backslash = UInt8(ascii: "\\")
}

extension UInt8 {
    /// The value of a hex digit (`0-9`, `a-f`, `A-F`), or nil: for percent-escapes and JSON `\u` escapes.
    package var hexDigitValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
