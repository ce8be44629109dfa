import Foundation
public import MenuModel

/// What the menu says about how its prices are written.
public struct PriceContext: Sendable, Equatable {
    /// The menu prints prices in thousands of won (`(단위: 천원)`, `천원 단위`): `12.0` and `12` mean 12,000.
    public var isInThousands: Bool
    /// Column labels from a size header row (`소 중 대`), assigned in order to unlabelled prices on one line.
    public var columnLabels: [String]
    /// The median of the page's plausible amounts, when known: an amount over five times it is checked for a misread
    /// character (``PriceParser/withoutMisreadMark(_:_:typical:)``).
    public var typicalAmount: Int?

    public init(isInThousands: Bool = false, columnLabels: [String] = [], typicalAmount: Int? = nil) {
        self.isInThousands = isInThousands
        self.columnLabels = columnLabels
        self.typicalAmount = typicalAmount
    }
}

/// The prices found in one line of menu text, and the text that is left for the name.
public struct PriceReading: Sendable, Equatable {
    /// The line without its price parts, leaders and labels: the item's name (and anything else printed).
    public var remainingText: String
    /// The plausible prices, in the order printed.
    public var prices: [MenuPrice]
    /// True when the line says 시가/싯가/시세.
    public var isMarketPrice: Bool
    /// Amounts read but judged implausible.
    public var errors: [PriceError]

    /// True when the line carries a price, a market price word, or a price error.
    public var hasPrice: Bool { !prices.isEmpty || isMarketPrice || !errors.isEmpty }
}

/// Reads Korean menu prices as printed and as OCR returns them.
///
/// ```
/// PriceParser().reading(of: "김치찌개 ........ 8,000원")   // remaining "김치찌개", prices [8000]
/// PriceParser().reading(of: "족발 소 30,000 / 대 40,000")  // [소 30000, 대 40000]
/// PriceParser().reading(of: "모둠회 시가")                   // market price
/// ```
/// Understood: `8,000`, `8,000원`, `8000원`, `₩8,000` (and OCR's `\8,000`), `8.000`, `8천원`, `1만2천원`, `1.5만`,
/// `만원`, full-width digits, a trailing `-`, prices in thousands under a unit note, size and portion labels (`소`,
/// `2인`, `1인분`, `1병`), ranges (`15,000~20,000`), 시가/싯가/시세, and OCR's O→0, l/I/|→1, S→5 inside tokens
/// that are otherwise numeric. Every amount is validated (``PriceValidator``).
public struct PriceParser: Sendable {
    public init() {}

    /// Reads one line that may hold several items: a new item starts where a word with Hangul that is not part of a
    /// price (a label, 원, 시가) follows a price. Two columns the layout could not split
    /// (`지리탕 23,000원 모둠회 8,500원`), or a row of two dishes, become two readings.
    /// - Returns: at least one reading; the last may have no price (a name whose price is on the next line).
    public func readings(of line: String, context: PriceContext = PriceContext()) -> [PriceReading] {
        let tokens = Self.lineTokens(of: line)
        // The roles come from the same reading that reads each segment: what is a price part here is one there.
        let roles = read(tokens, context).roles
        var segments: [[String]] = [[]]
        var segmentHasPrice = false
        for (token, role) in zip(tokens, roles) {
            if role == .name, segmentHasPrice, token.containsHangul {
                segments.append([])
                segmentHasPrice = false
            }
            segments[segments.count - 1].append(token)
            if role == .price { segmentHasPrice = true }
        }
        return segments.filter { !$0.isEmpty }.map { read($0, context).reading }
    }

    /// Reads one line.
    public func reading(of line: String, context: PriceContext = PriceContext()) -> PriceReading {
        read(Self.lineTokens(of: line), context).reading
    }

    /// What a token is to the reading.
    private enum TokenRole {
        /// Left for the name.
        case name
        /// An amount (alone or with its label glued on), or a market price word.
        case price
        /// A size or portion label before its amount.
        case label
        /// 원 apart from its amount, or a range's `~`.
        case mark
    }

    /// A line's tokens as the reading sees them: normalised, split, amounts cut in two joined.
    private static func lineTokens(of line: String) -> [String] {
        joiningSplitAmounts(tokens(of: normalized(line)))
    }

