import Dispatch
import MenuModel
import OCR
import Synchronization

/// A tier that answers as scripted, in process: a reading, a failure, or a reply slower than its deadline. It counts
/// its calls (and the most at once), can hold each call until the test opens a gate, and can run a hook as a call
/// begins (to break the database mid-file).
final class ScriptedOCRProvider: OCRProvider, Sendable {
    /// What every call answers.
    enum Reply: Sendable {
        /// A reading of `items` items, each named after the image's byte count (`메뉴 1234 #0`), so a test can tell
        /// which file an outcome came from.
        case reading(items: Int, confidence: Double = 0.9)
        /// A failure for `reason`.
        case failure(OCRFailureReason)
        /// Takes `delay`, honouring the deadline as the real providers do: past it, a timeout failure.
        case slow(Duration)
        /// Ignores the deadline: takes `delay`, then reads the image.
        case overrunning(Duration)
    }

    let name: String
    private let reply: Reply
    /// When set, each call waits for one signal before answering.
    private let gate: DispatchSemaphore?
    private let onCall: (@Sendable () -> Void)?
    /// Signalled as each call begins.
    let started = DispatchSemaphore(value: 0)
    private let callCount = Atomic<Int>(0)
    private let running = Atomic<Int>(0)
    private let mostRunning = Atomic<Int>(0)

    init(
        _ name: String = "scripted", reply: Reply = .reading(items: 2), gate: DispatchSemaphore? = nil,
        onCall: (@Sendable () -> Void)? = nil
    ) {
        self.name = name
        self.reply = reply
        self.gate = gate
        self.onCall = onCall
    }

    /// How many images the tier was asked to read.
    var calls: Int { callCount.load(ordering: .sequentiallyConsistent) }
    /// The most calls that ran at the same time.
    var mostAtOnce: Int { mostRunning.load(ordering: .sequentiallyConsistent) }

    func recognize(_ image: PreparedImage, deadline: Duration) -> OCRResult {
        callCount.add(1, ordering: .sequentiallyConsistent)
        let now = running.add(1, ordering: .sequentiallyConsistent).newValue
        _ = mostRunning.max(now, ordering: .sequentiallyConsistent)
        defer { running.subtract(1, ordering: .sequentiallyConsistent) }
        started.signal()
        onCall?()
        gate?.wait()
        switch reply {
        case .reading(let items, let confidence):
            return reading(of: image, items: items, confidence: confidence)
        case .failure(let reason):
            return .failure(provider: name, reason: reason, message: "scripted \(reason)", processingTime: .zero)
        case .slow(let delay):
            // The wait is the provider's work, not synchronisation: nothing signals it.
            let waited = min(delay, deadline)
            _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .nanoseconds(Int(waited.nanoseconds)))
            guard delay <= deadline else {
                return .failure(
                    provider: name, reason: .timeout, message: "\(name): the deadline passed", processingTime: waited)
            }
            return reading(of: image, items: 1, confidence: 0.9)
        case .overrunning(let delay):
            _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .nanoseconds(Int(delay.nanoseconds)))
            return reading(of: image, items: 1, confidence: 0.9)
        }
    }

    private func reading(of image: PreparedImage, items: Int, confidence: Double) -> OCRResult {
        OCRResult(
            provider: name,
            items: (0..<items).map {
                MenuItem(nameKorean: "메뉴 \(image.original.count) #\($0)", prices: [MenuPrice(amount: 8000)])
            },
            rawText: "", confidence: confidence, hasHandwriting: false, processingTime: .milliseconds(1))
    }
}

extension Duration {
    /// The whole duration in nanoseconds (test durations are far below the 292 years this can hold).
    fileprivate var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
