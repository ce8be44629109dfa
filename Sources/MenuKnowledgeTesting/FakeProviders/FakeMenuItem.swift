import JSON

/// One dish in a ``FakeOpenAIServer`` answer, with the fields of the menu schema the client asks for.
///
/// ```swift
/// FakeMenuItem("김치찌개", 8000, confidence: 0.95)
/// FakeMenuItem("삼겹살", prices: [("1인분", 15000), ("2인분", 28000)], category: "구이")
/// FakeMenuItem("대게", prices: [], marketPrice: true)
/// ```
public struct FakeMenuItem: Sendable {
    /// `name_ko`: the dish name as printed.
    public var nameKorean: String
    /// `name_en`, or null.
    public var nameEnglish: String?
    /// `description`, or null.
    public var description: String?
    /// `category`, or null.
    public var category: String?
    /// `prices`: each with an optional `label` (size, portion) and an integer `amount` in won.
    public var prices: [(label: String?, amount: Int)]
    /// `market_price`: the price is "시가" (varies daily).
    public var marketPrice: Bool
    /// `is_set`: a set menu or course.
    public var isSet: Bool
    /// `confidence`: the model's self-reported certainty, 0…1.
    public var confidence: Double
    /// When set, the log-probability given to every token that overlaps this item's `name_ko` text or its amount
    /// digits, instead of the step's default: the way to fake one doubtful dish among sure ones.
    public var valueLogprob: Double?

    /// A dish with one unlabelled price.
    /// - Parameters:
    ///   - nameKorean: `name_ko`.
    ///   - amount: the price in won.
    ///   - nameEnglish: `name_en`. Defaults to nil.
    ///   - description: `description`. Defaults to nil.
    ///   - category: `category`. Defaults to nil.
    ///   - isSet: `is_set`. Defaults to false.
    ///   - confidence: `confidence`. Defaults to 0.9.
    ///   - valueLogprob: see ``valueLogprob``. Defaults to nil.
    public init(
        _ nameKorean: String, _ amount: Int, nameEnglish: String? = nil, description: String? = nil,
        category: String? = nil, isSet: Bool = false, confidence: Double = 0.9, valueLogprob: Double? = nil
    ) {
        self.init(
            nameKorean, prices: [(nil, amount)], nameEnglish: nameEnglish, description: description,
            category: category, isSet: isSet, confidence: confidence, valueLogprob: valueLogprob)
    }

    /// A dish with any number of prices (none for a market-price dish).
    /// - Parameters:
    ///   - nameKorean: `name_ko`.
    ///   - prices: `prices` as (label, amount) pairs.
    ///   - nameEnglish: `name_en`. Defaults to nil.
    ///   - description: `description`. Defaults to nil.
    ///   - category: `category`. Defaults to nil.
    ///   - marketPrice: `market_price`. Defaults to false.
    ///   - isSet: `is_set`. Defaults to false.
    ///   - confidence: `confidence`. Defaults to 0.9.
    ///   - valueLogprob: see ``valueLogprob``. Defaults to nil.
    public init(
        _ nameKorean: String, prices: [(label: String?, amount: Int)], nameEnglish: String? = nil,
        description: String? = nil, category: String? = nil, marketPrice: Bool = false, isSet: Bool = false,
        confidence: Double = 0.9, valueLogprob: Double? = nil
    ) {
        self.nameKorean = nameKorean
        self.nameEnglish = nameEnglish
        self.description = description
        self.category = category
        self.prices = prices
        self.marketPrice = marketPrice
        self.isSet = isSet
        self.confidence = confidence
        self.valueLogprob = valueLogprob
    }
}

/// The compact JSON text a ``FakeOpenAIServer`` puts in `message.content` for a list of dishes, with the byte ranges
/// whose tokens get an item's ``FakeMenuItem/valueLogprob``.
struct FakeMenuContent {
    private(set) var bytes: [UInt8] = []
    /// Byte ranges of `name_ko` texts (inside the quotes) and amount digits, with the log-probability they carry.
    private(set) var valueRanges: [(range: Range<Int>, logprob: Double)] = []

    /// Writes `{"has_handwriting":…,"items":[…]}` in schema order.
    init(items: [FakeMenuItem], hasHandwriting: Bool) {
        append(#"{"has_handwriting":"#)
        append(.bool(hasHandwriting))
        append(#","items":["#)
        for (index, item) in items.enumerated() {
            if index > 0 { append(",") }
            append(#"{"name_ko":"#)
            // The quote characters belong to JSON, not to the value: only the text between them is marked.
            let nameStart = bytes.count + 1
            append(.string(item.nameKorean))
            mark(nameStart..<(bytes.count - 1), item.valueLogprob)
            append(#","name_en":"#)
            append(item.nameEnglish.map { .string($0) } ?? .null)
            append(#","description":"#)
            append(item.description.map { .string($0) } ?? .null)
            append(#","category":"#)
            append(item.category.map { .string($0) } ?? .null)
            append(#","prices":["#)
            for (priceIndex, price) in item.prices.enumerated() {
                if priceIndex > 0 { append(",") }
                append(#"{"label":"#)
                append(price.label.map { .string($0) } ?? .null)
                append(#","amount":"#)
                let amountStart = bytes.count
                append(.int(price.amount))
                mark(amountStart..<bytes.count, item.valueLogprob)
                append("}")
            }
            append(#"],"market_price":"#)
            append(.bool(item.marketPrice))
            append(#","is_set":"#)
            append(.bool(item.isSet))
            append(#","confidence":"#)
            append(.double(item.confidence))
            append("}")
        }
        append("]}")
    }

    /// The content as text (always valid UTF-8: it is built from Swift strings).
    var text: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func append(_ literal: String) { bytes.append(contentsOf: literal.utf8) }

    private mutating func append(_ value: JSONValue) { bytes.append(contentsOf: value.encoded) }

    private mutating func mark(_ range: Range<Int>, _ logprob: Double?) {
        if let logprob, !range.isEmpty { valueRanges.append((range, logprob)) }
    }
}
