/// Erases ruling before recognition: rules under rows, table and box borders, column dividers, notebook lines and
/// dash leaders. Tesseract reads a rule touching a text line as runs of `0`, `o` or `이` glued to the words
/// (`두00020000000부길치`) and can lose the whole row.
///
/// A rule is a long, thin run of ink. The ink map is reduced to 3x3 blocks (a block is ink when two of its pixels
/// are); a run of ink blocks along a band two blocks high, at least ``minimumRunFraction`` of the page across
/// (vertical rules ``minimumVerticalRunFraction`` of its height; gaps of one block allowed, as a photographed rule is
/// broken), with the rows two blocks above and below it mostly empty, is a rule. It is erased whole where it is thin;
/// where a glyph touches it only the rule's own lines of pixels go, and a stroke crossing it (the middle band of a
/// price the run runs on into, a glyph's stem) keeps its ink (``eraseRuleLines(of:in:)``). Text lines are never thin,
/// leaders of dots are never continuous (they have their own rule, below), and a struck-through price is too short.
/// The band follows a rule across the row boundaries a skewed photo puts it over. Vertical rules the same way, by
/// columns.
public enum RuleEraser {
    /// The block side in pixels.
    static let block = 3
    /// The shortest horizontal rule, as a share of the page width. Far longer than any stroke of a glyph (ㅡ is one
    /// glyph wide) on any page that holds more than a handful of characters per line.
    static let minimumRunFraction = 0.12
    /// The shortest vertical rule, as a share of the page height: ㅣ strokes are as tall as a glyph, and a page with
    /// a few large lines has glyphs a tenth of its height. A notebook's margin line is hidden behind every section
    /// header's box, so it is found in stretches of a fifth of the page: with 0.25 it stayed and cut every name's
    /// first glyph. On 160 / 160 / 60 / 60 menus (tuning, held-out, foreign-dev, foreign-heldout, with the stroke
    /// weights of ``TesseractOCRProvider``'s second readings) 0.25 → 0.15 moved printed F1 0.949 → 0.943,
    /// 0.891 → 0.897, 0.690 → 0.709, 0.764 → 0.767 and handwriting 0.683 → 0.669, 0.731 → 0.754, 0.687 → 0.674,
    /// 0.673 → 0.669.
    static let minimumVerticalRunFraction = 0.15
    /// A run is thin when the rows (columns) beside its band have ink in fewer than this share of its blocks.
    static let besideDensityLimit = 0.35
    /// A row beside the band inked over this share of the run is another rule running beside it, not text.
    static let parallelRuleDensity = 0.85

    /// Erases the rules in place (their pixels become white in ``InkMap/grey``).
    /// - Returns: how many blocks were erased.
    @discardableResult
    public static func erase(in map: inout InkMap) -> Int {
        let (columns, rows, counts) = map.inkCounts(inBlocksOf: block)
        guard columns > 8, rows > 8 else { return 0 }
        let blocks = counts.map { $0 >= 2 }
        var erased = [Bool](repeating: false, count: columns * rows)
        var touched: [TouchedRun] = []
        markRuns(
            in: blocks, erased: &erased, touched: &touched, along: columns, across: rows,
            minimumRun: max(30, Int(Double(columns) * minimumRunFraction)), isHorizontal: true,
            index: { along, across in across * columns + along })
        markRuns(
            in: blocks, erased: &erased, touched: &touched, along: rows, across: columns,
            minimumRun: max(30, Int(Double(rows) * minimumVerticalRunFraction)), isHorizontal: false,
            index: { along, across in along * columns + across })
        markLeaders(in: blocks, erased: &erased, columns: columns, rows: rows)
        var count = 0
        for row in 0..<rows {
            for column in 0..<columns where erased[row * columns + column] {
                count += 1
                // The block and the faint fringe around it (anti-aliasing, JPEG ringing) go white; ink in the
                // neighbouring blocks (a glyph touching the rule) stays.
                for y in max(0, row * block - 1)..<min(map.height, row * block + block + 1) {
                    for x in max(0, column * block - 1)..<min(map.width, column * block + block + 1) {
                        let index = y * map.width + x
                        let inside =
                            y >= row * block && y < row * block + block && x >= column * block
                            && x < column * block + block
                        if inside || !map.isInk(index) { map.grey[index] = 255 }
                    }
                }
            }
        }
        for run in touched { eraseRuleLines(of: run, in: &map) }
        return count
    }

