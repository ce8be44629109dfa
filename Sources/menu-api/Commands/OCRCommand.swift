import ArgumentParser
import Foundation
import JSON
import MenuModel
import OCR
import Tesseract
import Vips

struct OCRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocr",
        abstract: "Run the local OCR tier on image files and print the items as JSON (no server, no database).")

    @Argument(help: "Image files (JPEG, PNG, WebP, HEIC).")
    var files: [String]

    @Flag(help: "Skip the preprocessing (plain Tesseract on the grey image), to compare.")
    var noPreprocessing = false

    @Option(help: "Seconds allowed per image.")
    var deadline: Double = 15

    @Option(help: "Tesseract languages.")
    var languages: String = "kor"

    @Option(help: "Long side, in pixels, the page is scaled to before OCR.")
    var longSide: Int = PreprocessingSteps().targetLongSide

    @Option(help: "Tesseract page segmentation mode: 3, 4, 6 or 11.")
    var psm: Int = 6

    @Flag(help: "Add an unsharp mask (to measure it).")
    var sharpen = false

    @Flag(help: "Add a 3x3 median noise filter (to measure it).")
    var median = false

    @Flag(help: "Grey preprocessing instead of the ink map (to measure it).")
    var greyPreprocessing = false

    @Flag(help: "Keep ruling (rules, borders) instead of erasing it (to measure it).")
    var keepRules = false

    @Flag(help: "Leave the page's skew as photographed (to measure it).")
    var noDeskew = false

    @Flag(help: "Give Tesseract no user words (the lexicon and section words; to measure it).")
    var noUserWords = false

    @Flag(help: "Read no unsure line again on its own (to measure it).")
    var noLineRereading = false

    @Flag(help: "Report the engine's raw item confidences, without the calibration map (to measure and refit it).")
    var rawConfidence = false

    @Option(help: "Also write the page Tesseract reads, as FILE.pgm, into this directory (to look at it).")
    var dumpPages: String?

    @Option(help: "Also write the words the parser is given, as FILE.words.json, into this directory (to parse again).")
    var dumpWords: String?

    @Flag(help: "The files are words written by --dump-words: parse them again without reading (to tune the parser).")
    var fromWords = false

    func run() throws {
        _ = try Application.loadConfiguration()
        do {
            try Vips.initialize(concurrency: 2)
        } catch {
            FileHandle.standardError.write(Data("menu-api: \(error)\n".utf8))
            throw ExitCode(71)
        }
        let engine: TesseractEngine
        do {
            engine = try TesseractOCRProvider.makeEngine(
                languages: languages, segmentation: PageSegmentation(number: psm) ?? .singleBlock,
                usesUserWords: !noUserWords)
        } catch {
            FileHandle.standardError.write(Data("menu-api: \(error)\n".utf8))
            throw ExitCode(71)
        }
        var steps = noPreprocessing ? PreprocessingSteps.none : PreprocessingSteps()
        if median { steps.removesNoise = true }
        if sharpen { steps.sharpens = true }
        if greyPreprocessing { steps.findsInk = false }
        if keepRules { steps.erasesRules = false }
        if noDeskew { steps.deskews = false }
        if !noPreprocessing { steps.targetLongSide = longSide }
        let provider = TesseractOCRProvider(
            engine: engine, steps: steps, rereadsUnsureLines: !noLineRereading,
            calibration: rawConfidence ? nil : .fitted)
        var results: [JSONValue] = []
        var failed = false
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                results.append(
                    .object([("file", .string(file)), ("success", false), ("failure_reason", "unreadable_file")]))
                failed = true
                continue
            }
            if let dumpPages, !fromWords, let page = try? ImagePreparation.grayPage(from: Array(data), steps: steps) {
                let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                let header = Array("P5\n\(page.width) \(page.height)\n255\n".utf8)
                _ = FileManager.default.createFile(
                    atPath: "\(dumpPages)/\(name).pgm", contents: Data(header + page.pixels))
            }
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            let start = ContinuousClock.now
            let result: OCRResult
            if fromWords {
                guard let page = try? JSONDecoder().decode(TesseractOCRProvider.PageWords.self, from: data) else {
                    results.append(
                        .object([("file", .string(file)), ("success", false), ("failure_reason", "unreadable_words")]))
                    failed = true
                    continue
                }
                result = provider.result(of: page, since: start)
            } else {
                switch provider.read(
                    PreparedImage(original: Array(data)), deadline: .milliseconds(Int64(deadline * 1000)))
                {
                case .read(let page):
                    if let dumpWords, let encoded = try? JSONEncoder().encode(page) {
                        _ = FileManager.default.createFile(
                            atPath: "\(dumpWords)/\(name).words.json", contents: encoded)
                    }
                    result = provider.result(of: page, since: start)
                case .failed(let failure):
                    result = failure
                }
            }
            failed = failed || !result.isSuccess
            guard case .object(let fields) = result.json else { continue }
            results.append(.object([("file", .string(file))] + fields))
        }
        print(JSONValue.array(results).encodedString)
        if failed { throw ExitCode(1) }
    }
}
