/// A monotone map from the confidence the local tier's words give an item (their mean, weighted by length) to the
/// share of such items that are right, so that an item's `confidence` is the chance it is right and
/// `REVIEW_MIN_CONFIDENCE` means what it says.
///
/// Tesseract's word confidences are not probabilities: on the tuning set items it reads at 0.9 are right far less
/// often than that. The map is a table of knots, linearly interpolated between them and constant beyond the first
/// and last (no evidence says more there), so equal raw confidences stay equal and a higher one never maps lower.
public struct TesseractCalibration: Sendable {
    /// One point of the map: items read at `raw` are right with share `calibrated`.
    public struct Knot: Sendable, Equatable {
        public var raw: Double
        public var calibrated: Double

        public init(raw: Double, calibrated: Double) {
            self.raw = raw
            self.calibrated = calibrated
        }
    }

    /// Sorted by `raw`, `calibrated` never decreasing (``init(knots:)`` sorts and enforces it).
    public let knots: [Knot]

    /// - Parameter knots: any order; each `calibrated` is clamped to 0...1 and raised to the one before it, so the
    ///   map is monotone whatever it is given.
    public init(knots: [Knot]) {
        var sorted = knots.sorted { $0.raw < $1.raw }
        var floor = 0.0
        for index in sorted.indices {
            floor = max(floor, min(1, max(0, sorted[index].calibrated)))
            sorted[index].calibrated = floor
        }
        self.knots = sorted
    }

    /// `raw` mapped: the knots' value at it, interpolated linearly; the end knots' values outside them; `raw`
    /// itself (clamped to 0...1) when there are no knots; 0 for NaN (a reading that gives no confidence earns none).
    public func callAsFunction(_ raw: Double) -> Double {
        guard !raw.isNaN else { return 0 }
        guard let first = knots.first, let last = knots.last else { return min(1, max(0, raw)) }
        if raw <= first.raw { return first.calibrated }
        if raw >= last.raw { return last.calibrated }
        // The first knot above `raw` exists: raw is under the last knot's.
        guard let upper = knots.firstIndex(where: { $0.raw > raw }), upper > 0 else { return last.calibrated }
        let low = knots[upper - 1]
        let high = knots[upper]
        let span = high.raw - low.raw
        guard span > 0 else { return high.calibrated }
        return low.calibrated + (raw - low.raw) / span * (high.calibrated - low.calibrated)
    }
}

extension TesseractCalibration {
    /// The map the local tier applies. Fitted on the tuning set only (`scripts/render-menus.py --set tuning`, 160
    /// menus, printed and handwriting-style together, since the tier cannot tell them apart) by pool-adjacent-violators:
    /// the items sorted by raw confidence, pooled until the share right never falls, blocks under 40 items pooled with
    /// a neighbour; a knot per block at its mean raw confidence and share right ("right": matched by name and every
    /// price equal, as `make eval` scores). Judged on the held-out set, which the fit never saw. Refit, after a change
    /// to what the tier reads or how sure it is, with the release binary:
    ///
    ///     python3 scripts/eval.py BIN /tmp/ev/tuning --fit-calibration -- --raw-confidence
    ///
    /// and paste the table it prints here (and raise `TierRouter.readingRevision`: cached readings change).
    // Fitted on the tuning set (160 menus): 1518 items, 1297 right, 12 knots.
    public static let fitted = TesseractCalibration(knots: [
        Knot(raw: 0.2236, calibrated: 0.4783),  // 46 items
        Knot(raw: 0.4058, calibrated: 0.6129),  // 93 items
        Knot(raw: 0.5590, calibrated: 0.7359),  // 231 items
        Knot(raw: 0.7032, calibrated: 0.7834),  // 277 items
        Knot(raw: 0.7758, calibrated: 0.8625),  // 80 items
        Knot(raw: 0.8036, calibrated: 0.8816),  // 76 items
        Knot(raw: 0.8275, calibrated: 0.9091),  // 44 items
        Knot(raw: 0.8485, calibrated: 0.9479),  // 96 items
        Knot(raw: 0.8975, calibrated: 0.9697),  // 297 items
        Knot(raw: 0.9270, calibrated: 0.9821),  // 56 items
        Knot(raw: 0.9349, calibrated: 0.9920),  // 125 items
        Knot(raw: 0.9464, calibrated: 1.0000),  // 97 items
    ])
}
