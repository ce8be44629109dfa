import Foundation
import MenuKnowledgeTesting
import MenuModel
import OCR
import Testing
import Vips

/// PDF menus rendered page by page through libvips' poppler loader (a two-page fixture made from two menu photos,
/// embedded at 200 dpi).
struct UploadedPDFTests {
    static func twoPages() throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: TesseractOCRProviderTests.fixtures + "/menu-two-pages.pdf")))
    }

    @Test func everyPageBecomesAJPEGAtTheRenderResolution() throws {
        try Vips.initialize()
        let pdf = try Self.twoPages()
        #expect(UploadedPDF.isPDF(pdf))
        #expect(!UploadedPDF.isPDF([0xFF, 0xD8, 0xFF]))
        let pages = try UploadedPDF.pages(of: pdf, maxPages: 10, maxPixels: 40_000_000)
        #expect(pages.count == 2)
        // The photos were embedded at 200 dpi, so rendering at 200 dpi gives their own sizes back.
        let expected = [(1422, 823), (1400, 907)]
        for (page, size) in zip(pages, expected) {
            let jpeg = try page.get()
            #expect(UploadedImage.sniffedFormat(of: jpeg) == .jpeg)
            let image = try VipsImage.header(of: jpeg)
            #expect(abs(image.width - size.0) <= 2 && abs(image.height - size.1) <= 2, "\(image.width)x\(image.height)")
            #expect(try UploadedImage.inspect(jpeg, maxPixels: 40_000_000) == .jpeg)
        }
    }

    @Test func aPixelLimitLowersTheResolutionAndTooManyPagesFailTheFile() throws {
        try Vips.initialize()
        let pdf = try Self.twoPages()
        let small = try UploadedPDF.pages(of: pdf, maxPages: 10, maxPixels: 300_000)
        let first = try VipsImage.header(of: try small[0].get())
        #expect(first.width * first.height <= 300_000)
        #expect(first.width > 500, "still large enough to read")
        // Below 50 dpi a page is refused alone rather than read as a blur.
        let tiny = try UploadedPDF.pages(of: pdf, maxPages: 10, maxPixels: 10_000)
        for page in tiny {
            #expect(throws: ImageError.self) { try page.get() }
        }
        #expect {
            try UploadedPDF.pages(of: pdf, maxPages: 1, maxPixels: 40_000_000)
        } throws: { ($0 as? ImageError)?.code == .tooManyPages }
    }

    @Test func aBrokenPDFFailsAsInvalid() throws {
        try Vips.initialize()
        let broken = Array("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".utf8)
        #expect {
            try UploadedPDF.pages(of: broken, maxPages: 10, maxPixels: 40_000_000)
        } throws: { ($0 as? ImageError)?.code == .invalidImage }
    }
}
