/// Section headers printed in a highlighted box (white on a red band, dark on a yellow box on a dark board): the
/// ink map sees the box as one solid blot of ink with the letters as faint holes, and Tesseract reads nothing, or
/// noise, there. A box is a surface of its own: inside it, ink is what differs from the box's colour.
///
/// A box is found as a solid region of ink measured against the page at a scale far larger than any box (the fine
/// background estimate takes the middle of a box a few cells high for paper, so there the box is a blot with a hole
/// and never solid): a connected area of ``block``-pixel blocks that are nearly all ink, at least
/// ``minimumWidthBlocks`` wide and ``minimumHeightBlocks`` high (a bold stroke is never both), wider than high
/// (``minimumAspect``), away from the image's edges, no taller than ``maximumHeightFraction`` of the page, filling at
/// least ``minimumFill`` of its bounding box, and rectangular (most rows run across it, and it has a solid margin
/// above and below the text; a bold glyph has neither). Its colour is the median of the region; when the share of it
/// that differs from that colour is what letters in a box make (``minimumTextShare`` ... ``maximumTextShare``), the
/// strength is measured again against that colour row by row, between the region's first and last solid block, and
/// the halo the box leaves in the fine estimate around it is taken down to the page-scale strength.
enum HighlightBoxes {
    /// The block side in pixels.
    static let block = 4
    /// A block is solid when this many of its 16 pixels are ink.
    static let solidPixels = 14
    static let minimumWidthBlocks = 6
    static let minimumHeightBlocks = 4
    /// Taller regions are page edges, bars and panels, not a header's box.
    static let maximumHeightFraction = 1.0 / 6
    static let minimumFill = 0.5
    /// A box holds a word or more: wider than high, where a single glyph is about square. (1.5 lost the boxes of
    /// two-syllable headers, 식사 or 메인, once a photo's rotation widened their bounding boxes: 1.4 high.)
    static let minimumAspect = 1.25
    /// A box of one syllable (회, 술) is about square, but taller than a bold glyph of body text: at least this many
    /// background cells (a cell is about a third of the body text's height).
    static let minimumSquareAspect = 1.0
    static let minimumSquareHeightCells = 3.5
    /// Rows of a box run across it: at least this share of the rows ...
    static let minimumFullRows = 0.75
    /// ... spans at least this share of its width.
    static let fullRowShare = 0.85
    /// A margin row is solid when this share of its blocks are (0.85, 0.7 and 0.6 measured on the tuning set:
    /// category accuracy 0.48, 0.50, 0.50, price accuracy best at 0.7).
    static let solidMarginShare = 0.7
    /// A box holds text: at least this share of it differs from its colour (a solid bar, a heavy stroke of a title
    /// glyph, holds none).
    static let minimumTextShare = 0.02
    /// ... and at most this share: letters with the box's margins around them. Parts of a heavy title glyph whose
    /// counters and gaps are the page's colour differ from their ink in more (0.4-0.9 on the tuning set, where the
    /// boxes were 0.05-0.36).
    static let maximumTextShare = 0.45

    /// Measures the strength inside every box again, in place.
    /// - Parameters:
    ///   - strength: the ink strength of every pixel, measured against the page's background.
    ///   - pageStrength: the same against a background estimated at a scale far larger than any box, which never
    ///     takes a box for background: the boxes are found on it.
    ///   - threshold: the strength above which a pixel counts as ink, for finding the boxes.
    ///   - cell: the fine background estimate's cell side. Two cells around a box the fine estimate is disturbed by
    ///     it (a halo of the box's colour blended into the page's): there the lower of the two strengths is kept.
    static func remeasure(
        strength: inout [UInt8], pageStrength: [UInt8], rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
        threshold: UInt8, cell: Int
    ) {
        let columns = width / block
        let rows = height / block
        guard columns > minimumWidthBlocks, rows > minimumHeightBlocks else { return }
        let solid = InkMap.inkCounts(
            strength: pageStrength, width: width, height: height, threshold: threshold, inBlocksOf: block
        ).counts.map { $0 >= solidPixels }
        var seen = [Bool](repeating: false, count: columns * rows)
        for start in solid.indices where solid[start] && !seen[start] {
            let region = component(from: start, solid: solid, seen: &seen, columns: columns, rows: rows)
            guard let box = Box(blocks: region, columns: columns) else { continue }
            guard box.isHeaderBox(pageColumns: columns, pageRows: rows, cell: cell) else { continue }
            box.remeasure(
                strength: &strength, pageStrength: pageStrength, rgb: rgb, width: width, threshold: threshold,
                margin: cell * 2)
        }
    }

