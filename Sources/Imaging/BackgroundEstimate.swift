/// The paper's (or board's) own colour around every point of a page: what ink is measured against.
///
/// The page is cut into square cells; a cell's background is the mean colour of its most common brightness (ink
/// covers a minority of almost every cell, so the mode is the paper), and a 5x5 median over the cells removes the
/// cells a bold title or a thick stroke fills. Colours between cell centres are interpolated bilinearly, so a
/// lighting gradient, a vignette or a cast shadow is followed smoothly, and a highlighted box larger than a few
/// cells is a background of its own.
struct BackgroundEstimate {
    /// Cell side in pixels.
    let cell: Int
    let columns: Int
    let rows: Int
    /// Per cell, the background's red, green and blue, row by row.
    private(set) var red: [Float]
    private(set) var green: [Float]
    private(set) var blue: [Float]

    /// - Parameters:
    ///   - rgb: `width` x `height` pixels, three bytes each, row by row.
    ///   - cell: the cell side; about a third of the height of body text.
    init(rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int, cell: Int) {
        self.cell = max(4, cell)
        columns = max(1, (width + self.cell - 1) / self.cell)
        rows = max(1, (height + self.cell - 1) / self.cell)
        red = Array(repeating: 0, count: columns * rows)
        green = red
        blue = red
        var histogram = [Int](repeating: 0, count: 32)
        for row in 0..<rows {
            for column in 0..<columns {
                let x0 = column * self.cell
                let y0 = row * self.cell
                let x1 = min(width, x0 + self.cell)
                let y1 = min(height, y0 + self.cell)
                for index in histogram.indices { histogram[index] = 0 }
                for y in y0..<y1 {
                    var offset = (y * width + x0) * 3
                    for _ in x0..<x1 {
                        histogram[Int(Self.luma(rgb[offset], rgb[offset + 1], rgb[offset + 2])) >> 3] += 1
                        offset += 3
                    }
                }
                var mode = 0
                for bin in 1..<32 where histogram[bin] > histogram[mode] { mode = bin }
                // The mode bin and its neighbours: the paper's brightness, noise included.
                let low = max(0, mode - 1) << 3
                let high = (min(31, mode + 1) << 3) + 7
                var sums: (Float, Float, Float) = (0, 0, 0)
                var count: Float = 0
                for y in y0..<y1 {
                    var offset = (y * width + x0) * 3
                    for _ in x0..<x1 {
                        let r = rgb[offset]
                        let g = rgb[offset + 1]
                        let b = rgb[offset + 2]
                        let l = Int(Self.luma(r, g, b))
                        if l >= low && l <= high {
                            sums.0 += Float(r)
                            sums.1 += Float(g)
                            sums.2 += Float(b)
                            count += 1
                        }
                        offset += 3
                    }
                }
                let index = row * columns + column
                let divisor = max(count, 1)
                red[index] = sums.0 / divisor
                green[index] = sums.1 / divisor
                blue[index] = sums.2 / divisor
            }
        }
        red = Self.medianFiltered(red, columns: columns, rows: rows)
        green = Self.medianFiltered(green, columns: columns, rows: rows)
        blue = Self.medianFiltered(blue, columns: columns, rows: rows)
    }

    /// Rec. 601 luma of one pixel, 0...255.
    @inline(__always)
    static func luma(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> UInt8 {
        let weighted: Int = 77 * Int(red) + 150 * Int(green) + 29 * Int(blue)
        return UInt8(truncatingIfNeeded: weighted >> 8)
    }

    /// A 5x5 median over the cells (clipped at the edges).
    private static func medianFiltered(_ values: [Float], columns: Int, rows: Int) -> [Float] {
        var output = values
        var window: [Float] = []
        window.reserveCapacity(25)
        for row in 0..<rows {
            for column in 0..<columns {
                window.removeAll(keepingCapacity: true)
                for y in max(0, row - 2)...min(rows - 1, row + 2) {
                    for x in max(0, column - 2)...min(columns - 1, column + 2) {
                        window.append(values[y * columns + x])
                    }
                }
                window.sort()
                output[row * columns + column] = window[window.count / 2]
            }
        }
        return output
    }

    /// The background of one row of pixels, interpolated between cell centres: three floats per pixel.
    func row(_ y: Int, width: Int, into output: inout [Float]) {
        let position = (Float(y) + 0.5) / Float(cell) - 0.5
        let upper = max(0, min(rows - 1, Int(position.rounded(.down))))
        let lower = min(rows - 1, upper + 1)
        let weight = max(0, min(1, position - Float(upper)))
        for x in 0..<width {
            let across = (Float(x) + 0.5) / Float(cell) - 0.5
            let left = max(0, min(columns - 1, Int(across.rounded(.down))))
            let right = min(columns - 1, left + 1)
            let sideways = max(0, min(1, across - Float(left)))
            let a = upper * columns + left
            let b = upper * columns + right
            let c = lower * columns + left
            let d = lower * columns + right
            func blend(_ plane: [Float]) -> Float {
                let top = plane[a] + (plane[b] - plane[a]) * sideways
                let bottom = plane[c] + (plane[d] - plane[c]) * sideways
                return top + (bottom - top) * weight
            }
            output[x * 3] = blend(red)
            output[x * 3 + 1] = blend(green)
            output[x * 3 + 2] = blend(blue)
        }
    }
}
