import Dispatch
public import Postgres
import Synchronization

/// What one OCR job needs on its thread: a tier router (its HTTP client and Tesseract engine) and a database
/// connection for the cache. Used by one thread at a time; none of its handles is ever used concurrently.
public final class OCRLane {
    public let router: TierRouter
    public let database: PostgresConnection

    public init(router: TierRouter, database: PostgresConnection) {
        self.router = router
        self.database = database
    }
}

/// A bounded set of lanes shared by every worker: it caps how many images are read at once in the whole process
/// (Tesseract is CPU-bound, providers rate-limit), and keeps each lane's kept connections and loaded models.
public final class OCRLanePool: Sendable {
    private let makeLane: @Sendable () throws -> OCRLane
    private let slots: DispatchSemaphore
    /// Idle lanes. A lane moves between threads only through this list, under the mutex, so it is never shared.
    private let idle: Mutex<[UncheckedLane]>

    /// Wraps a lane for the idle list. Safe: a lane is reachable either from the list or from one borrowing thread.
    private struct UncheckedLane: @unchecked Sendable {
        let lane: OCRLane
    }

    /// - Parameters:
    ///   - capacity: the most lanes in use at once.
    ///   - makeLane: builds a lane the first time one is needed beyond those made so far.
    public init(capacity: Int, makeLane: @escaping @Sendable () throws -> OCRLane) {
        self.makeLane = makeLane
        slots = DispatchSemaphore(value: max(1, capacity))
        idle = Mutex([])
    }

    /// Runs `body` with a lane, waiting for one while all are busy.
    /// - Note: Blocks the calling thread while every lane is busy.
    public func withLane<Result>(_ body: (OCRLane) throws -> Result) throws -> Result {
        slots.wait()
        defer { slots.signal() }
        let lane = try idle.withLock { $0.popLast()?.lane } ?? makeLane()
        defer { idle.withLock { $0.append(UncheckedLane(lane: lane)) } }
        return try body(lane)
    }
}
