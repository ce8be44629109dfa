import Testing

@testable import MenuParsing

struct DishLexiconTests {
    let lexicon = DishLexicon.standard

    @Test func theLexiconHasHundredsOfNamesAndNoDuplicates() {
        let names = lexicon.entries.map(\.name)
        #expect(names.count >= 250)
        var seen = Set<String>()
        let duplicates = names.filter { !seen.insert($0).inserted }
        #expect(duplicates.isEmpty, "duplicates: \(duplicates)")
        #expect(names.allSatisfy { !$0.isEmpty && !$0.contains(" ") })
    }

    @Test(arguments: [("모눔전", "모둠전"), ("소수", "소주"), ("돌솔비빔밥", "돌솥비빔밥"), ("김치찌게", "김치찌개"), ("멀게", "멍게")])
    func unsureMisreadingsSnap(reading: String, expected: String) {
        guard case .snapped(let entry, let distance) = lexicon.match(reading, confidence: 0.6) else {
            Issue.record("\(reading) did not snap")
            return
        }
        #expect(entry.name == expected)
        #expect(distance >= 1)
    }

    @Test func aConfidentReadingIsNeverSnapped() {
        #expect(lexicon.match("모눔전", confidence: DishLexicon.snapConfidenceLimit) == .none)
        #expect(lexicon.match("모눔전", confidence: 0.99) == .none)
    }

    @Test func aReadingBetweenTwoCloseEntriesIsNotSnapped() {
        // 공기반 is one jamo from 공기밥: alone in the lexicon, it snaps.
        guard case .snapped(let entry, _) = DishLexicon(text: "공기밥\n된장찌개\n").match("공기반", confidence: 0.5) else {
            Issue.record("공기반 should snap to 공기밥 alone")
            return
        }
        #expect(entry.name == "공기밥")
        // Beside 공깃밥 (two jamo from 공기반) it is within reach of both: refused, as 공긱밥 is (one from each).
        let close = DishLexicon(text: "공기밥\n공깃밥\n")
        #expect(close.match("공기반", confidence: 0.5) == .none)
        #expect(close.match("공긱밥", confidence: 0.5) == .none)
    }

    @Test func exactMatchesIgnoreSpacesAndCarryTheEnglishName() {
        guard case .exact(let entry) = lexicon.match("김치 찌개", confidence: 0.99) else {
            Issue.record("김치 찌개 is an entry")
            return
        }
        #expect(entry.name == "김치찌개")
        #expect(entry.englishName == "Kimchi Stew")
    }

    @Test(arguments: ["왕", "돈", "치즈모둠회꼬치", "8000", "모눔전1", "Coffee"])
    func shortFarOrNonHangulReadingsAreLeftAlone(reading: String) {
        #expect(lexicon.match(reading, confidence: 0.3) == .none)
    }

    @Test(arguments: [
        ("치즈모눔회", "치즈모둠회"), ("특 모둥회", "특모둠회"), ("옛날랑수육", "옛날탕수육"), ("수케설렁탕", "수제설렁탕"),
    ])
    func aModifierAndAMisreadEntryAreCorrectedAsTheTwo(reading: String, expected: String) {
        #expect(lexicon.compoundMatch(reading, confidence: 0.7)?.name == expected)
    }

    @Test func compoundsAreLeftAloneWhenRightConfidentOrAmbiguous() {
        // Read right: nothing to correct (왕돈까스 is no entry, 왕 and 돈까스 are).
        #expect(lexicon.compoundMatch("왕돈까스", confidence: 0.7) == nil)
        #expect(lexicon.compoundMatch("치즈모눔회", confidence: 0.99) == nil)
        // The rest within reach of two entries.
        #expect(DishLexicon(text: "모둠회\n모듬회\n").compoundMatch("특모둥회", confidence: 0.7) == nil)
        // Both the modifier and the rest misread: too far.
        #expect(lexicon.compoundMatch("수케모눔회", confidence: 0.7) == nil)
    }

    @Test func jamoDistanceCountsOneStrokeAsOne() {
        #expect(DishLexicon.editDistance(DishLexicon.jamo(of: "둠"), DishLexicon.jamo(of: "눔"), limit: 3) == 1)
        #expect(DishLexicon.editDistance(DishLexicon.jamo(of: "주"), DishLexicon.jamo(of: "수"), limit: 3) == 1)
        #expect(DishLexicon.editDistance(DishLexicon.jamo(of: "솥"), DishLexicon.jamo(of: "솔"), limit: 3) == 1)
        #expect(DishLexicon.editDistance(DishLexicon.jamo(of: "김밥"), DishLexicon.jamo(of: "김밥"), limit: 3) == 0)
    }
}
