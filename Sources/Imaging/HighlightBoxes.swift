/// Section headers printed in a highlighted box (white on a red band, dark on a yellow box on a dark board): the
/// ink map sees the box as one solid blot of ink with the letters as faint holes, and Tesseract reads nothing, or
/// noise, there. A box is a surface of its own: inside it, ink is what differs from the box's colour.
///
/// A box is found as a solid region of ink: a connected area of ``block``-pixel blocks that are nearly all ink, at
/// least ``minimumWidthBlocks`` wide and ``minimumHeightBlocks`` high (a bold stroke is never both), wider than high
/// (``minimumAspect``), no taller than ``maximumHeightFraction`` of the page, filling at least ``minimumFill`` of its
/// bounding box, and rectangular (most rows run across it, and it has a solid margin above and below the text; a
/// bold glyph has neither). Row by row, between the region's first and last solid block, the strength is measured
/// again against the median colour of the region.
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
    /// A box holds a word or more: wider than high, where a single glyph is about square.
    static let minimumAspect = 1.5
    /// Rows of a box run across it: at least this share of the rows ...
    static let minimumFullRows = 0.75
    /// ... spans at least this share of its width.
    static let fullRowShare = 0.85
    /// A margin row is solid when this share of its blocks are (0.85, 0.7 and 0.6 measured on the tuning set:
    /// category accuracy 0.48, 0.50, 0.50, price accuracy best at 0.7).
    static let solidMarginShare = 0.7

    /// Measures the strength inside every box again, in place.
    /// - Parameters:
    ///   - strength: the ink strength of every pixel, measured against the page's background.
    ///   - threshold: the strength above which a pixel counts as ink, for finding the boxes.
    static func remeasure(
        strength: inout [UInt8], rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int, threshold: UInt8
    ) {
        let columns = width / block
        let rows = height / block
        guard columns > minimumWidthBlocks, rows > minimumHeightBlocks else { return }
        let solid = InkMap.inkCounts(
            strength: strength, width: width, height: height, threshold: threshold, inBlocksOf: block
        ).counts.map { $0 >= solidPixels }
        var seen = [Bool](repeating: false, count: columns * rows)
        for start in solid.indices where solid[start] && !seen[start] {
            let region = component(from: start, solid: solid, seen: &seen, columns: columns, rows: rows)
            guard let box = Box(blocks: region, columns: columns), box.isHeaderBox(pageRows: rows) else { continue }
            box.remeasure(strength: &strength, rgb: rgb, width: width)
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

        func isHeaderBox(pageRows: Int) -> Bool {
            let widthBlocks = right - left + 1
            let heightBlocks = spans.count
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
                && Double(widthBlocks) >= HighlightBoxes.minimumAspect * Double(heightBlocks)
                && Double(heightBlocks) <= Double(pageRows) * HighlightBoxes.maximumHeightFraction
                && Double(solidCounts.reduce(0, +)) >= HighlightBoxes.minimumFill * Double(widthBlocks * heightBlocks)
                && Double(fullRows) >= HighlightBoxes.minimumFullRows * Double(heightBlocks)
        }

        /// The strength between each row's first and last solid block, against the median colour of the solid
        /// blocks. A block around that (the box's edge, where blocks are not solid) keeps the lower of the two
        /// strengths: both the page around the box and the box's own colour are no ink there.
        func remeasure(strength: inout [UInt8], rgb: UnsafeBufferPointer<UInt8>, width: Int) {
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
            let height = rgb.count / 3 / width
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
