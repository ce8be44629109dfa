import Dispatch
import Synchronization

/// A bounded set of thread-bound resources (tier routers with their HTTP client and Tesseract engine, database
/// connections) shared by every worker: made on demand, kept for reuse, lent to one thread at a time.
///
/// The bound is the point for tier routers (Tesseract is CPU-bound and providers rate-limit: at most that many
/// images are read at once in the whole process) and a safety limit for connections.
public final class ResourcePool<Resource>: Sendable {
    private let make: @Sendable () throws -> Resource
    private let slots: DispatchSemaphore
    /// Idle resources. A resource moves between threads only through this list, under the mutex, so it is never
    /// used by two threads at once.
    private let idle: Mutex<[Unchecked]>

    /// Holds a resource in the idle list. Safe: a resource is reachable either from the list or from one borrower.
    private struct Unchecked: @unchecked Sendable {
        let resource: Resource
    }

    /// - Parameters:
    ///   - capacity: the most resources lent at once.
    ///   - make: builds a resource when none is idle.
    public init(capacity: Int, make: @escaping @Sendable () throws -> Resource) {
        self.make = make
        slots = DispatchSemaphore(value: max(1, capacity))
        idle = Mutex([])
    }

    /// Runs `body` with a resource, waiting while all are lent.
    /// - Throws: what `make` throws when a new resource is needed, or what `body` throws.
    /// - Note: Blocks the calling thread while every resource is lent.
    public func withResource<Result>(_ body: (Resource) throws -> Result) throws -> Result {
        slots.wait()
        defer { slots.signal() }
        let resource = try idle.withLock { $0.popLast()?.resource } ?? make()
        defer { idle.withLock { $0.append(Unchecked(resource: resource)) } }
        return try body(resource)
    }
}
