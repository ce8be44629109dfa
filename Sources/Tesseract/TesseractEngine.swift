import CTesseract
import Glibc

/// A word Tesseract recognised: text, box in pixels, confidence 0...100.
public struct TesseractWord: Sendable, Equatable {
    public var text: String
    public var left: Int
    public var top: Int
    public var width: Int
    public var height: Int
    /// Tesseract's confidence, 0...100.
    public var confidence: Double
}

/// A Tesseract failure, with the step that failed.
public struct TesseractError: Error, Sendable, CustomStringConvertible {
    /// What failed.
    public enum Code: String, Sendable {
        /// The engine could not be made: a language is missing, or the user words could not be handed over.
        case `init`
        /// The pixels do not match the size given.
        case input
        /// Recognition failed.
        case recognize
        /// Recognition stopped at its deadline.
        case deadline
    }

    public var code: Code
    /// What happened.
    public var message: String

    public var description: String { "tesseract \(code.rawValue): \(message)" }
}

/// How Tesseract segments a page.
public struct PageSegmentation: Sendable, Equatable {
    let mode: TessPageSegMode
    /// Automatic layout analysis without orientation detection (PSM 3).
    public static let automatic = PageSegmentation(mode: PSM_AUTO)
    /// As much text as possible in no particular order (PSM 11).
    public static let sparseText = PageSegmentation(mode: PSM_SPARSE_TEXT)
    /// One uniform block of text (PSM 6).
    public static let singleBlock = PageSegmentation(mode: PSM_SINGLE_BLOCK)
    /// One column of text of variable sizes (PSM 4).
    public static let singleColumn = PageSegmentation(mode: PSM_SINGLE_COLUMN)
    /// One text line (PSM 7).
    public static let singleLine = PageSegmentation(mode: PSM_SINGLE_LINE)

    /// The mode for a PSM number (3, 4, 6, 11), or nil.
    public init?(number: Int) {
        switch number {
        case 3: self = .automatic
        case 4: self = .singleColumn
        case 6: self = .singleBlock
        case 11: self = .sparseText
        default: return nil
        }
    }

    private init(mode: TessPageSegMode) { self.mode = mode }
}

/// One Tesseract engine: the single owner of its `TessBaseAPI`. Initialising loads the language models (hundreds
/// of milliseconds), so an engine is made once per worker thread and reused.
/// - Note: Not thread-safe; use an engine on one thread. `recognize` blocks the calling thread.
public final class TesseractEngine {
    private let handle: OpaquePointer
    /// The mode set at initialisation, restored after a recognition in another mode.
    private let segmentation: PageSegmentation

    /// Loads the languages.
    /// - Parameters:
    ///   - languages: Tesseract language codes joined with `+`. Defaults to `kor`: Korean's model reads the Latin
    ///     letters and digits of menus too, and adding `eng` measured 30% slower and read 대 as `CH`.
    ///   - dataPath: the tessdata directory, or nil for the installed default.
    ///   - segmentation: the page segmentation mode. Defaults to a single uniform block (PSM 6).
    ///   - userWords: words the recogniser should prefer when a reading is close (Tesseract's user words); none
    ///     by default.
    /// - Throws: `TesseractError` with code `init` when a language is missing or the words cannot be handed over.
    /// The corresponding C functions are `TessBaseAPICreate` and `TessBaseAPIInit4`.
    public init(
        languages: String = "kor", dataPath: String? = nil, segmentation: PageSegmentation = .singleBlock,
        userWords: [String] = []
    )
        throws(TesseractError)
    {
        guard let handle = TessBaseAPICreate() else {
            throw TesseractError(code: .`init`, message: "TessBaseAPICreate failed")
        }
        // Tesseract reads user words only from a file, and only while it initialises: a private temporary file,
        // removed as soon as initialisation is over.
        let wordsFile: String?
        do {
            wordsFile = userWords.isEmpty ? nil : try Self.temporaryFile(holding: userWords)
        } catch {
            TessBaseAPIDelete(handle)
            throw error
        }
        defer { if let wordsFile { unlink(wordsFile) } }
        var names: [UnsafeMutablePointer<CChar>?] = wordsFile == nil ? [] : [strdup("user_words_file")]
        var values: [UnsafeMutablePointer<CChar>?] = wordsFile.map { [strdup($0)] } ?? []
        defer {
            names.forEach { free($0) }
            values.forEach { free($0) }
        }
        let status = names.withUnsafeMutableBufferPointer { namePointers in
            values.withUnsafeMutableBufferPointer { valuePointers in
                TessBaseAPIInit4(
                    handle, dataPath, languages, OEM_DEFAULT, nil, 0, namePointers.baseAddress,
                    valuePointers.baseAddress, namePointers.count, 0)
            }
        }
        guard status == 0 else {
            TessBaseAPIDelete(handle)
            throw TesseractError(
                code: .`init`,
                message: "cannot load languages '\(languages)' (apt install tesseract-ocr-kor tesseract-ocr-eng)")
        }
        TessBaseAPISetPageSegMode(handle, segmentation.mode)
        // The caller already made text dark on light; Tesseract's second, inverted pass would only cost time.
        TessBaseAPISetVariable(handle, "tessedit_do_invert", "0")
        // Words are interpreted by our own parser; keep Tesseract from joining dictionary words across the gap.
        TessBaseAPISetVariable(handle, "preserve_interword_spaces", "1")
        // Pages arrive scaled to a known size; without this Tesseract guesses the resolution and says so on stderr.
        TessBaseAPISetVariable(handle, "user_defined_dpi", "300")
        self.handle = handle
        self.segmentation = segmentation
    }

