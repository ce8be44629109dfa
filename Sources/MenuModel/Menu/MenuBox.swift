public import JSON

/// Where an item was read on the upright photo: the box around the words of its name and prices, normalised to
/// 0...1 of the page's width and height, so a review page can highlight the line whatever size it shows the photo.
public struct MenuBox: Sendable, Equatable, Hashable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    /// The box of `left...right` × `top...bottom` pixels on a `pageWidth` × `pageHeight` page, clamped to the page and
    /// rounded to four decimals (a tenth of a pixel on a 1000-pixel photo); nil for an empty page or box.
    public init?(
        left: Double, top: Double, right: Double, bottom: Double, pageWidth: Double, pageHeight: Double
    ) {
        guard pageWidth > 0, pageHeight > 0 else { return nil }
        func clamp(_ value: Double) -> Double { (min(1, max(0, value)) * 10_000).rounded() / 10_000 }
        let x0 = clamp(left / pageWidth)
        let y0 = clamp(top / pageHeight)
        let x1 = clamp(right / pageWidth)
        let y1 = clamp(bottom / pageHeight)
        guard x1 > x0, y1 > y0 else { return nil }
        x = x0
        y = y0
        width = ((x1 - x0) * 10_000).rounded() / 10_000
        height = ((y1 - y0) * 10_000).rounded() / 10_000
    }

    /// `{"x": ..., "y": ..., "w": ..., "h": ...}`
    public var json: JSONValue {
        .object([("x", .double(x)), ("y", .double(y)), ("w", .double(width)), ("h", .double(height))])
    }

    /// Reads back ``json``; nil when a member is missing.
    public init?(json: JSONValue) {
        guard let x = json["x"]?.doubleValue, let y = json["y"]?.doubleValue, let width = json["w"]?.doubleValue,
            let height = json["h"]?.doubleValue
        else { return nil }
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}
