import Foundation

/// The script and the records of a scripted provider fake, shared with its connection threads: which step answers
/// next, how many requests came, the contract problems seen and the latest image.
final class FakeScript<Step: Sendable>: @unchecked Sendable {
    // Sendable: every property is only touched under `lock`.
    private let lock = NSLock()
    private var steps: [Step]
    private var nextStep = 0
    private var calls = 0
    private var recordedProblems: [String] = []
    private var image: [UInt8]?

    init(_ steps: [Step]) {
        self.steps = steps
    }

    var callCount: Int { lock.withLock { calls } }
    var problems: [String] { lock.withLock { recordedProblems } }
    var lastImage: [UInt8]? { lock.withLock { image } }

    /// Replaces the steps and starts again at the first.
    func replace(with steps: [Step]) {
        lock.withLock {
            self.steps = steps
            nextStep = 0
        }
    }

    /// Records one request (its problems prefixed with its 1-based number, its image) and takes the next step; the
    /// last step repeats. A request with problems, or one `isAccepted` refuses, takes no step; nor does any request
    /// while the script is empty (itself a problem).
    func take(problems: [String], image: [UInt8]?, isAccepted: Bool = true) -> (number: Int, step: Step?) {
        lock.withLock {
            calls += 1
            if let image { self.image = image }
            recordedProblems += problems.map { "request \(calls): \($0)" }
            guard isAccepted, problems.isEmpty, !steps.isEmpty else {
                if steps.isEmpty { recordedProblems.append("request \(calls): the script is empty") }
                return (calls, nil)
            }
            defer { nextStep += 1 }
            return (calls, steps[min(nextStep, steps.count - 1)])
        }
    }
}
