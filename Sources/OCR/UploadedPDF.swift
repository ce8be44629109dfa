public import MenuModel
import Vips

/// PDF menus: each page rendered (poppler, through libvips) to an image the tiers read like a photo.
public enum UploadedPDF {
    /// The resolution pages are rendered at: printed menu text (9-12 pt) comes out 25-35 pixels high, where
    /// Tesseract and the vision models read best, and an A4 page is 1654 x 2339 pixels (3.9 MP).
    public static let renderDPI = 200.0
    /// Below this a page's text is too small to read: a page that only fits the pixel limit lower fails.
    public static let minimumDPI = 50.0

    /// True when the bytes start with the PDF magic `%PDF-`.
    public static func isPDF(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0x25, 0x50, 0x44, 0x46, 0x2D])
    }

    /// The PDF's page count, from its header (nothing is rendered).
    /// - Throws: `ImageError` `invalid_image` when poppler cannot open it.
    public static func pageCount(of bytes: [UInt8]) throws(ImageError) -> Int {
        do {
            return try VipsImage.pdfPage(of: bytes, page: 0, dpi: 72).pageCount
        } catch {
            throw ImageError(code: .invalidImage, message: "The PDF cannot be read")
        }
    }

    /// Renders every page to JPEG bytes, each at ``renderDPI`` or lower when that would pass `maxPixels`.
    /// - Returns: one entry per page, in order: the image, or why that page failed (it fails alone).
    /// - Throws: `ImageError` for the whole file: `invalid_image` when poppler cannot open it, `too_many_pages` past
    ///   `maxPages`.
    /// - Note: Blocks the calling thread while poppler renders (a tenth of a second or so per page).
    public static func pages(
        of bytes: [UInt8], maxPages: Int, maxPixels: Int
    ) throws(ImageError) -> [Result<[UInt8], ImageError>] {
        let count = try pageCount(of: bytes)
        guard count <= maxPages else {
            throw ImageError(
                code: .tooManyPages, message: "The PDF has \(count) pages; at most \(maxPages) are read per file")
        }
        return (0..<count).map { page in render(bytes, page: page, maxPixels: maxPixels) }
    }

    private static func render(_ bytes: [UInt8], page: Int, maxPixels: Int) -> Result<[UInt8], ImageError> {
        do throws(VipsError) {
            // At 72 dpi a pixel is a point: the page's size, from which the resolution that fits the limit follows.
            let points = try VipsImage.pdfPage(of: bytes, page: page, dpi: 72)
            let area = Double(max(1, points.width * points.height))
            // 1% below the exact fit: poppler rounds the page's pixel size up.
            let dpi = min(renderDPI, 72 * (Double(maxPixels) / area).squareRoot() * 0.99)
            guard dpi >= minimumDPI else {
                return .failure(
                    ImageError(
                        code: .imageTooLarge,
                        message: "Page \(page + 1) is \(points.width) x \(points.height) pt, too large to read"))
            }
            let rendered = try VipsImage.pdfPage(of: bytes, page: page, dpi: dpi)
            let opaque = rendered.hasAlpha ? try rendered.flattenedOntoWhite() : rendered
            return .success(try opaque.jpegBytes(quality: 92))
        } catch {
            return .failure(ImageError(code: .invalidImage, message: "Page \(page + 1) of the PDF cannot be rendered"))
        }
    }
}