    /// A rule with glyphs touching it somewhere along its run: where they touch, the blocks are not erased, only
    /// the rule's own lines of pixels under (or over) the glyph.
    struct TouchedRun {
        var isHorizontal: Bool
        /// The band's first block across the run (its row for a horizontal rule); the band is two blocks.
        var band: Int
        /// Block positions along the run where it is thin (erased whole), and where glyphs touch it.
        var thin: [Int]
        var touching: [Int]
    }

    /// Erases the lines of pixels that are the rule (most of its thin stretch has ink on them) where glyphs touch
    /// it, except under a stroke that crosses the rule (ink beyond the band on both sides): text written on a
    /// notebook line or resting on a row's rule keeps its shape and loses the underline that Tesseract would read
    /// glued to its bottom, and a leader drawn through a price's middle keeps the digits' strokes. Before, the whole
    /// touching stretch kept its ink. On 160 / 160 / 60 / 60 menus (tuning, held-out, foreign-dev, foreign-heldout)
    /// printed F1 0.949 → 0.944, 0.887 → 0.883, 0.651 → 0.667, 0.719 → 0.732, handwriting 0.679 → 0.672,
    /// 0.718 → 0.745, 0.611 → 0.700, 0.673 → 0.675. (Judging thinness window by window as well, so that rules
    /// text rests on over much of their length are found, gave held-out printed 0.876: not kept.) The rule's lines
    /// are read stretch by stretch from its thin blocks nearby, as a leaning rule is on other lines at either end,
    /// and a rule beside another is not text beside it (``parallelRuleDensity``): printed F1 0.943 → 0.945,
    /// 0.888 → 0.890 (held-out notebook paper 0.80 → 0.87), 0.681 → 0.690, 0.743 → 0.754; handwriting 0.673 →
    /// 0.679, 0.745 → 0.732, 0.700 → 0.676, 0.675 → 0.675.
    static func eraseRuleLines(of run: TouchedRun, in map: inout InkMap) {
        let alongPixels = run.isHorizontal ? map.width : map.height
        let acrossPixels = run.isHorizontal ? map.height : map.width
        let width = map.width
        func pixel(_ along: Int, _ across: Int) -> Int {
            run.isHorizontal ? across * width + along : along * width + across
        }
        func isInk(_ along: Int, _ across: Int) -> Bool {
            across >= 0 && across < acrossPixels && map.isInk(pixel(along, across))
        }
        let first = max(0, run.band * block - 1)
        let last = min(acrossPixels - 1, run.band * block + 2 * block)
        guard first <= last else { return }
        /// The lines of pixels most of these blocks have ink on: the rule's own, where it is alone.
        func ruleLines(of sample: [Int]) -> ClosedRange<Int>? {
            let pixels = sample.flatMap { ($0 * block)..<min(alongPixels, $0 * block + block) }
            guard !pixels.isEmpty else { return nil }
            let lines = (first...last).filter { line in
                Double(pixels.count { isInk($0, line) }) >= 0.5 * Double(pixels.count)
            }
            guard let top = lines.first, let bottom = lines.last else { return nil }
            return top...bottom
        }
        // Stretch by stretch, the rule's lines are read from its thin blocks just before and just after: a rule
        // that leans (perspective) is on other lines of pixels at either end of the page.
        var stretches: [ClosedRange<Int>] = []
        for position in run.touching {
            if let last = stretches.last, position <= last.upperBound + 2 {
                stretches[stretches.count - 1] = last.lowerBound...position
            } else {
                stretches.append(position...position)
            }
        }
        for stretch in stretches {
            let before = run.thin.filter { $0 < stretch.lowerBound && $0 >= stretch.lowerBound - localReach }
            let after = run.thin.filter { $0 > stretch.upperBound && $0 <= stretch.upperBound + localReach }
            let ends = [ruleLines(of: before), ruleLines(of: after)].compactMap { $0 }
            guard let top = ends.map(\.lowerBound).min(), let bottom = ends.map(\.upperBound).max(),
                bottom - top < block * 2
            else { continue }
            for along in (stretch.lowerBound * block)..<min(alongPixels, stretch.upperBound * block + block) {
                let crosses =
                    ((top - 3)...(top - 2)).contains { isInk(along, $0) }
                    && ((bottom + 2)...(bottom + 3)).contains { isInk(along, $0) }
                guard !crosses else { continue }
                for across in max(0, top - 1)...min(acrossPixels - 1, bottom + 1) {
                    let isRuleLine = across >= top && across <= bottom
                    // The fringe lines go white only where they are faint: a glyph's own ink there stays.
                    if isRuleLine || !map.isInk(pixel(along, across)) { map.grey[pixel(along, across)] = 255 }
                }
            }
        }
    }

