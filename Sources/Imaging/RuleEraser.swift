/// Erases ruling before recognition: rules under rows, table and box borders, column dividers, notebook lines and
/// dash leaders. Tesseract reads a rule touching a text line as runs of `0`, `o` or `이` glued to the words
/// (`두00020000000부길치`) and can lose the whole row.
///
/// A rule is a long, thin run of ink. The ink map is reduced to 3x3 blocks (a block is ink when two of its pixels
/// are); a run of ink blocks along a band two blocks high, at least ``minimumRunFraction`` of the page across
/// (vertical rules ``minimumVerticalRunFraction`` of its height; gaps of one block allowed, as a photographed rule is
/// broken), with the rows two blocks above and below it mostly empty, is a rule. It is erased where it is thin: a
/// glyph touching it, or the middle band of a price the run runs on into, keeps its ink. Text lines are never thin,
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
    /// a few large lines has glyphs a tenth of its height.
    static let minimumVerticalRunFraction = 0.25
    /// A run is thin when the rows (columns) beside its band have ink in fewer than this share of its blocks.
    static let besideDensityLimit = 0.35

    /// Erases the rules in place (their pixels become white in ``InkMap/grey``).
    /// - Returns: how many blocks were erased.
    @discardableResult
    public static func erase(in map: inout InkMap) -> Int {
        let (columns, rows, counts) = map.inkCounts(inBlocksOf: block)
        guard columns > 8, rows > 8 else { return 0 }
        let blocks = counts.map { $0 >= 2 }
        var erased = [Bool](repeating: false, count: columns * rows)
        markRuns(
            in: blocks, erased: &erased, along: columns, across: rows,
            minimumRun: max(30, Int(Double(columns) * minimumRunFraction)),
            index: { along, across in across * columns + along })
        markRuns(
            in: blocks, erased: &erased, along: rows, across: columns,
            minimumRun: max(30, Int(Double(rows) * minimumVerticalRunFraction)),
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
        return count
    }

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
        in blocks: [Bool], erased: inout [Bool], along: Int, across: Int, minimumRun: Int,
        index: (Int, Int) -> Int
    ) {
        func isInk(_ position: Int, _ line: Int) -> Bool {
            line >= 0 && line < across && blocks[index(position, line)]
        }
        for line in 0..<(across - 1) {
            var start: Int?
            var lastInk = -10
            func finish(_ end: Int) {
                guard let first = start, end - first + 1 >= minimumRun else { return }
                var besideBefore = 0
                var besideAfter = 0
                for position in first...end {
                    if isInk(position, line - 2) { besideBefore += 1 }
                    if isInk(position, line + 3) { besideAfter += 1 }
                }
                let length = Double(end - first + 1)
                guard Double(besideBefore) < besideDensityLimit * length,
                    Double(besideAfter) < besideDensityLimit * length
                else { return }
                // Only where the run is thin right there: the middle of a price the run runs into, or a glyph
                // touching the rule, keeps its ink.
                for position in first...end {
                    let nearby = max(first, position - 1)...min(end, position + 1)
                    guard !nearby.contains(where: { isInk($0, line - 2) || isInk($0, line + 3) }) else { continue }
                    for band in line...(line + 1) where isInk(position, band) { erased[index(position, band)] = true }
                }
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
