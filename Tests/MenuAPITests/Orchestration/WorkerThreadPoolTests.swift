import Dispatch
import Foundation
import MenuAPI
import Synchronization
import Testing

/// The persistent threads that run a request's files: every index once, the width held beyond the core count, no
/// deadlock when the pool is saturated, and a clean stop.
struct WorkerThreadPoolTests {
    @Test func performRunsEveryIndexOnceAndReturnsAfterAll() {
        let pool = WorkerThreadPool(threadCount: 3)
        defer { pool.shutdown() }
        let counts = Mutex([Int](repeating: 0, count: 100))
        pool.perform(iterations: 100, width: 4) { index in counts.withLock { $0[index] += 1 } }
        #expect(counts.withLock { $0 } == [Int](repeating: 1, count: 100))
    }

    /// Eight bodies that each wait for all eight to have begun: they can only finish if eight run at once, on a
    /// machine with two cores.
    @Test func theWidthHoldsBeyondTheCoreCount() {
        let width = 8
        let pool = WorkerThreadPool(threadCount: width - 1)
        defer { pool.shutdown() }
        let arrived = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            pool.perform(iterations: width, width: width) { _ in
                arrived.signal()
                release.wait()
            }
            finished.signal()
        }
        for _ in 0..<width { #expect(arrived.wait(timeout: .now() + 20) == .success) }
        for _ in 0..<width { release.signal() }
        #expect(finished.wait(timeout: .now() + 20) == .success)
    }

    /// The pool's only thread is held by one request; three more requests still finish, each on its own thread.
    @Test func callersFinishWhileEveryPoolThreadIsBusy() {
        let pool = WorkerThreadPool(threadCount: 1)
        defer { pool.shutdown() }
        let arrived = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holderDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            pool.perform(iterations: 2, width: 2) { _ in
                arrived.signal()
                release.wait()
            }
            holderDone.signal()
        }
        // Both indices run, so the caller has one and the pool's thread the other.
        #expect(arrived.wait(timeout: .now() + 20) == .success)
        #expect(arrived.wait(timeout: .now() + 20) == .success)

        let done = DispatchSemaphore(value: 0)
        let ran = Mutex([Int](repeating: 0, count: 3))
        for request in 0..<3 {
            Thread.detachNewThread {
                pool.perform(iterations: 5, width: 4) { _ in ran.withLock { $0[request] += 1 } }
                done.signal()
            }
        }
        for _ in 0..<3 { #expect(done.wait(timeout: .now() + 20) == .success) }
        #expect(ran.withLock { $0 } == [5, 5, 5])
        release.signal()
        release.signal()
        #expect(holderDone.wait(timeout: .now() + 20) == .success)
    }

    @Test func afterShutdownCallsStillCompleteOnTheCallingThread() {
        let pool = WorkerThreadPool(threadCount: 2, name: "test.stopped")
        pool.shutdown()
        let names = Mutex<Set<String>>([])
        pool.perform(iterations: 6, width: 3) { _ in
            names.withLock { _ = $0.insert(Thread.current.name ?? "") }
        }
        #expect(!names.withLock { $0 }.contains("test.stopped"))
        #expect(names.withLock { $0.count } == 1)
        pool.shutdown()  // a second stop returns at once
    }

    /// Tests make and drop many pools: each stops its threads, whether shut down or only released.
    @Test func manyPoolsStartAndStop() {
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            for round in 0..<50 {
                let pool = WorkerThreadPool(threadCount: 4)
                let sum = Atomic<Int>(0)
                pool.perform(iterations: 10, width: 5) { sum.add($0, ordering: .relaxed) }
                precondition(sum.load(ordering: .relaxed) == 45)
                if round.isMultiple(of: 2) { pool.shutdown() }
            }
            stopped.signal()
        }
        #expect(stopped.wait(timeout: .now() + 60) == .success)
    }
}
