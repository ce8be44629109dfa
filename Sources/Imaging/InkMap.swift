import Foundation

/// Where the ink is on a colour page: every pixel's colour distance from the background around it.
///
/// One rule covers what a grey conversion loses: red or brown prices on kraft (little difference in grey, a large one
/// in colour), light chalk on a dark board and dark text on a light board in the same photo (distance has no
/// polarity), and light falling unevenly (the background is estimated locally, and the brightness part of the
/// distance is taken relative to the local paper's brightness, so text in a shadow is as strong as text in the
/// light). A header in a highlighted box smaller than the background estimate follows is measured against the box's
/// own colour (``HighlightBoxes``). The result is dark ink on white, as Tesseract reads best.
public struct InkMap: Sendable {
    public let width: Int
    public let height: Int
    /// 0 (certain ink) ... 255 (background), row by row: what Tesseract reads.
    public var grey: [UInt8]
    /// Ink strength, 0...255, row by row: the distance from the background.
    public let strength: [UInt8]
    /// The strength above which a pixel counts as ink (Otsu's threshold over the page, with a floor).
    public let threshold: UInt8

    /// The lowest threshold: below it the page is blank paper and noise.
    static let minimumThreshold = 24

    /// - Parameters:
    ///   - rgb: `width` x `height` pixels, three bytes each, row by row.
    ///   - cell: the background cell side in pixels (see ``BackgroundEstimate``).
    public init(rgb: [UInt8], width: Int, height: Int, cell: Int) {
        var strength = [UInt8](repeating: 0, count: width * height)
        // The same distance against a background estimated at page scale (``pageCellFactor`` times the cell): a
        // highlighted box two to five cells high is partly taken for background by the fine estimate (a blot with
        // a hole), never by this one, so the boxes are found on it.
        var pageStrength = strength
        rgb.withUnsafeBufferPointer { pixels in
            let background = BackgroundEstimate(rgb: pixels, width: width, height: height, cell: cell)
            let page = BackgroundEstimate(rgb: pixels, width: width, height: height, cell: cell * Self.pageCellFactor)
            Self.measure(pixels, width: width, height: height, against: background, into: &strength)
            Self.measure(pixels, width: width, height: height, against: page, into: &pageStrength)
        }
        let threshold = UInt8(min(250, max(Self.minimumThreshold, Self.otsuThreshold(of: strength))))
        // The page's threshold stays: the boxes are few pixels, and measured again they are not the page's ink.
        rgb.withUnsafeBufferPointer { pixels in
            HighlightBoxes.remeasure(
                strength: &strength, pageStrength: pageStrength, rgb: pixels, width: width, height: height,
                threshold: threshold, cell: cell)
        }
        self.init(width: width, height: height, strength: strength, threshold: threshold)
    }

    /// The page-scale background's cell, in fine cells: five of them (the median's window) span about 240 px at
    /// the reading size, twice the height of the largest header box.
    static let pageCellFactor = 3

    /// Every pixel's ``distance(red:green:blue:paperRed:paperGreen:paperBlue:)`` from `background`.
    private static func measure(
        _ pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, against background: BackgroundEstimate,
        into strength: inout [UInt8]
    ) {
        var paper = [Float](repeating: 0, count: width * 3)
        strength.withUnsafeMutableBufferPointer { output in
            for y in 0..<height {
                background.row(y, width: width, into: &paper)
                var offset = y * width * 3
                for x in 0..<width {
                    output[y * width + x] = distance(
                        red: Float(pixels[offset]), green: Float(pixels[offset + 1]),
                        blue: Float(pixels[offset + 2]), paperRed: paper[x * 3], paperGreen: paper[x * 3 + 1],
                        paperBlue: paper[x * 3 + 2])
                    offset += 3
                }
            }
        }
    }

    private init(width: Int, height: Int, strength: [UInt8], threshold: UInt8) {
        self.width = width
        self.height = height
        self.strength = strength
        self.threshold = threshold
        // Strength to grey: half the threshold and below is white, one and a half times it and above black, so
        // Tesseract's own binarisation falls near ours and anti-aliased edges keep their shape.
        let low = Float(threshold) * 0.5
        let span = Float(threshold)
        grey = strength.map { value in
            let level = (Float(value) - low) / span
            return UInt8(255 - max(0, min(1, level)) * 255)
        }
    }

