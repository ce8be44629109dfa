public import JSON

/// One price of a menu item: an amount in won, with the size or portion it is for.
public struct MenuPrice: Sendable, Equatable, Hashable, Codable {
    /// 소/중/대, 1인분, 2인, 최소/최대 for a range, or nil for a single price.
    public var label: String?
    /// The amount in won.
    public var amount: Int

    public init(label: String? = nil, amount: Int) {
        self.label = label
        self.amount = amount
    }

    /// `{"label": ..., "amount": ...}`
    public var json: JSONValue {
        .object([("label", label.map(JSONValue.string) ?? .null), ("amount", .int(amount))])
    }
}

/// A price the parser read but does not believe: counted and reported, never silently dropped.
public struct PriceError: Sendable, Equatable, Hashable {
    /// Why the amount is implausible.
    public enum Reason: String, Sendable, Equatable, Hashable {
        /// Zero or negative.
        case notPositive = "not_positive"
        /// Over 1,000,000 won.
        case tooLarge = "too_large"
        /// Not a multiple of 100 won (no menu prices in tens of won).
        case notMultipleOfHundred = "not_multiple_of_100"
    }

    /// The text the amount came from.
    public var text: String
    /// The amount as read.
    public var amount: Int
    /// Why it is implausible.
    public var reason: Reason

    public init(text: String, amount: Int, reason: Reason) {
        self.text = text
        self.amount = amount
        self.reason = reason
    }

    /// `{"text": ..., "amount": ..., "reason": ...}`
    public var json: JSONValue {
        .object([("text", .string(text)), ("amount", .int(amount)), ("reason", .string(reason.rawValue))])
    }
}

/// One item of a menu, as extracted from a photo.
public struct MenuItem: Sendable, Equatable {
    /// The Korean name, e.g. 김치찌개. Never empty.
    public var nameKorean: String
    /// The name as the engine read it, when the lexicon corrected it (``DishLexicon``); nil otherwise.
    public var nameRaw: String?
    /// An English name when the menu prints one (or the lexicon knows the dish's standard one).
    public var nameEnglish: String?
    /// A description line printed under the name.
    public var description: String?
    /// The category header the item sits under (식사류, 주류, ...).
    public var category: String?
    /// The prices, in the order printed.
    public var prices: [MenuPrice]
    /// True for 시가/싯가/시세: the price depends on the day's market.
    public var isMarketPrice: Bool
    /// True for sets and courses (세트, 코스, 정식).
    public var isSet: Bool
    /// How sure the extraction is, 0...1.
    public var confidence: Double
    /// Prices read but judged implausible.
    public var priceErrors: [PriceError]
    /// Where the item was read on the photo (engines that give word boxes: Tesseract, CLOVA); nil otherwise.
    public var box: MenuBox?

    public init(
        nameKorean: String, nameEnglish: String? = nil, description: String? = nil, category: String? = nil,
        prices: [MenuPrice] = [], isMarketPrice: Bool = false, isSet: Bool = false, confidence: Double = 1,
        priceErrors: [PriceError] = []
    ) {
        self.nameKorean = nameKorean
        self.nameEnglish = nameEnglish
        self.description = description
        self.category = category
        self.prices = prices
        self.isMarketPrice = isMarketPrice
        self.isSet = isSet
        self.confidence = confidence
        self.priceErrors = priceErrors
    }

    /// The item as the API returns it (field names as on the wire).
    public var json: JSONValue { json(itemID: nil) }

    /// The item as the API returns it, led by the `item_id` of its entry in the restaurant's menu when given (never
    /// in the cached, hashed form).
    public func json(itemID: String?) -> JSONValue {
        var fields: [(String, JSONValue)] = itemID.map { [("item_id", .string($0))] } ?? []
        fields += [("name_ko", .string(nameKorean)), ("name_en", nameEnglish.map(JSONValue.string) ?? .null)]
        // Only on corrected items: every other item's JSON (and so its cached result hash) is as before.
        if let nameRaw { fields.append(("name_raw", .string(nameRaw))) }
        return .object(
            fields + [
                ("description", description.map(JSONValue.string) ?? .null),
                ("category", category.map(JSONValue.string) ?? .null), ("prices", .array(prices.map(\.json))),
                ("market_price", .bool(isMarketPrice)), ("is_set", .bool(isSet)),
                ("confidence", .confidence(confidence)),
                ("price_errors", .array(priceErrors.map(\.json))), ("bbox", box?.json ?? .null),
            ])
    }
}

extension MenuItem {
    /// Reads back what ``json`` wrote (cached results); nil when a required field is missing.
    public init?(json: JSONValue) {
        guard let name = json["name_ko"]?.stringValue, let rawPrices = json["prices"]?.arrayValue else { return nil }
        var prices: [MenuPrice] = []
        for rawPrice in rawPrices {
            guard let amount = rawPrice["amount"]?.intValue else { return nil }
            prices.append(MenuPrice(label: rawPrice["label"]?.stringValue, amount: amount))
        }
        let errors = (json["price_errors"]?.arrayValue ?? []).compactMap { raw -> PriceError? in
            guard let text = raw["text"]?.stringValue, let amount = raw["amount"]?.intValue,
                let reason = raw["reason"]?.stringValue.flatMap(PriceError.Reason.init(rawValue:))
            else { return nil }
            return PriceError(text: text, amount: amount, reason: reason)
        }
        self.init(
            nameKorean: name, nameEnglish: json["name_en"]?.stringValue, description: json["description"]?.stringValue,
            category: json["category"]?.stringValue, prices: prices,
            isMarketPrice: json["market_price"]?.boolValue ?? false, isSet: json["is_set"]?.boolValue ?? false,
            confidence: json["confidence"]?.doubleValue ?? 0, priceErrors: errors)
        nameRaw = json["name_raw"]?.stringValue
        box = json["bbox"].flatMap(MenuBox.init(json:))
    }
}

extension [MenuItem] {
    /// The items' mean confidence, 0 for none: a tier's confidence in a page.
    public var meanConfidence: Double { isEmpty ? 0 : map(\.confidence).reduce(0, +) / Double(count) }
}
