import MenuModel
import Testing

struct OCRFailureReasonTests {
    @Test func wireFormsAreTheDocumentedLabels() {
        #expect(OCRFailureReason.timeout.rawValue == "timeout")
        #expect(OCRFailureReason.quotaExceeded.rawValue == "quota_exceeded")
        #expect(OCRFailureReason.httpStatus(418).rawValue == "http_418")
        #expect(OCRFailureReason.httpStatus(418) != .httpStatus(419))
    }

    @Test func anImageErrorGivesTheReasonOfTheSameName() {
        #expect(OCRFailureReason(ImageError.Code.invalidImage) == .invalidImage)
        #expect(OCRFailureReason(ImageError.Code.imageTooLarge) == .imageTooLarge)
        #expect(OCRFailureReason(ImageError.Code.imageTooLarge).rawValue == ImageError.Code.imageTooLarge.rawValue)
    }
}