    /// The map turned by `degrees` (positive: clockwise on screen, which levels lines that rise to the right by as
    /// much), on a canvas large enough to hold all of it; bilinear. Strength outside the page is zero.
    public func rotated(degrees: Double) -> InkMap {
        let angle = degrees * .pi / 180
        let cosine = cos(angle)
        let sine = sin(angle)
        // Output (u, v) samples input (x, y) = (u cos - v sin, u sin + v cos) + origin: a horizontal output row is a
        // line of slope tan(angle) in the input.
        let corners = [(0.0, 0.0), (Double(width), 0.0), (0.0, Double(height)), (Double(width), Double(height))]
        let us = corners.map { $0.0 * cosine + $0.1 * sine }
        let vs = corners.map { -$0.0 * sine + $0.1 * cosine }
        let minimumU = us.min() ?? 0
        let minimumV = vs.min() ?? 0
        let outputWidth = Int(((us.max() ?? 0) - minimumU).rounded(.up))
        let outputHeight = Int(((vs.max() ?? 0) - minimumV).rounded(.up))
        var output = [UInt8](repeating: 0, count: outputWidth * outputHeight)
        strength.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { pixels in
                for v in 0..<outputHeight {
                    let vv = Double(v) + minimumV
                    for u in 0..<outputWidth {
                        let uu = Double(u) + minimumU
                        let x = uu * cosine - vv * sine
                        let y = uu * sine + vv * cosine
                        guard x >= 0, y >= 0, x < Double(width - 1), y < Double(height - 1) else { continue }
                        let left = Int(x)
                        let top = Int(y)
                        let fx = x - Double(left)
                        let fy = y - Double(top)
                        let index = top * width + left
                        let upper = Double(input[index]) * (1 - fx) + Double(input[index + 1]) * fx
                        let lower = Double(input[index + width]) * (1 - fx) + Double(input[index + width + 1]) * fx
                        pixels[v * outputWidth + u] = UInt8(min(255, upper * (1 - fy) + lower * fy))
                    }
                }
            }
        }
        return InkMap(width: outputWidth, height: outputHeight, strength: output, threshold: threshold)
    }

    /// How many ink pixels each `side` x `side` block holds, row by row (partial blocks at the edges left out): the
    /// coarse view the rule eraser and the skew estimate work on.
    func inkCounts(inBlocksOf side: Int) -> (columns: Int, rows: Int, counts: [UInt8]) {
        Self.inkCounts(strength: strength, width: width, height: height, threshold: threshold, inBlocksOf: side)
    }

    /// The same for strengths not yet made a map (``HighlightBoxes`` works on them while the map is made).
    static func inkCounts(
        strength: [UInt8], width: Int, height: Int, threshold: UInt8, inBlocksOf side: Int
    ) -> (columns: Int, rows: Int, counts: [UInt8]) {
        let columns = width / side
        let rows = height / side
        var counts = [UInt8](repeating: 0, count: columns * rows)
        for row in 0..<rows {
            for column in 0..<columns {
                var count = 0
                for y in (row * side)..<(row * side + side) {
                    let base = y * width + column * side
                    for x in 0..<side where strength[base + x] > threshold { count += 1 }
                }
                counts[row * columns + column] = UInt8(min(count, 255))
            }
        }
        return (columns, rows, counts)
    }

    /// True where the pixel's strength is above the threshold.
    @inline(__always)
    public func isInk(_ index: Int) -> Bool { strength[index] > threshold }

    /// The distance of one pixel from its paper, 0...255: brightness (relative to the paper's: text in a shadow is
    /// as dark against its shadowed paper) and colour (chroma, weighted up: red on brown differs mostly there).
    @inline(__always)
    static func distance(
        red: Float, green: Float, blue: Float, paperRed: Float, paperGreen: Float, paperBlue: Float
    ) -> UInt8 {
        let dr = red - paperRed
        let dg = green - paperGreen
        let db = blue - paperBlue
        let paperLuma: Float = 0.299 * paperRed + 0.587 * paperGreen + 0.114 * paperBlue
        let lumaDifference: Float = 0.299 * dr + 0.587 * dg + 0.114 * db
        let luma: Float = lumaDifference * 200 / max(paperLuma, 100)
        let blueChroma: Float = -0.1687 * dr - 0.3313 * dg + 0.5 * db
        let redChroma: Float = 0.5 * dr - 0.4187 * dg - 0.0813 * db
        let chroma: Float = blueChroma * blueChroma + redChroma * redChroma
        let squared: Float = luma * luma + 2 * chroma
        return UInt8(min(255, squared.squareRoot()))
    }

    /// Otsu's threshold: the level that best separates the histogram into two classes.
    static func otsuThreshold(of values: [UInt8]) -> Int {
        var histogram = [Int](repeating: 0, count: 256)
        for value in values { histogram[Int(value)] += 1 }
        let total = Double(values.count)
        guard total > 0 else { return 128 }
        var sum = 0.0
        for level in 0..<256 { sum += Double(level * histogram[level]) }
        var backgroundWeight = 0.0
        var backgroundSum = 0.0
        var best = (variance: -1.0, level: 128)
        for level in 0..<256 {
            backgroundWeight += Double(histogram[level])
            guard backgroundWeight > 0 else { continue }
            let foregroundWeight = total - backgroundWeight
            guard foregroundWeight > 0 else { break }
            backgroundSum += Double(level * histogram[level])
            let backgroundMean = backgroundSum / backgroundWeight
            let foregroundMean = (sum - backgroundSum) / foregroundWeight
            let variance =
                backgroundWeight * foregroundWeight * (backgroundMean - foregroundMean)
                * (backgroundMean - foregroundMean)
            if variance > best.variance { best = (variance, level) }
        }
        return best.level
    }
}
