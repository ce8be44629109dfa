import Foundation
import MenuModel

/// Korean dish and drink names, for correcting what OCR misreads by a stroke (모눔전 → 모둠전, 소수 → 소주) and for the
/// English names restaurants use for visitors.
///
/// Snapping is safe by construction: names are compared jamo by jamo (a misread stroke is one jamo, not a whole
/// syllable), only a reading the engine was unsure of is snapped, only to the one entry within the distance (never
/// between two close entries: 공기밥 and 공깃밥), and the raw reading is kept beside the correction.
public struct DishLexicon: Sendable {
    /// One name.
    public struct Entry: Sendable, Equatable {
        /// As restaurants print it.
        public var name: String
        /// The standard English name, when there is one.
        public var englishName: String?
        /// The name as jamo (see ``DishLexicon/jamo(of:)``).
        let jamo: [UInt16]
    }

    /// What a reading is, looked up.
    public enum Match: Sendable, Equatable {
        /// The reading is an entry (spaces ignored).
        case exact(Entry)
        /// The reading was unsure and one entry, and only one, is within the distance.
        case snapped(Entry, distance: Int)
        /// Not an entry, and not safely correctable to one.
        case none
    }

    /// A reading at or above this confidence is never snapped: the engine was sure, the dish may just be rare.
    /// Chosen on the tuning set: 0.8 cost 0.03 printed F1 against 0.95, and snapping every reading gained nothing
    /// over 0.95 (Tesseract is often sure of a misread stroke).
    public static let snapConfidenceLimit = 0.95

    /// The entries, in the order written.
    public let entries: [Entry]
    private let indexByName: [String: Int]

    /// The project's lexicon (``entriesText``).
    public static let standard = DishLexicon(text: entriesText)

    /// Reads one entry per line: the name, optionally a tab and the English name. Blank lines are skipped.
    public init(text: String) {
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = fields.first, !name.isEmpty else { continue }
            let english = fields.count > 1 && !fields[1].isEmpty ? fields[1] : nil
            index[name] = index[name] ?? entries.count
            entries.append(Entry(name: name, englishName: english, jamo: Self.jamo(of: name)))
        }
        self.entries = entries
        indexByName = index
    }

    /// Looks a reading up.
    /// - Parameters:
    ///   - reading: the name as read (spaces are ignored: OCR cuts Korean words in two).
    ///   - confidence: the engine's confidence in the reading, 0...1.
    public func match(_ reading: String, confidence: Double) -> Match {
        let key = reading.filter { $0 != " " }
        if let index = indexByName[key] { return .exact(entries[index]) }
        let syllables = key.unicodeScalars.filter(\.isHangulSyllable).count
        // One syllable is too little to go on, and a reading with other letters or digits is not a plain name.
        guard confidence < Self.snapConfidenceLimit, syllables >= 2, syllables == key.count else { return .none }
        // One jamo for two syllables (소수 → 소주); two from three up (measured on the tuning set: printed F1 0.887 →
        // 0.894 and precision up too, against one jamo for three-syllable names).
        let limit = syllables <= 2 ? 1 : 2
        let jamo = Self.jamo(of: key)
        var best: (entry: Entry, distance: Int)?
        var candidates = 0
        for entry in entries where abs(entry.name.count - key.count) <= 1 {
            let distance = Self.editDistance(jamo, entry.jamo, limit: limit)
            guard distance <= limit else { continue }
            candidates += 1
            if best == nil || distance < best?.distance ?? 0 { best = (entry, distance) }
        }
        guard candidates == 1, let best else { return .none }
        return .snapped(best.entry, distance: best.distance)
    }

    /// Words restaurants put before a dish's name (특모둠회, 옛날탕수육, 치즈돌솥비빔밥): the lexicon lists the dishes,
    /// a name read as one of these and an entry is corrected as the two.
    public static let modifiers: [String] = [
        "특", "왕", "대왕", "옛날", "수제", "치즈", "얼큰", "매운", "한우", "해물", "모둠", "생", "통", "불", "숯불", "직화",
        "반반", "원조", "즉석", "전통", "명품", "미니", "순살", "국내산", "흑돼지",
    ]

    /// A reading the engine was unsure of that is a modifier and an entry, one of the two misread: the modifier
    /// read right and the rest snapping to an entry (`치즈모눔회` → 치즈모둠회), or the rest an entry and the modifier one
    /// jamo off (`수케설렁탕` → 수제설렁탕). Nil unless exactly one name comes out, and when the reading already is it.
    /// - Returns: the corrected name and the entry in it.
    public func compoundMatch(_ reading: String, confidence: Double) -> (name: String, entry: Entry)? {
        let key = reading.filter { $0 != " " }
        guard confidence < Self.snapConfidenceLimit, key.unicodeScalars.allSatisfy(\.isHangulSyllable) else {
            return nil
        }
        var found: [String: Entry] = [:]
        for modifier in Self.modifiers where key.count >= modifier.count + 2 {
            let rest = String(key.dropFirst(modifier.count))
            if key.hasPrefix(modifier) {
                switch match(rest, confidence: confidence) {
                case .exact(let entry), .snapped(let entry, _): found[modifier + entry.name] = entry
                case .none: break
                }
            } else if modifier.count >= 2, let index = indexByName[rest],
                Self.editDistance(Self.jamo(of: String(key.prefix(modifier.count))), Self.jamo(of: modifier), limit: 1)
                    <= 1
            {
                found[modifier + rest] = entries[index]
            }
        }
        guard found.count == 1, let (name, entry) = found.first, name != key else { return nil }
        return (name, entry)
    }

    /// Hangul syllables as their jamo (initial, medial, final), other characters as themselves: one misread stroke
    /// is one jamo apart (둠 → 눔 changes only the initial).
    static func jamo(of text: String) -> [UInt16] {
        var output: [UInt16] = []
        for scalar in text.unicodeScalars {
            let value = scalar.value
            guard scalar.isHangulSyllable else {
                output.append(UInt16(truncatingIfNeeded: 1000 + min(value, 60000)))
                continue
            }
            let index = value - 0xAC00
            output.append(UInt16(index / 588))
            output.append(UInt16(19 + (index % 588) / 28))
            if index % 28 != 0 { output.append(UInt16(40 + index % 28)) }
        }
        return output
    }

    /// Levenshtein distance, stopping early once every path is past `limit` (then any value above it).
    static func editDistance(_ left: [UInt16], _ right: [UInt16], limit: Int) -> Int {
        if abs(left.count - right.count) > limit { return limit + 1 }
        var previous = Array(0...right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for (i, a) in left.enumerated() {
            current[0] = i + 1
            var rowMinimum = current[0]
            for (j, b) in right.enumerated() {
                current[j + 1] = min(previous[j] + (a == b ? 0 : 1), previous[j + 1] + 1, current[j] + 1)
                rowMinimum = min(rowMinimum, current[j + 1])
            }
            if rowMinimum > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