    deinit {
        TessBaseAPIEnd(handle)
        TessBaseAPIDelete(handle)
    }

    /// A new file in `TMPDIR` (or `/tmp`), readable by this user only, with one word per line.
    private static func temporaryFile(holding words: [String]) throws(TesseractError) -> String {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(directory)/menu-api-words-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard descriptor >= 0 else {
            throw TesseractError(code: .`init`, message: "cannot create a user words file in \(directory)")
        }
        defer { close(descriptor) }
        let path = template.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { String(cString: $0) } ?? ""
        }
        let bytes = Array((words.joined(separator: "\n") + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else {
                unlink(path)
                throw TesseractError(code: .`init`, message: "cannot write the user words file \(path)")
            }
            written += count
        }
        return path
    }

    /// Recognises the words of an 8-bit grey image.
    /// - Parameters:
    ///   - pixels: `width` x `height` bytes, row by row.
    ///   - deadline: how long recognition may take; past it Tesseract stops and this throws `deadline`.
    ///   - segmentation: this recognition's page segmentation mode, when not the engine's own.
    /// - Returns: the words with their boxes, in Tesseract's order.
    /// - Note: Blocks the calling thread for up to `deadline`.
    /// The corresponding C functions are `TessBaseAPISetImage`, `TessBaseAPIRecognize` and the result iterator.
    public func recognize(
        grayPixels pixels: [UInt8], width: Int, height: Int, deadline: Duration,
        segmentation: PageSegmentation? = nil
    ) throws(TesseractError) -> [TesseractWord] {
        guard width > 0, height > 0, pixels.count == width * height else {
            throw TesseractError(code: .input, message: "\(pixels.count) bytes for \(width)x\(height)")
        }
        defer { TessBaseAPIClear(handle) }
        if let segmentation, segmentation != self.segmentation {
            TessBaseAPISetPageSegMode(handle, segmentation.mode)
        }
        defer { TessBaseAPISetPageSegMode(handle, self.segmentation.mode) }
        pixels.withUnsafeBufferPointer {
            TessBaseAPISetImage(handle, $0.baseAddress, Int32(width), Int32(height), 1, Int32(width))
        }
        guard let monitor = TessMonitorCreate() else {
            throw TesseractError(code: .recognize, message: "TessMonitorCreate failed")
        }
        defer { TessMonitorDelete(monitor) }
        let milliseconds = Int32(
            clamping: deadline.components.seconds * 1000 + deadline.components.attoseconds / 1_000_000_000_000_000)
        TessMonitorSetDeadlineMSecs(monitor, milliseconds)
        let status = TessBaseAPIRecognize(handle, monitor)
        guard status == 0 else {
            // Recognize returns -1 both for errors and for a passed deadline; the monitor tells which.
            throw TesseractError(
                code: TessMonitorGetProgress(monitor) < 100 ? .deadline : .recognize,
                message: "recognition stopped (status \(status))")
        }
        guard let iterator = TessBaseAPIGetIterator(handle) else { return [] }
        defer { TessResultIteratorDelete(iterator) }
        var words: [TesseractWord] = []
        let pageIterator = TessResultIteratorGetPageIterator(iterator)
        repeat {
            guard let textPointer = TessResultIteratorGetUTF8Text(iterator, RIL_WORD) else { continue }
            let text = String(cString: textPointer)
            TessDeleteText(textPointer)
            var left: Int32 = 0, top: Int32 = 0, right: Int32 = 0, bottom: Int32 = 0
            guard TessPageIteratorBoundingBox(pageIterator, RIL_WORD, &left, &top, &right, &bottom) != 0 else {
                continue
            }
            let confidence = Double(TessResultIteratorConfidence(iterator, RIL_WORD))
            words.append(
                TesseractWord(
                    text: text, left: Int(left), top: Int(top), width: Int(right - left), height: Int(bottom - top),
                    confidence: confidence))
        } while TessResultIteratorNext(iterator, RIL_WORD) != 0
        return words
    }
}
