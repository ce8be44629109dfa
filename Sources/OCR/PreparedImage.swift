import Imaging
public import MenuModel
import Vips

/// An image as a tier receives it: the uploaded bytes. Each tier makes the variant it reads from them (a JPEG sized
/// for GPT vision, a JPEG or PNG for CLOVA, the grey page for Tesseract; see ``ProviderImages`` and
/// ``ImagePreparation``), so a fallback to a second tier decodes the upload again.
public struct PreparedImage {
    /// The bytes as uploaded.
    public var original: [UInt8]

    public init(original: [UInt8]) {
        self.original = original
    }
}

/// The encoded images the cloud tiers send, each sized to what the provider uses.
public enum ProviderImages {
    /// OpenAI's high-detail vision input: fitted inside 2048x2048, then the short side at most 768 px (the API
    /// rescales to this itself; pixels beyond it cost bytes and upload time but no accuracy). Never enlarged.
    public static let visionBox = (longSide: 2048, shortSide: 768)

    /// The size OpenAI's high-detail rule gives an upright image of `width` x `height`.
    public static func visionSize(width: Int, height: Int) -> (width: Int, height: Int) {
        var scale = min(1, Double(visionBox.longSide) / Double(max(width, height)))
        scale *= min(1, Double(visionBox.shortSide) / (Double(min(width, height)) * scale))
        return (max(1, Int((Double(width) * scale).rounded())), max(1, Int((Double(height) * scale).rounded())))
    }

    /// A JPEG for GPT vision: upright (EXIF applied), transparency on white, sized by ``visionSize(width:height:)``
    /// and decoded with shrink-on-load.
    /// - Throws: `ImageError` (`invalid_image`) when the bytes are not a readable image.
    /// - Note: Blocks the calling thread while libvips decodes and encodes.
    public static func visionJPEG(from bytes: [UInt8]) throws(ImageError) -> [UInt8] {
        do {
            let header = try VipsImage.header(of: bytes)
            let isQuarterTurn = (5...8).contains(header.orientation)
            let upright = isQuarterTurn ? (header.height, header.width) : (header.width, header.height)
            let size = visionSize(width: upright.0, height: upright.1)
            // thumbnail fits inside the box keeping the aspect ratio; one extra pixel of slack avoids a rounding
            // step down to 767.
            let image = try VipsImage.thumbnail(of: bytes, fittingWidth: size.width, height: size.height + 1)
            return try image.flattenedOntoWhite().jpegBytes(quality: 85)
        } catch {
            throw ImageError(code: .invalidImage, message: error.message)
        }
    }

    /// The largest side sent to CLOVA: enough for small print on a phone photo, far below its 50 MB limit.
    public static let documentLongSide = 2500

    /// The image for a document OCR service that takes JPEG or PNG: the upload itself when it already is one and is
    /// not larger than ``documentLongSide`` (no re-encoding loss), otherwise an upright JPEG fitted to it.
    /// - Returns: the bytes and CLOVA's format name (`jpg` or `png`).
    /// - Note: Blocks the calling thread while libvips decodes and encodes.
    public static func documentImage(
        from bytes: [UInt8]
    ) throws(ImageError) -> (bytes: [UInt8], format: String, width: Int, height: Int) {
        do {
            let header = try VipsImage.header(of: bytes)
            let loader = header.loader ?? ""
            let fits = max(header.width, header.height) <= documentLongSide
            // EXIF rotation is only honoured by us, not necessarily by the service: rotated uploads are re-encoded.
            if fits, header.orientation == 1, loader.hasPrefix("jpegload") {
                return (bytes, "jpg", header.width, header.height)
            }
            if fits, loader.hasPrefix("pngload") { return (bytes, "png", header.width, header.height) }
            let image = try VipsImage.thumbnail(of: bytes, fittingWidth: documentLongSide, height: documentLongSide)
            return (try image.flattenedOntoWhite().jpegBytes(quality: 90), "jpg", image.width, image.height)
        } catch {
            throw ImageError(code: .invalidImage, message: error.message)
        }
    }
}

/// The steps of the local tier's preprocessing, each switchable so `make eval` can measure what it is worth.
public struct PreprocessingSteps: Sendable, Equatable {
    /// The ink map (``InkMap``): each pixel's colour distance from the local background, in place of a grey
    /// conversion. Handles coloured text, light-on-dark and mixed polarity, shadows and gradients in one rule; the
    /// grey steps below (flatten, stretch, invert) are then not needed and are skipped.
    public var findsInk = true
    /// Long thin runs of ink (rules, borders, notebook lines) erased before recognition (``RuleEraser``). Needs
    /// ``findsInk``.
    public var erasesRules = true
    /// The page turned so its text lines are level (``SkewEstimate``). Needs ``findsInk``.
    public var deskews = true
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
        steps.findsInk = false
        steps.erasesRules = false
        steps.deskews = false
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
            if steps.findsInk {
                let rgb = try image.srgb().materialized()
                var map = InkMap(
                    rgb: try rgb.pixelBytes(), width: rgb.width, height: rgb.height,
                    cell: max(8, max(rgb.width, rgb.height) / 110))
                if steps.deskews {
                    let skew = SkewEstimate.degrees(of: map)
                    if abs(skew) >= SkewEstimate.minimumCorrectionDegrees { map = map.rotated(degrees: skew) }
                }
                if steps.erasesRules { RuleEraser.erase(in: &map) }
                return (map.grey, map.width, map.height)
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
            throw ImageError(code: .invalidImage, message: error.message)
        }
    }
}
