import Vips

/// An image as a tier receives it. Today the uploaded bytes; the upload pipeline (issue 5) adds the variants each
/// tier reads (a JPEG sized for GPT vision, the page for Tesseract and CLOVA), made once per upload.
public struct PreparedImage {
    /// The bytes as uploaded.
    public var original: [UInt8]

    public init(original: [UInt8]) {
        self.original = original
    }
}

/// Why an image cannot be read.
public struct ImageError: Error, Sendable, CustomStringConvertible {
    /// `invalid_image` or `image_too_large`.
    public var code: String
    public var message: String
    public var description: String { "\(code): \(message)" }
}

/// The steps of the local tier's preprocessing, each switchable so `make eval` can measure what it is worth.
public struct PreprocessingSteps: Sendable, Equatable {
    /// Divide by a heavy blur: removes uneven lighting and shadows.
    public var flattensBackground = true
    /// Percentile contrast stretch.
    public var stretchesContrast = true
    /// A 3x3 median against sensor noise and JPEG speckle. Off by default: on the eval set it cost printed item
    /// F1 (0.83 → 0.79 with kor+eng) and 0.4 s per image; Tesseract's own binarisation copes with the noise.
    public var removesNoise = false
    /// Unsharp mask against blur.
    public var sharpens = false
    /// Light text on a dark board becomes dark on light.
    public var invertsDarkBoards = true
    /// The long side the engine reads at, in pixels (text height follows).
    public var targetLongSide = 1800

    public init() {}

    /// Everything off but the grey conversion: the "plain Tesseract" baseline.
    public static var none: PreprocessingSteps {
        var steps = PreprocessingSteps()
        steps.flattensBackground = false
        steps.stretchesContrast = false
        steps.removesNoise = false
        steps.invertsDarkBoards = false
        steps.targetLongSide = 0
        return steps
    }
}

/// Turns uploaded bytes into the 8-bit grey page Tesseract reads best.
public enum ImagePreparation {
    /// Decodes (shrink-on-load, EXIF orientation applied) and preprocesses.
    /// - Returns: grey pixels row by row, with the width and height.
    /// - Throws: `ImageError` with code `invalid_image` when the bytes are not a readable image.
    /// - Note: Blocks the calling thread while libvips computes.
    public static func grayPage(from bytes: [UInt8], steps: PreprocessingSteps = PreprocessingSteps())
        throws(ImageError) -> (pixels: [UInt8], width: Int, height: Int)
    {
        do {
            let header = try VipsImage.header(of: bytes)
            var image: VipsImage
            if steps.targetLongSide > 0 {
                let longSide = max(header.width, header.height)
                if longSide > steps.targetLongSide {
                    image = try VipsImage.thumbnail(
                        of: bytes, fittingWidth: steps.targetLongSide, height: steps.targetLongSide)
                } else {
                    image = try header.autorotated()
                    // Small photos: enlarge so strokes are several pixels wide (Tesseract likes ~30 px text).
                    if longSide < steps.targetLongSide * 2 / 3 {
                        image = try image.resized(by: Double(steps.targetLongSide) / Double(longSide))
                    }
                }
            } else {
                image = try header.autorotated()
            }
            // Statistics and filters below read the page several times: decode it once into memory.
            image = try image.grayscale().materialized()
            if steps.invertsDarkBoards, try image.average() < 110 {
                image = try image.inverted()
            }
            if steps.removesNoise {
                image = try image.medianFiltered(size: 3)
            }
            if steps.flattensBackground {
                image = try image.flattenedBackground(sigma: Double(max(image.width, image.height)) / 40)
            }
            if steps.sharpens {
                image = try image.sharpened(sigma: 1.5).materialized()
            }
            if steps.stretchesContrast {
                image = try image.stretchedContrast(lowPercent: 1, highPercent: 95)
            }
            let pixels = try image.pixelBytes()
            return (pixels, image.width, image.height)
        } catch {
            throw ImageError(code: "invalid_image", message: error.message)
        }
    }
}