    /// The solid blocks connected to `start` (4-connected), marking them seen.
    private static func component(
        from start: Int, solid: [Bool], seen: inout [Bool], columns: Int, rows: Int
    ) -> [Int] {
        var region: [Int] = []
        var stack = [start]
        seen[start] = true
        while let index = stack.popLast() {
            region.append(index)
            let column = index % columns
            let row = index / columns
            let neighbours = [
                column > 0 ? index - 1 : nil, column + 1 < columns ? index + 1 : nil,
                row > 0 ? index - columns : nil, row + 1 < rows ? index + columns : nil,
            ]
            for case let neighbour? in neighbours where solid[neighbour] && !seen[neighbour] {
                seen[neighbour] = true
                stack.append(neighbour)
            }
        }
        return region
    }

    /// One solid region, by block rows: the first and last solid block of each.
    private struct Box {
        let top: Int
        let left: Int
        let right: Int
        /// Per block row from `top`, the span of solid blocks (first, last).
        let spans: [(first: Int, last: Int)?]
        /// Per block row from `top`, how many of its blocks are solid.
        let solidCounts: [Int]

        func isSolidAcross(_ solid: Int, _ widthBlocks: Int) -> Bool {
            Double(solid) >= HighlightBoxes.solidMarginShare * Double(widthBlocks)
        }

        init?(blocks: [Int], columns: Int) {
            guard let first = blocks.min(), let last = blocks.max() else { return nil }
            top = first / columns
            let bottom = last / columns
            var spans: [(first: Int, last: Int)?] = Array(repeating: nil, count: bottom - top + 1)
            var solidCounts = [Int](repeating: 0, count: bottom - top + 1)
            var left = columns
            var right = 0
            for index in blocks {
                let row = index / columns - top
                let column = index % columns
                left = min(left, column)
                right = max(right, column)
                solidCounts[row] += 1
                let span = spans[row] ?? (column, column)
                spans[row] = (min(span.first, column), max(span.last, column))
            }
            self.left = left
            self.right = right
            self.spans = spans
            self.solidCounts = solidCounts
        }

        func isHeaderBox(pageColumns: Int, pageRows: Int, cell: Int) -> Bool {
            let widthBlocks = right - left + 1
            let heightBlocks = spans.count
            // A region at the image's edge is the page's border or the table it lies on, not a box on the page.
            guard left > 0, top > 0, right < pageColumns - 1, top + heightBlocks < pageRows else { return false }
            // Rectangular: most rows run from the left edge to the right (a bold glyph's rows do not) ...
            let fullRows = spans.filter { span in
                guard let span else { return false }
                return Double(span.last - span.first + 1) >= HighlightBoxes.fullRowShare * Double(widthBlocks)
            }.count
            // ... and the margin above the text and the one below it are solid across (two bold glyphs touching,
            // `0원`, have no solid row).
            let third = max(1, heightBlocks / 3)
            let hasSolidTop = solidCounts.prefix(third).contains { isSolidAcross($0, widthBlocks) }
            let hasSolidBottom = solidCounts.suffix(third).contains { isSolidAcross($0, widthBlocks) }
            return hasSolidTop && hasSolidBottom
                && widthBlocks >= HighlightBoxes.minimumWidthBlocks
                && heightBlocks >= HighlightBoxes.minimumHeightBlocks
                && (Double(widthBlocks) >= HighlightBoxes.minimumAspect * Double(heightBlocks)
                    || (Double(widthBlocks) >= HighlightBoxes.minimumSquareAspect * Double(heightBlocks)
                        && Double(heightBlocks * HighlightBoxes.block)
                            >= HighlightBoxes.minimumSquareHeightCells * Double(cell)))
                && Double(heightBlocks) <= Double(pageRows) * HighlightBoxes.maximumHeightFraction
                && Double(solidCounts.reduce(0, +)) >= HighlightBoxes.minimumFill * Double(widthBlocks * heightBlocks)
                && Double(fullRows) >= HighlightBoxes.minimumFullRows * Double(heightBlocks)
        }

