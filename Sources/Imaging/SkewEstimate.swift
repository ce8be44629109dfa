import Foundation

/// The angle of a page's text lines, from the ink map: the slope at which the ink's projection onto the vertical
/// axis is sharpest (text lines and rules pile up into few rows, the gaps between them stay empty).
///
/// Tesseract reads a single block (PSM 6) line by line; lines that climb across the page make it read the end of
/// one line with the start of the next. A photo is rarely held level: up to ~3 degrees is common.
public enum SkewEstimate {
    /// The block side in pixels the projection is computed on.
    static let block = 4
    /// Angles tried: ±5 degrees.
    static let maximumDegrees = 5.0
    /// Below this the page is left as it is (a rotation resamples, and blurs, every pixel).
    public static let minimumCorrectionDegrees = 0.4

    /// The text lines' angle in degrees: positive when lines fall to the right (y grows with x).
    public static func degrees(of map: InkMap) -> Double {
        let (columns, rows, counts) = map.inkCounts(inBlocksOf: block)
        guard columns > 8, rows > 8 else { return 0 }
        var points: [(x: Double, y: Double)] = []
        for (index, count) in counts.enumerated() where count >= 3 {
            points.append((Double(index % columns), Double(index / columns)))
        }
        guard points.count > 50 else { return 0 }
        let margin = Double(columns) * 0.1 + 2
        func sharpness(_ slope: Double) -> Double {
            var bins = [Double](repeating: 0, count: rows + 2 * Int(margin) + 4)
            for point in points {
                let bin = Int((point.y - slope * point.x + margin).rounded())
                if bin >= 0 && bin < bins.count { bins[bin] += 1 }
            }
            return bins.reduce(0) { $0 + $1 * $1 }
        }
        var best = (slope: 0.0, score: sharpness(0))
        let limit = (maximumDegrees * .pi / 180)
        var slope = -limit
        while slope <= limit {
            let score = sharpness(slope)
            if score > best.score { best = (slope, score) }
            slope += 0.0035  // 0.2 degrees
        }
        var fine = best.slope - 0.0035
        while fine <= best.slope + 0.0035 {
            let score = sharpness(fine)
            if score > best.score { best = (fine, score) }
            fine += 0.0007
        }
        return atan(best.slope) * 180 / .pi
    }
}
