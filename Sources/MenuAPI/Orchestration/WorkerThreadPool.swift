import Dispatch
import Foundation
import Synchronization

/// A fixed set of threads, started once, that run the files of uploads beside the worker thread that received them.
///
/// ```
/// let threads = WorkerThreadPool(threadCount: workers * (parallelism - 1))
/// threads.perform(iterations: files.count, width: parallelism) { index in
///     outcomes.withLock { $0[index] = read(files[index]) }
/// }
/// ```
///
/// Threads of its own rather than `DispatchQueue.concurrentPerform`: libdispatch caps that at the CPU count, and
/// these threads mostly wait on providers and PostgreSQL, so the configured width must hold on a 2-core machine too.
/// Each thread has an 8 MB stack, glibc's default for the main thread, because Tesseract recurses deeply.
///
/// The threads stop when the pool is released (after the jobs already queued), or at ``shutdown()``, which also
/// waits for them.
public final class WorkerThreadPool: Sendable {
    /// The stack each thread gets: 8 MB.
    public static let stackBytes = 8 << 20

    /// How many threads the pool has.
    public let threadCount: Int
    private let queue: JobQueue

    /// Starts the threads.
    /// - Parameters:
    ///   - threadCount: the threads to start; at least one is started.
    ///   - name: the threads' name, as debuggers and `top -H` show it. Defaults to `menu-api.files`.
    public init(threadCount: Int, name: String = "menu-api.files") {
        self.threadCount = max(1, threadCount)
        queue = JobQueue(threadCount: self.threadCount)
        for _ in 0..<self.threadCount {
            // The thread holds the queue, never the pool, so releasing the pool is what stops the threads.
            let thread = Thread { [queue] in queue.runJobs() }
            thread.name = name
            thread.stackSize = Self.stackBytes
            thread.start()
        }
    }

    deinit {
        queue.stop()
    }

    /// Runs `body` once for each index in `0..<iterations`, at most `width` at a time, and returns when all have run.
    ///
    /// The calling thread runs indices too, and only waits for indices a pool thread has already begun. So a
    /// request always makes progress, even when every pool thread is busy with other requests (or the pool was shut
    /// down): it then runs its files one after the other on its own thread, never deadlocks. The pool's threads
    /// give the other `width - 1` shares when they are free.
    /// - Parameters:
    ///   - iterations: how many indices to run.
    ///   - width: the most indices running at once, the calling thread's included; at least 1.
    ///   - body: the work for one index. It may still be referenced (never called) after this returns, by a pool
    ///     thread that found no index left.
    /// - Note: Blocks the calling thread until `body` has returned for every index.
    public func perform(iterations: Int, width: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard iterations > 0 else { return }
        let run = FanOut(iterations: iterations, body: body)
        for _ in 0..<(min(width, iterations) - 1) {
            queue.submit { run.runIndices() }
        }
        run.runIndices()
        run.waitUntilFinished()
    }

    /// Stops the threads once the jobs already queued have run, and waits until they have exited.
    ///
    /// Later ``perform(iterations:width:_:)`` calls still complete, on the calling thread alone.
    /// - Precondition: not called from one of the pool's threads (it would wait for itself).
    /// - Note: Blocks the calling thread until every thread has exited.
    public func shutdown() {
        queue.stop()
        queue.waitUntilStopped()
    }
}

/// The jobs waiting for a thread, shared by the pool's threads.
private final class JobQueue: Sendable {
    typealias Job = @Sendable () -> Void

    private struct State {
        var jobs: [Job] = []
        var isStopping = false
    }

    private let state = Mutex(State())
    /// One signal per queued job, and one per thread when stopping: a thread waits here while there is nothing to do.
    private let available = DispatchSemaphore(value: 0)
    /// One signal per thread that has exited.
    private let exited = DispatchSemaphore(value: 0)
    /// True on the pool's own threads, so a shutdown from one of them traps instead of waiting for itself.
    @TaskLocal private static var isPoolThread = false
    private let threadCount: Int

    init(threadCount: Int) {
        self.threadCount = threadCount
    }

    /// Queues `job`; it is dropped when the pool is stopping (``WorkerThreadPool/perform(iterations:width:_:)``
    /// never depends on a helper job running).
    func submit(_ job: @escaping Job) {
        let accepted = state.withLock { state in
            guard !state.isStopping else { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { available.signal() }
    }

    /// A thread's loop: run jobs until the queue is stopped and empty.
    func runJobs() {
        Self.$isPoolThread.withValue(true) {
            while true {
                available.wait()
                let next: Job?? = state.withLock { state in
                    if !state.jobs.isEmpty { return .some(state.jobs.removeFirst()) }
                    return state.isStopping ? .none : .some(nil)
                }
                switch next {
                case .some(.some(let job)): job()
                case .some(.none): continue
                case .none:
                    exited.signal()
                    return
                }
            }
        }
    }

    /// Lets each thread finish the queued jobs and exit. Idempotent.
    func stop() {
        let wasStopping = state.withLock { state in
            defer { state.isStopping = true }
            return state.isStopping
        }
        guard !wasStopping else { return }
        // One wake-up per thread, started or not yet: a thread that finds the queue empty and stopping exits
        // without waiting again, so each exits on exactly one of these.
        for _ in 0..<threadCount { available.signal() }
    }

    /// Waits until every thread has exited.
    func waitUntilStopped() {
        precondition(!Self.isPoolThread, "WorkerThreadPool.shutdown() called from one of its own threads")
        for _ in 0..<threadCount { exited.wait() }
        // Let a second shutdown() return at once too.
        for _ in 0..<threadCount { exited.signal() }
    }
}

/// One ``WorkerThreadPool/perform(iterations:width:_:)`` call: the next index to hand out and how many are left.
private final class FanOut: Sendable {
    private let iterations: Int
    private let body: @Sendable (Int) -> Void
    private let next = Atomic<Int>(0)
    private let unfinished: Atomic<Int>
    private let finished = DispatchSemaphore(value: 0)

    init(iterations: Int, body: @escaping @Sendable (Int) -> Void) {
        self.iterations = iterations
        self.body = body
        unfinished = Atomic(iterations)
    }

    /// Claims and runs indices until none is left; the thread that finishes the last one wakes the caller.
    func runIndices() {
        while true {
            let index = next.add(1, ordering: .relaxed).oldValue
            guard index < iterations else { return }
            body(index)
            // Acquiring-releasing, so the caller sees every write the bodies made once it is woken.
            if unfinished.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { finished.signal() }
        }
    }

    func waitUntilFinished() {
        finished.wait()
    }
}
