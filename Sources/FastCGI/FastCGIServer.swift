import Glibc
public import Logging
import Synchronization

/// A pool of worker threads accepting FastCGI requests on one listener.
///
/// Each worker owns its `FCGX_Request` and a responder made on its own thread, and handles one request at a time
/// from accept to finish. With nginx's `fastcgi_keep_conn on`, a worker stays with one kept upstream connection
/// until nginx closes it, so the worker count must be at least nginx's kept connections (`keepalive` in the
/// upstream block, per nginx worker process); otherwise requests on the extra connections wait in the accept queue.
///
/// ```
/// let server = FastCGIServer(listener: listener, workerCount: 16, logger: logger)
/// try server.start { workerIndex in MyResponder(...) }
/// // ... on SIGTERM:
/// server.shutdown(gracePeriod: .seconds(30))
/// ```
public final class FastCGIServer: Sendable {
    /// What a worker is doing, read by `shutdown` to know whom it may interrupt. An atomic per worker: the phase
    /// changes twice per request, and one shared lock was measurably contended under load.
    private final class WorkerSlot: Sendable {
        static let waiting: UInt8 = 0  // in accept() or on a kept connection: safe to interrupt
        static let busy: UInt8 = 1  // between accept and finish: never interrupted
        static let stopped: UInt8 = 2
        let phase = Atomic<UInt8>(WorkerSlot.waiting)
    }

    private let listener: FastCGIListener
    private let workerCount: Int
    private let logger: Logger
    private let slots: [WorkerSlot]
    private let isStopping = Atomic<Bool>(false)
    private let threads = Mutex<[pthread_t]>([])

    /// - Parameters:
    ///   - listener: the open listening socket.
    ///   - workerCount: threads accepting requests; at least 1.
    ///   - logger: for lifecycle events at debug level.
    public init(listener: FastCGIListener, workerCount: Int, logger: Logger) {
        precondition(workerCount >= 1, "a FastCGI server needs at least one worker")
        self.listener = listener
        self.workerCount = workerCount
        self.logger = logger
        self.slots = (0..<workerCount).map { _ in WorkerSlot() }
    }

    /// Starts the workers. Each calls `makeResponder` once, on its own thread, with its index.
    /// - Throws: `FastCGIError.threadStart` or `.initRequest` when a worker cannot start.
    public func start(makeResponder: @escaping @Sendable (Int) -> any FastCGIResponder) throws(FastCGIError) {
        Self.installInterruptHandler()
        for index in 0..<workerCount {
            let context = WorkerContext(server: self, index: index, makeResponder: makeResponder)
            var thread = pthread_t()
            let status = pthread_create(
                &thread, nil,
                { raw in
                    guard let raw else { return nil }
                    let context = Unmanaged<WorkerContext>.fromOpaque(raw).takeRetainedValue()
                    context.server.runWorker(index: context.index, makeResponder: context.makeResponder)
                    return nil
                }, Unmanaged.passRetained(context).toOpaque())
            guard status == 0 else {
                throw FastCGIError(
                    .threadStart, operation: "pthread_create", cCode: status, cMessage: errnoText(status))
            }
            threads.withLock { $0.append(thread) }
        }
        logger.debug("FastCGI workers started", metadata: ["mke.workers": "\(workerCount)"])
    }

    /// Stops accepting, lets requests in flight finish, and waits for the workers.
    ///
    /// Waiting workers are interrupted with `SIGUSR1` (repeatedly, since a worker may be between its check of the
    /// stop flag and its blocking call); busy workers finish their request and then stop.
    /// - Parameter gracePeriod: how long requests in flight may take.
    /// - Returns: true when every worker stopped within the grace period.
    /// - Note: Blocks the calling thread until the workers have stopped or the grace period has passed.
    @discardableResult
    public func shutdown(gracePeriod: Duration) -> Bool {
        isStopping.store(true, ordering: .sequentiallyConsistent)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: gracePeriod)
        let threads = self.threads.withLock { $0 }
        while true {
            var running = 0
            for (index, slot) in slots.enumerated() {
                let phase = slot.phase.load(ordering: .sequentiallyConsistent)
                guard phase != WorkerSlot.stopped else { continue }
                running += 1
                if phase == WorkerSlot.waiting, threads.indices.contains(index) {
                    pthread_kill(threads[index], SIGUSR1)
                }
            }
            if running == 0 { break }
            if clock.now >= deadline {
                logger.debug("FastCGI shutdown grace period over", metadata: ["mke.workers.running": "\(running)"])
                return false
            }
            usleep(10_000)
        }
        // Each thread is joined once, whoever calls shutdown again (joining twice is undefined behaviour).
        let unjoined = self.threads.withLock { threads in
            defer { threads.removeAll() }
            return threads
        }
        for thread in unjoined { pthread_join(thread, nil) }
        return true
    }

    private func runWorker(index: Int, makeResponder: @Sendable (Int) -> any FastCGIResponder) {
        defer { setPhase(WorkerSlot.stopped, for: index) }
        // A thread inherits its creator's signal mask, and libdispatch's threads block most signals: make sure the
        // shutdown interrupt can reach this one.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGUSR1)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
        let handle: FastCGIRequestHandle
        do {
            handle = try FastCGIRequestHandle(listeningDescriptor: listener.descriptor)
        } catch {
            logger.error("FastCGI worker could not start", metadata: ["mke.error": "\(error.debugDescription)"])
            return
        }
        let responder = makeResponder(index)
        while true {
            if isStopping.load(ordering: .sequentiallyConsistent) { return }
            let status = handle.accept()
            guard status == 0 else {
                if isStopping.load(ordering: .sequentiallyConsistent) { return }
                // EINTR from a stray signal, or a connection that failed before its first record: accept again.
                logger.debug("FastCGI accept failed", metadata: ["mke.status": "\(status)"])
                continue
            }
            setPhase(WorkerSlot.busy, for: index)
            let exchange = FastCGIExchange(handle: handle)
            responder.respond(to: exchange)
            _ = consume exchange
            setPhase(WorkerSlot.waiting, for: index)
        }
    }

    private func setPhase(_ phase: UInt8, for index: Int) {
        slots[index].phase.store(phase, ordering: .sequentiallyConsistent)
    }

    /// SIGUSR1 only has to interrupt a blocking accept()/read(): an empty handler installed without SA_RESTART.
    private static func installInterruptHandler() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGUSR1, &action, nil)
    }
}

/// What a new worker thread needs; passed through pthread_create's argument.
private final class WorkerContext: Sendable {
    let server: FastCGIServer
    let index: Int
    let makeResponder: @Sendable (Int) -> any FastCGIResponder
    init(server: FastCGIServer, index: Int, makeResponder: @escaping @Sendable (Int) -> any FastCGIResponder) {
        self.server = server
        self.index = index
        self.makeResponder = makeResponder
    }
}