        /// The strength between each row's first and last solid block, against the median colour of the solid
        /// blocks. A block around that (the box's edge, where blocks are not solid) keeps the lower of the two
        /// strengths: both the page around the box and the box's own colour are no ink there. A region that holds
        /// no text measured so (a heavy stroke of a title glyph, a bar: ink of one colour throughout) is left as it
        /// is: measured against its own colour it would vanish.
        func remeasure(
            strength: inout [UInt8], pageStrength: [UInt8], rgb: UnsafeBufferPointer<UInt8>, width: Int,
            threshold: UInt8, margin: Int
        ) {
            let block = HighlightBoxes.block
            var reds: [UInt8] = []
            var greens: [UInt8] = []
            var blues: [UInt8] = []
            for (row, span) in spans.enumerated() {
                guard let span else { continue }
                let y = (top + row) * block + block / 2
                for column in span.first...span.last {
                    let offset = (y * width + column * block + block / 2) * 3
                    reds.append(rgb[offset])
                    greens.append(rgb[offset + 1])
                    blues.append(rgb[offset + 2])
                }
            }
            func median(_ values: [UInt8]) -> Float { Float(values.sorted()[values.count / 2]) }
            guard !reds.isEmpty else { return }
            let paper = (red: median(reds), green: median(greens), blue: median(blues))
            func distance(_ index: Int) -> UInt8 {
                InkMap.distance(
                    red: Float(rgb[index * 3]), green: Float(rgb[index * 3 + 1]), blue: Float(rgb[index * 3 + 2]),
                    paperRed: paper.red, paperGreen: paper.green, paperBlue: paper.blue)
            }
            // The text: ink against the box's colour inside it, a block in from its bounding rectangle.
            var inside = 0
            var text = 0
            for y in ((top + 1) * block)..<((top + spans.count - 1) * block) {
                for x in ((left + 1) * block)..<(right * block) {
                    inside += 1
                    if distance(y * width + x) > threshold { text += 1 }
                }
            }
            let share = Double(text) / Double(max(1, inside))
            guard share >= HighlightBoxes.minimumTextShare, share <= HighlightBoxes.maximumTextShare else { return }
            let height = rgb.count / 3 / width
            // The halo around the box: the fine estimate blends the box's colour into the page's there.
            let haloTop = max(0, top * block - margin)
            let haloBottom = min(height, (top + spans.count) * block + margin)
            let haloLeft = max(0, left * block - margin)
            let haloRight = min(width, (right + 1) * block + margin)
            for y in haloTop..<haloBottom {
                for x in haloLeft..<haloRight {
                    let index = y * width + x
                    strength[index] = min(strength[index], pageStrength[index])
                }
            }
            // The edge first, from the box's bounding rectangle grown by a block; the inside then overwrites it.
            let edgeTop = max(0, (top - 1) * block)
            let edgeBottom = min(height, (top + spans.count + 1) * block)
            let edgeLeft = max(0, (left - 1) * block)
            let edgeRight = min(width, (right + 2) * block)
            for y in edgeTop..<edgeBottom {
                for x in edgeLeft..<edgeRight {
                    let index = y * width + x
                    strength[index] = min(strength[index], distance(index))
                }
            }
            for (row, span) in spans.enumerated() {
                guard let span else { continue }
                for y in ((top + row) * block)..<((top + row) * block + block) {
                    for x in (span.first * block)..<(span.last * block + block) {
                        strength[y * width + x] = distance(y * width + x)
                    }
                }
            }
        }
    }
}
