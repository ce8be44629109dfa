import Foundation
public import Logging
import MenuModel
import MenuStorage
public import Postgres
import Synchronization

/// Synchronous tasks whose end could not be stored (the database went away mid-upload), ended `failed` once it is
/// back, so none stays `processing` while its process lives.
///
/// The upload route adds a task here when neither its results nor its failure could be written; one sweeper thread
/// per process (``startSweeping(makeConnection:logger:)``) tries to mark them failed every two seconds. A task whose
/// process dies first is marked `interrupted` by the next start instead.
public final class UnfinishedTasks: Sendable {
    private let tasks = Mutex<Set<UUID>>([])
    private let stopFlag = StopFlag()
    private let finished = StopFlag()

    public init() {}

    /// Tasks waiting to be marked failed.
    var pending: [UUID] { tasks.withLock { Array($0) } }

    func add(_ task: UUID) {
        _ = tasks.withLock { $0.insert(task) }
    }

    /// Starts the sweeper thread, with its own connection.
    public func startSweeping(
        makeConnection: @escaping @Sendable () -> PostgresConnection, interval: Duration = .seconds(2),
        logger: Logger
    ) {
        let thread = Thread { [self] in
            let connection = makeConnection()
            defer {
                connection.close()
                finished.raise()
            }
            while !stopFlag.isRaised {
                sweep(PostgresUploadStore(connection: connection), logger: logger)
                stopFlag.sleep(for: interval)
            }
        }
        thread.name = "menu-api.sweeper"
        thread.start()
    }

    /// Stops the sweeper (after a last sweep) and waits for it, at most `timeout`.
    public func stop(timeout: Duration = .seconds(10)) {
        stopFlag.raise()
        finished.sleep(for: timeout)
    }

    private func sweep(_ store: PostgresUploadStore, logger: Logger) {
        for task in pending {
            do {
                try store.failTask(id: task)
                _ = tasks.withLock { $0.remove(task) }
                logger.warning(
                    "Upload task marked failed after the database came back", metadata: ["mke.task": "\(task)"])
            } catch {
                // Still unavailable: the next sweep tries again.
                return
            }
        }
    }
}
