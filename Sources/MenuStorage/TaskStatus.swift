/// Where an upload task is: `queued` until a worker takes its first file (async uploads only), `processing` while
/// files are read, then one of the three ends.
public enum TaskStatus: String, Sendable, CaseIterable, Codable {
    case queued
    case processing
    /// Every file is done and at least one succeeded (or the task had none).
    case completed
    /// Every file is done and none succeeded, or the results could not be stored.
    case failed
    /// The process running a synchronous upload died before it finished.
    case interrupted

    /// True for the three ends: nothing changes the task any more.
    public var isFinished: Bool {
        switch self {
        case .queued, .processing: false
        case .completed, .failed, .interrupted: true
        }
    }

    /// The status of a task whose files are all done, `successful` of them with items.
    public static func finished(successful: Int, total: Int) -> TaskStatus {
        successful == 0 && total > 0 ? .failed : .completed
    }
}
