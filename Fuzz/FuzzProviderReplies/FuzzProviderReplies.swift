import Curl
import FuzzSupport
import MenuModel
import MenuParsing

@testable import OCR

// Input: a provider's answer body, the bytes the cloud tiers get back from libcurl. The same bytes go through
// every decoder, because any of them may be handed any body: the OpenAI chat completion to items, CLOVA's reply
// to words, items and raw text (as `ClovaOCRProvider.recognize` does), both error envelopes and both classifiers,
// with the body's first line as `Retry-After`.
// Invariants, beyond not crashing:
// - the items either tier returns keep every item rule (validated prices, reasons, confidences in 0...1, a name,
//   boxes inside the page), and OpenAI's answer confidence is in 0...1;
// - no decoded text holds a control character;
// - CLOVA's words lie within the ±100,000 px it accepts, with non-negative sizes and confidences in 0...1;
// - a retry delay from `Retry-After` is positive and at most a minute.
func check(_ body: [UInt8]) {
    checkOpenAI(body)
    checkClova(body)
    _ = OpenAIErrorReply.code(in: body)
    _ = ClovaErrorReply.code(in: body)
    let firstLine = body.prefix(64).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).first ?? []
    let retryAfter = String(decoding: firstLine, as: UTF8.self)
    for status in [200, 400, 429, 503] {
        let response = HTTPClientResponse(
            status: status, headers: [("Retry-After", retryAfter), ("Retry-After-Ms", retryAfter)], body: body)
        for verdict in [OpenAIVisionProvider.classify(response), ClovaOCRProvider.classify(response)] {
            if case .retry(_, _, let delay?) = verdict {
                require(delay > .zero && delay <= .seconds(60), "retry delay \(delay) from '\(retryAfter)'")
            }
        }
    }
}

func checkOpenAI(_ body: [UInt8]) {
    guard let answer = try? OpenAIVisionProvider.decodeCompletion(body) else { return }
    requirePlausible(answer.items, "OpenAI answer")
    require((0...1).contains(answer.confidence), "answer confidence \(answer.confidence)")
    for item in answer.items {
        for text in [item.nameKorean, item.nameEnglish, item.description, item.category].compactMap({ $0 }) {
            require(!text.unicodeScalars.contains { $0.properties.generalCategory == .control }, "control in \(text)")
        }
    }
}

func checkClova(_ body: [UInt8]) {
    guard let page = ClovaReply.decode(body)?.images.first else { return }
    let words = ClovaOCRProvider.words(of: page)
    for word in words {
        require(!word.text.isEmpty, "an empty CLOVA word")
        require(!word.text.unicodeScalars.contains { $0.properties.generalCategory == .control }, "control in word")
        let plausible = -100_000.0...100_000.0
        require(plausible.contains(word.x) && plausible.contains(word.y), "word at \(word.x), \(word.y)")
        require(word.width >= 0 && word.height >= 0, "word of size \(word.width) x \(word.height)")
        require((0...1).contains(word.confidence), "word confidence \(word.confidence)")
    }
    let pageSize = page.convertedImageInfo.map { (width: $0.width, height: $0.height) } ?? (width: 1000, height: 1000)
    let items = MenuLayoutParser().items(from: words, pageSize: pageSize)
    requirePlausible(items, "CLOVA reply")
    _ = MenuLayoutParser.lines(of: words, slope: MenuLayoutParser.estimatedSlope(words)).map(\.text)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProviderReplies(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    check(FuzzInput.bytes(data, size))
    return 0
}
