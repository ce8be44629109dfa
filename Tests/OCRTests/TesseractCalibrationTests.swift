import OCR
import Testing

/// The calibration map the local tier applies to its item confidences: monotone, inside 0...1, interpolated.
struct TesseractCalibrationTests {
    typealias Knot = TesseractCalibration.Knot

    static let map = TesseractCalibration(knots: [
        Knot(raw: 0.8, calibrated: 0.9), Knot(raw: 0.2, calibrated: 0.1), Knot(raw: 0.5, calibrated: 0.4),
    ])

    @Test func interpolatesLinearlyBetweenKnots() {
        #expect(Self.map(0.2) == 0.1)
        #expect(Self.map(0.5) == 0.4)
        #expect(abs(Self.map(0.35) - 0.25) < 1e-12)
        #expect(abs(Self.map(0.65) - 0.65) < 1e-12)
    }

    @Test func holdsTheEndKnotsValuesOutsideThem() {
        #expect(Self.map(0) == 0.1)
        #expect(Self.map(-3) == 0.1)
        #expect(Self.map(1) == 0.9)
        #expect(Self.map(7) == 0.9)
        #expect(Self.map(.nan) == 0)
    }

    /// Knots that decrease or leave 0...1 are straightened: a higher raw confidence never maps lower.
    @Test func isMonotoneAndInsideTheUnitIntervalWhateverItIsGiven() {
        let bent = TesseractCalibration(knots: [
            Knot(raw: 0.1, calibrated: -0.2), Knot(raw: 0.4, calibrated: 0.7), Knot(raw: 0.6, calibrated: 0.3),
            Knot(raw: 0.9, calibrated: 1.4),
        ])
        #expect(bent.knots.map(\.calibrated) == [0, 0.7, 0.7, 1])
        for map in [bent, Self.map, TesseractCalibration.fitted] {
            var previous = -1.0
            for step in -10...110 {
                let value = map(Double(step) / 100)
                #expect(value >= previous && (0...1).contains(value))
                previous = value
            }
        }
    }

    @Test func withoutKnotsLeavesTheConfidenceAsItWas() {
        let identity = TesseractCalibration(knots: [])
        #expect(identity(0.42) == 0.42)
        #expect(identity(1.5) == 1)
    }

    @Test func theFittedMapHasKnots() {
        #expect(TesseractCalibration.fitted.knots.count >= 2)
    }
}