    /// How far, in blocks, beside a stretch that glyphs touch the rule's own lines are looked for.
    static let localReach = 12

    /// Dot leaders (`.......`, `·······`): at least ``minimumLeaderDots`` short blobs in a row, evenly close, with
    /// nothing above or below them. Tesseract reads them as `…`, `eeee` or `이이이` glued to the name or the price,
    /// or as a line of their own between rows; erased, they never reach it.
    private static func markLeaders(in blocks: [Bool], erased: inout [Bool], columns: Int, rows: Int) {
        func isInk(_ column: Int, _ row: Int) -> Bool {
            row >= 0 && row < rows && column >= 0 && column < columns && blocks[row * columns + column]
        }
        for row in 0..<(rows - 1) {
            var dots: [ClosedRange<Int>] = []
            func flush() {
                defer { dots.removeAll() }
                guard dots.count >= minimumLeaderDots else { return }
                for dot in dots {
                    for column in dot {
                        for band in row...(row + 1) where isInk(column, band) {
                            erased[band * columns + column] = true
                        }
                    }
                }
            }
            var column = 0
            while column < columns {
                guard isInk(column, row) || isInk(column, row + 1) else {
                    column += 1
                    continue
                }
                var end = column
                while end + 1 < columns, isInk(end + 1, row) || isInk(end + 1, row + 1) { end += 1 }
                // A dot: short, alone in its band (nothing two blocks above or below, a block to either side).
                let isolated = !((column - 1)...(end + 1)).contains { isInk($0, row - 2) || isInk($0, row + 3) }
                if end - column <= 2, isolated {
                    if let last = dots.last, column - last.upperBound > 6 { flush() }
                    dots.append(column...end)
                } else {
                    flush()
                }
                column = end + 1
            }
            flush()
        }
    }

    /// The fewest dots that make a leader.
    static let minimumLeaderDots = 6

    /// Finds thin runs along one direction and marks their ink blocks.
    /// - Parameters:
    ///   - along: the blocks in the run's direction (columns for horizontal rules).
    ///   - across: the other direction's count.
    ///   - index: the block index of (along, across).
    private static func markRuns(
        in blocks: [Bool], erased: inout [Bool], touched: inout [TouchedRun], along: Int, across: Int,
        minimumRun: Int, isHorizontal: Bool, index: (Int, Int) -> Int
    ) {
        func isInk(_ position: Int, _ line: Int) -> Bool {
            line >= 0 && line < across && blocks[index(position, line)]
        }
        for line in 0..<(across - 1) {
            var start: Int?
            var lastInk = -10
            func finish(_ end: Int) {
                guard let first = start, end - first + 1 >= minimumRun else { return }
                let length = Double(end - first + 1)
                func density(_ row: Int) -> Double { Double((first...end).count { isInk($0, row) }) / length }
                // A second rule right beside this one (a notebook line beside a row's rule, a double border) is no
                // text: the rows beyond it are looked at instead.
                let above = density(line - 2) >= parallelRuleDensity ? line - 4 : line - 2
                let below = density(line + 3) >= parallelRuleDensity ? line + 5 : line + 3
                guard density(above) < besideDensityLimit, density(below) < besideDensityLimit else { return }
                // Only where the run is thin right there: the middle of a price the run runs into, or a glyph
                // touching the rule, keeps its ink.
                var run = TouchedRun(isHorizontal: isHorizontal, band: line, thin: [], touching: [])
                for position in first...end where isInk(position, line) || isInk(position, line + 1) {
                    let nearby = max(first, position - 1)...min(end, position + 1)
                    guard !nearby.contains(where: { isInk($0, above) || isInk($0, below) }) else {
                        run.touching.append(position)
                        continue
                    }
                    run.thin.append(position)
                    for band in line...(line + 1) where isInk(position, band) { erased[index(position, band)] = true }
                }
                if !run.touching.isEmpty { touched.append(run) }
            }
            for position in 0..<along {
                if isInk(position, line) || isInk(position, line + 1) {
                    if start == nil || position - lastInk > 2 {
                        finish(lastInk)
                        start = position
                    }
                    lastInk = position
                }
            }
            finish(lastInk)
        }
    }
}