    /// Reads tokens, and says what each one was.
    private func read(_ tokens: [String], _ context: PriceContext) -> (reading: PriceReading, roles: [TokenRole]) {
        var roles: [TokenRole] = []
        var remaining: [String] = []
        var found: [(label: String?, amount: Int, text: String)] = []
        var isMarketPrice = false
        var pendingLabel: String?
        var pendingRange = false
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            defer { index += 1 }
            if Self.marketPriceWords.contains(Self.strippingParentheses(token)) {
                isMarketPrice = true
                roles.append(.price)
                continue
            }
            if token == "~" {
                pendingRange = !found.isEmpty
                roles.append(.mark)
                continue
            }
            if let (label, amountText) = Self.splitGluedLabel(token), let amount = amount(from: amountText, context) {
                found.append((label, amount, token))
                roles.append(.price)
                continue
            }
            // 원 printed apart from its amount, and what OCR makes of it (운, 윈, 웜).
            if Self.wonReadings.contains(token), !found.isEmpty, index > 0,
                amount(from: tokens[index - 1], context) != nil
            {
                roles.append(.mark)
                continue
            }
            if let amount = amount(from: token, context) {
                if pendingRange, let last = found.popLast() {
                    found.append(("최소", last.amount, last.text))
                    found.append(("최대", amount, token))
                    pendingRange = false
                } else {
                    found.append((pendingLabel, amount, token))
                }
                pendingLabel = nil
                roles.append(.price)
                continue
            }
            let bare = Self.strippingParentheses(token)
            if Self.isLabel(bare), index + 1 < tokens.count, amount(from: tokens[index + 1], context) != nil {
                pendingLabel = bare
                roles.append(.label)
                continue
            }
            if let label = Self.misreadLabel(bare, on: tokens), index + 1 < tokens.count,
                amount(from: tokens[index + 1], context) != nil
            {
                pendingLabel = label
                roles.append(.label)
                continue
            }
            remaining.append(token)
            roles.append(.name)
        }
        // `9,000 12,000` under a `소 대` header: unlabelled prices take the column labels, when the counts agree;
        // an implausible amount among them (`라면 [6650 28,000 36,000 44,000`, a misread badge) takes no column.
        let plausible = found.indices.filter { PriceValidator.problem(with: found[$0].amount) == nil }
        if plausible.count > 1, plausible.count == context.columnLabels.count,
            found.allSatisfy({ $0.label == nil })
        {
            for (position, label) in zip(plausible, context.columnLabels) { found[position].label = label }
        } else if found.count == 2, found.allSatisfy({ $0.label == nil }),
            found[0].amount >= found[1].amount || found[0].amount * 4 < found[1].amount
        {
            // `16,000 13,000`: an old price struck through beside the new, lower one (or one price read twice); or
            // `2,900 39,900`, the struck price's fragment (small, grey and crossed out, it is misread). Unlabelled
            // sizes rise, and never fourfold.
            found.removeFirst()
        }
        var prices: [MenuPrice] = []
        var errors: [PriceError] = []
        for (label, amount, text) in found {
            if let reason = PriceValidator.problem(with: amount) {
                errors.append(PriceError(text: text, amount: amount, reason: reason))
            } else {
                prices.append(MenuPrice(label: label, amount: amount))
            }
        }
        let reading = PriceReading(
            remainingText: remaining.joined(separator: " "), prices: prices, isMarketPrice: isMarketPrice,
            errors: errors)
        return (reading, roles)
    }

    /// The amount a single token stands for, or nil when it is not a price.
    public func amount(from token: String, _ context: PriceContext = PriceContext()) -> Int? {
        var text = Self.strippingParentheses(token)
        // What an engine makes of the gap before a price in a column (`_26,000`, `-26,000`, `:26,000`).
        // (Not `,` or `.`: `,500` is the tail of a price cut in two, not 500 won.)
        while let first = text.first, "_-:;|~".contains(first) { text.removeFirst() }
        var hasCurrencyMark = false
        // Currency marks: ₩, and the backslash OCR reads it as; W only directly before a digit.
        while let first = text.first,
            Self.currencyMarks.contains(first) || (first == "W" && text.dropFirst().first?.isASCIIDigit == true)
        {
            text.removeFirst()
            hasCurrencyMark = true
        }
        while let last = text.last,
            last == "-" || last == "원" || last == "운" || last == "~" || last == "." || last == ","
        {
            if last == "원" || last == "운" { hasCurrencyMark = true }
            text.removeLast()
        }
        guard !text.isEmpty else { return nil }
        if text.contains(where: { $0 == "만" || $0 == "천" || $0 == "백" }) {
            return Self.koreanUnitAmount(text)
        }
        guard let digits = Self.repairedDigits(text),
            let value = Self.numericAmount(
                digits, isInThousands: context.isInThousands, hasCurrencyMark: hasCurrencyMark)
        else { return nil }
        guard let typical = context.typicalAmount else { return value }
        return Self.withoutMisreadMark(digits, value, typical: typical) ?? value
    }

    /// An amount of six figures, over five times the page's typical price, misread by one character: ₩ read as a leading `2` or `3` (`₩31,900` as
    /// `331.900`), the thousands separator read as a digit (`27,000` as `277000`), or, in thousands, the decimal
    /// point lost (`44.5` as `445`). The amount as printed, when it fits the page (within five times its typical
    /// price either way); nil otherwise.
    static func withoutMisreadMark(_ digits: String, _ value: Int, typical: Int) -> Int? {
        // The layout parser passes a validated median, but `PriceContext` is public: a typical price beyond any
        // plausible one is no page's, and `typical * 5` must not overflow (a trap FuzzPrice found at 4.8e18).
        guard value >= 100_000, (1...PriceValidator.maximumAmount).contains(typical), value > typical * 5 else {
            return nil
        }
        let characters = Array(digits)
        let repaired: Int?
        if characters.count == 7, "23".contains(characters[0]), ",.".contains(characters[3]) {
            repaired = Int(String(characters[1...]).filter(\.isASCIIDigit))  // 331.900 → 31900
        } else if characters.count == 6, characters.allSatisfy(\.isASCIIDigit), "017".contains(characters[2]) {
            repaired = Int(String(characters[..<2] + characters[3...]))  // 277000 → 27000
        } else if characters.count == 3, let digitsValue = Int(digits), value == digitsValue * 1000 {
            repaired = digitsValue * 100  // 445 in thousands → 44,500
        } else {
            repaired = nil
        }
        guard let repaired, repaired * 5 >= typical, repaired <= typical * 5,
            PriceValidator.problem(with: repaired) == nil
        else { return nil }
        return repaired
    }

    // MARK: - Normalisation and tokens

    /// ₩ and what OCR reads it as (`\\`, `#`), with the quotes that stick to it.
    static let currencyMarks: Set<Character> = ["₩", "\\", "#", "”", "“", "\"", "'", "`"]
    static let wonReadings: Set<String> = ["원", "운", "윈", "웜", "원.", "월"]
    /// 시가 and its spellings, with what OCR reads them as (삿가, 섯가: the vowel's stroke misread).
    static let marketPriceWords: Set<String> = ["시가", "싯가", "시세", "時價", "시가원", "삿가", "섯가"]

    /// Full-width forms to ASCII, leaders and odd spaces to spaces, range marks to a spaced `~`.
    static func normalized(_ line: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E:  // full-width ASCII (０-９, ，, ．, ～ ...)
                scalars.append(Unicode.Scalar(scalar.value - 0xFEE0) ?? scalar)
            case 0x3000, 0x00A0, 0x2002...0x200B: scalars.append(" ")
            case 0xFFE6: scalars.append("₩")  // full-width won sign
            case 0x223C, 0x301C: scalars.append("~")  // ∼ and 〜
            default: scalars.append(scalar)
            }
        }
        var text = String(scalars)
        // Dot leaders: runs of two or more dots, middle dots or ellipses; runs of three or more - _ = *.
        var output = ""
        var run: [Character] = []
        func flush() {
            let isLeader =
                (run.count >= 2 && run.allSatisfy { ".·…‥・".contains($0) })
                || (run.count >= 3 && run.allSatisfy { "-_=*".contains($0) })
            output += isLeader ? " " : String(run)
            run.removeAll()
        }
        for character in text {
            if ".·…‥・-_=*".contains(character) {
                run.append(character)
            } else {
                flush()
                output.append(character)
            }
        }
        flush()
        text = Self.withoutRepeatedRuns(output)
        text = text.replacingOccurrences(of: "~", with: " ~ ")
        // 천 misread as 전 and 백 as 박 inside a Korean amount (`1만1전5백원`, `4전 원`, `1만3천5 박 원`), and 원 as 엔 or
        // 워 glued to digits.
        text = text.replacingOccurrences(
            of: #"(\d)\s?전(?=\s?(\d|백|원|$))"#, with: "$1천", options: .regularExpression)
        text = text.replacingOccurrences(
            of: #"(\d)\s?박(?=\s?(원|$))"#, with: "$1백", options: .regularExpression)
        text = text.replacingOccurrences(of: #"(\d)(엔|워)(?!\p{L})"#, with: "$1원", options: .regularExpression)
        // `38,.000`, `16.,000`: a separator read twice (a comma and the speck beside it) is one.
        text = text.replacingOccurrences(of: #"(\d)[,.]{2}(\d{3})(?!\d)"#, with: "$1,$2", options: .regularExpression)
        // Labels as OCR spaces them: `( 소)`, `(소 )` → `(소)`; `1인 분`, `1 인분` → `1인분`.
        text = text.replacingOccurrences(of: #"\(\s+"#, with: "(", options: .regularExpression)
        text = text.replacingOccurrences(of: #"\s+\)"#, with: ")", options: .regularExpression)
        text = text.replacingOccurrences(
            of: #"(\d)\s*인\s*분"#, with: "$1인분", options: .regularExpression)
        // Korean units as OCR spaces them: `1 만 1 천원` → `1만1천원` (a digit beside 만, 천 or 백 of an amount).
        text = text.replacingOccurrences(
            of: #"(\d)\s+(만|천|백)(?=\d|만|천|백|원|\s|$)"#, with: "$1$2", options: .regularExpression)
        text = text.replacingOccurrences(of: #"(\d[만천])\s+(\d)"#, with: "$1$2", options: .regularExpression)
        return text
    }

    /// Runs of one character three or more times (not digits or separators): what engines read dot leaders as
    /// (`eeee`, `이이이이`). No menu name repeats a syllable three times; `000` in prices is kept.
    static func withoutRepeatedRuns(_ text: String) -> String {
        var output = ""
        var run: [Character] = []
        func flush() {
            // Letters OCR confuses with digits (8,OOO) are left for the price repair.
            if run.count >= 3, let first = run.first, !first.isNumber, !",. OolIS|".contains(first) {
                output += " "
            } else {
                output += String(run)
            }
            run.removeAll()
        }
        for character in text {
            if let last = run.last, last != character { flush() }
            run.append(character)
        }
        flush()
        return output
    }

    /// Splits on spaces, `/` and `|`: the separators of size variants (`소 9,000 / 대 12,000`).
    static func tokens(of text: String) -> [String] {
        // A lone `_` is what an engine reads a column gap as: never a word.
        text.split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "|" || $0 == "\t" }).map(String.init)
            .filter { !$0.allSatisfy { $0 == "_" } }
    }

    /// `10 500`, `10 ,500`, `₩11 900원`, `1만 5백원`: an amount an engine cut in two, joined again. Only a
    /// one-to-three-digit part followed by a part of exactly three digits (with its separator and 원): no count or
    /// table number looks like that.
    static func joiningSplitAmounts(_ tokens: [String]) -> [String] {
        var output: [String] = []
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            // `1만 5백원`, `1만 1천원`: ten thousands apart from the rest (else two prices, the second taken as the
            // new one beside a struck-through old one).
            if index + 1 < tokens.count, let last = token.last, last == "만", koreanUnitAmount(token) != nil {
                let next = tokens[index + 1]
                let digitsAndUnits = next.drop { $0.isASCIIDigit }
                if digitsAndUnits.first == "천" || digitsAndUnits.first == "백",
                    koreanUnitAmount(String(next.hasSuffix("원") ? next.dropLast() : Substring(next))) != nil
                {
                    output.append(token + next)
                    index += 2
                    continue
                }
            }
            if index + 1 < tokens.count {
                let head = token.drop { currencyMarks.contains($0) }
                var tail = Substring(tokens[index + 1])
                if let first = tail.first, first == "," || first == "." { tail = tail.dropFirst() }
                let won = tail.hasSuffix("원") ? "원" : ""
                let digits = tail.dropLast(won.count)
                if (1...3).contains(head.count), head.allSatisfy(\.isASCIIDigit), digits.count == 3,
                    digits.allSatisfy(\.isASCIIDigit)
                {
                    output.append(token + "," + digits + won)
                    index += 2
                    continue
                }
            }
            output.append(token)
            index += 1
        }
        return output
    }

    static func strippingParentheses(_ token: String) -> String {
        var text = Substring(token)
        while let first = text.first, "([{<".contains(first) { text.removeFirst() }
        while let last = text.last, ")]}>:".contains(last) { text.removeLast() }
        return String(text)
    }

    // MARK: - Labels

    static let sizeLabels: Set<String> = [
        "소", "중", "대", "특", "특대", "대자", "중자", "소자", "S", "M", "L", "R", "레귤러", "라지", "스몰", "미디엄",
        "한마리", "반마리", "한접시", "점심", "저녁", "HOT", "ICE", "소(小)", "대(大)", "중(中)", "小", "中", "大", "보통",
        "곱빼기", "곱배기",
    ]
    static let portionUnits = ["인분", "인", "마리", "개", "잔", "병", "g", "kg", "근", "접시", "판", "줄", "조각", "pcs"]

    /// What OCR reads 소, 중 and 대 as; taken for them only beside a real size label on the same line.
    static let misreadSizeLabels: [String: String] = [
        "주": "중", "증": "중", "즘": "중", "총": "중", "충": "중", "데": "대", "태": "대", "쇼": "소",
    ]

    /// The label a misread token stands for, taken only beside its kin on the same line, or nil: a size label
    /// among the others of its row (`소 30,900원 / 주 40,900원 / 대 50,900원`), or `인분` with its count lost beside a
    /// counted portion (`떡볶이 인분 16,000 2인분 21,000`: 1인분).
    static func misreadLabel(_ bare: String, on tokens: [String]) -> String? {
        if let size = misreadSizeLabels[bare],
            tokens.contains(where: { sizeLabels.contains(strippingParentheses($0)) })
        {
            return size
        }
        // A long label a stroke or three off (`콜빠기` for 곱빼기): as many syllables, at most one jamo per syllable.
        // Not two-syllable ones: a dish is as near (대창 to 대자).
        if bare.count >= 3, bare.unicodeScalars.allSatisfy(\.isHangulSyllable),
            tokens.contains(where: { sizeLabels.contains(strippingParentheses($0)) })
        {
            let reading = DishLexicon.jamo(of: bare)
            let near = sizeLabels.filter { $0.count == bare.count }.map {
                (label: $0, distance: DishLexicon.editDistance(reading, DishLexicon.jamo(of: $0), limit: bare.count))
            }.filter { $0.distance <= bare.count }.sorted { $0.distance < $1.distance }
            // The nearest, when no other is as near (곱뻐기 is one from 곱빼기, two from 곱배기).
            if let nearest = near.first, near.dropFirst().first?.distance != nearest.distance {
                return nearest.label
            }
        }
        if bare == "인분", tokens.contains(where: { $0.range(of: #"^\(?[2-9]인분"#, options: .regularExpression) != nil }) {
            return "1인분"
        }
        return nil
    }

    /// 소/중/대 and friends, `2인`, `1인분`, `200g`, `1병`.
    static func isLabel(_ text: String) -> Bool {
        if sizeLabels.contains(text) { return true }
        for unit in portionUnits where text.hasSuffix(unit) {
            let count = text.dropLast(unit.count)
            if !count.isEmpty, count.allSatisfy(\.isASCIIDigit) { return true }
        }
        return false
    }

    /// `소9,000`, `2인분30,000`: a label glued to its amount.
    static func splitGluedLabel(_ token: String) -> (String, String)? {
        let bare = strippingParentheses(token)
        guard let firstDigit = bare.firstIndex(where: { $0.isASCIIDigit || currencyMarks.contains($0) }) else {
            return nil
        }
        var labelEnd = firstDigit
        // `2인분30,000`: the label itself starts with digits; the amount starts at the first digit after a non-digit.
        if firstDigit == bare.startIndex {
            guard let afterCount = bare.firstIndex(where: { !$0.isASCIIDigit }),
                let amountStart = bare[afterCount...].firstIndex(where: {
                    $0.isASCIIDigit || currencyMarks.contains($0)
                })
            else { return nil }
            labelEnd = amountStart
        }
        // `(소)32,500원`: the label's own closing parenthesis sits between it and the amount.
        let label = strippingParentheses(
            String(bare[..<labelEnd]).trimmingCharacters(in: CharacterSet(charactersIn: " :")))
        guard !label.isEmpty, isLabel(label) else { return nil }
        return (label, String(bare[labelEnd...]))
    }

    // MARK: - Amounts

    /// `8천`, `1만2천`, `1.5만`, `만` (= 10,000), `3만5천5백`.
    static func koreanUnitAmount(_ text: String) -> Int? {
        var total = 0.0
        var number = ""
        var sawUnit = false
        for character in text {
            switch character {
            case "0"..."9", ".":
                number.append(character)
            case ",":
                continue
            case "만", "천", "백":
                let multiplier: Double = character == "만" ? 10_000 : (character == "천" ? 1_000 : 100)
                let value = number.isEmpty ? 1 : Double(number)
                guard let value else { return nil }
                total += value * multiplier
                number = ""
                sawUnit = true
            default:
                return nil
            }
        }
        guard sawUnit else { return nil }
        if !number.isEmpty {
            // `1만2000`: trailing plain digits add as won.
            guard let value = Double(number) else { return nil }
            total += value
        }
        // Bounded before the conversion: absurd amounts are nil here (no price reads like this), never a trap.
        guard total.isFinite, total < 1e12 else { return nil }
        return Int(total.rounded())
    }

    /// Repairs OCR's letter-for-digit confusions in a token that is otherwise numeric: at least one real digit, and
    /// nothing left but digits, `,` and `.` once O/o→0, l/I/|→1, S/s→5 are applied.
    static func repairedDigits(_ text: String) -> String? {
        guard text.contains(where: \.isASCIIDigit) else { return nil }
        var repaired = ""
        for character in text {
            switch character {
            case "0"..."9", ",", ".": repaired.append(character)
            case "O", "o": repaired.append("0")
            case "l", "I", "|": repaired.append("1")
            case "S", "s": repaired.append("5")
            default: return nil
            }
        }
        return repaired
    }

    /// `8,000`, `8.000`, `8000`; under a thousands note also `12`, `12.0`, `7.5`.
    static func numericAmount(_ digits: String, isInThousands: Bool, hasCurrencyMark: Bool) -> Int? {
        let groups = digits.split(separator: ",", omittingEmptySubsequences: false)
        if groups.count > 1 {
            // 1,000 style: the first group 1-3 digits, the rest exactly 3.
            guard let first = groups.first, (1...3).contains(first.count), first.allSatisfy(\.isASCIIDigit),
                first.first != "0",
                groups.dropFirst().allSatisfy({ $0.count == 3 && $0.allSatisfy(\.isASCIIDigit) })
            else { return nil }
            return Int(groups.joined())
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        if parts.count > 1 {
            if parts.dropFirst().allSatisfy({ $0.count == 3 }), let firstPart = parts.first, firstPart.count <= 3 {
                return Int(parts.joined())  // 8.000: dot as thousands separator
            }
            // Bounded before the conversion: a long run of OCR'd digits must not overflow Int (a trap).
            guard isInThousands, parts.count == 2, let whole = Double(digits), whole < 1_000_000 else { return nil }
            return Int((whole * 1000).rounded())  // 12.0 / 7.5 under 천원 단위
        }
        // No price is written with a leading zero: `08851` is a misread badge, `000` a struck price's tail.
        guard digits.first != "0" || digits.count == 1, let value = Int(digits) else { return nil }
        if isInThousands && value < 1000 { return value * 1000 }
        // A bare number under 100 is a count or a table number far more often than a price, unless it says 원 or ₩.
        return value >= 100 || hasCurrencyMark ? value : nil
    }
}

/// The plausibility rules every amount goes through, whichever OCR tier read it.
public enum PriceValidator {
    /// The largest plausible menu price: 1,000,000 won.
    public static let maximumAmount = 1_000_000

    /// Why `amount` is implausible, or nil when it is fine.
    public static func problem(with amount: Int) -> PriceError.Reason? {
        if amount <= 0 { return .notPositive }
        if amount > maximumAmount { return .tooLarge }
        if amount % 100 != 0 { return .notMultipleOfHundred }
        return nil
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
