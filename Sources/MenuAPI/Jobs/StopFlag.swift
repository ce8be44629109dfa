import Foundation
import MenuModel
import Synchronization

/// A flag threads check to know they should stop, and a sleep that the flag cuts short.
public final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)
    private let condition = NSConditionBox()

    public init() {}

    public var isRaised: Bool { raised.load(ordering: .acquiring) }

    /// Raises the flag and wakes every thread sleeping on it.
    public func raise() {
        raised.store(true, ordering: .releasing)
        condition.broadcast()
    }

    /// Sleeps for `duration`, or until the flag is raised.
    public func sleep(for duration: Duration) {
        let deadline = Date().addingTimeInterval(Double(duration.milliseconds) / 1000)
        condition.wait(until: deadline) { self.isRaised }
    }
}

/// NSCondition is thread-safe but not marked Sendable; this wraps the one way it is used here.
private final class NSConditionBox: @unchecked Sendable {
    private let condition = NSCondition()

    func broadcast() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    func wait(until deadline: Date, done: () -> Bool) {
        condition.lock()
        defer { condition.unlock() }
        while !done(), condition.wait(until: deadline) {}
    }
}
