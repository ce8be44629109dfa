import Dispatch
import MenuAPI
import Synchronization
import Testing

/// The pools that bound a process's database connections and tier routers.
struct ResourcePoolTests {
    @Test func aBorrowerWaitsWhileEveryResourceIsLentAndThenGetsOne() throws {
        let made = Atomic<Int>(0)
        let pool = ResourcePool<Int>(capacity: 1) { made.add(1, ordering: .relaxed).newValue }
        let firstHolds = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let secondDone = DispatchSemaphore(value: 0)
        let secondGot = Atomic<Int>(0)
        DispatchQueue.global().async {
            try? pool.withResource { _ in
                firstHolds.signal()
                release.wait()
            }
        }
        firstHolds.wait()
        DispatchQueue.global().async {
            let value = (try? pool.withResource { $0 }) ?? -1
            secondGot.store(value, ordering: .relaxed)
            secondDone.signal()
        }
        // The second borrower is still waiting: nothing is free, and nothing fails.
        #expect(secondDone.wait(timeout: .now() + .milliseconds(200)) == .timedOut)
        release.signal()
        #expect(secondDone.wait(timeout: .now() + .seconds(5)) == .success)
        // It got the first borrower's resource back: the pool never made more than its capacity.
        #expect(secondGot.load(ordering: .relaxed) == 1)
        #expect(made.load(ordering: .relaxed) == 1)
    }
}
