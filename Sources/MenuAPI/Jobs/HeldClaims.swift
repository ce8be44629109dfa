import MenuStorage
import Synchronization

/// The files a process's workers are working on now: the only leases its keeper extends.
///
/// A worker adds a file when it claims it and removes it once the file is finished or given up, whatever happened; a
/// file it could not even give up (the database gone) then simply runs out of lease and is claimed again. So a
/// claim never outlives the thread working on it.
final class HeldClaims: Sendable {
    private let files = Mutex<Set<PostgresJobQueue.ClaimedFile>>([])

    func insert(_ file: PostgresJobQueue.ClaimedFile) {
        _ = files.withLock { $0.insert(file) }
    }

    func remove(_ file: PostgresJobQueue.ClaimedFile) {
        _ = files.withLock { $0.remove(file) }
    }

    var snapshot: [PostgresJobQueue.ClaimedFile] { files.withLock { Array($0) } }
}
