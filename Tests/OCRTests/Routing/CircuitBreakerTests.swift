import Dispatch
import Foundation
import Logging
import MenuKnowledgeTesting
import MenuModel
import OCR
import Synchronization
import Testing

/// The breaker's state machine on a clock moved by hand: closed → open after N unwell calls, skipped while open,
/// one trial when half-open, closed by its success, opened again by its failure.
struct CircuitBreakerTests {
    static func breaker(failures: Int = 3, cooldown: Duration = .seconds(30), clock: ManualClock) -> CircuitBreaker {
        CircuitBreaker(
            provider: "gpt_vision", failureThreshold: failures, cooldown: cooldown,
            logger: Logger(label: "menu-api.tests"), now: { clock.now })
    }

    /// Takes a permit (which must be given) and records `unwell` under it.
    static func call(_ breaker: CircuitBreaker, unwell: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let permit = breaker.permit() else {
            Issue.record("expected a permit", sourceLocation: sourceLocation)
            return
        }
        breaker.record(unwell: unwell, for: permit)
    }

    @Test func opensAfterTheThresholdOfConsecutiveFailures() {
        let clock = ManualClock()
        let breaker = Self.breaker(failures: 3, clock: clock)
        Self.call(breaker, unwell: true)
        Self.call(breaker, unwell: true)
        #expect(breaker.current == .closed(failures: 2))
        #expect(!breaker.isOpen)
        Self.call(breaker, unwell: true)
        #expect(breaker.isOpen)
        #expect(breaker.permit() == nil)
    }

    @Test func aSuccessEndsTheRunOfFailures() {
        let clock = ManualClock()
        let breaker = Self.breaker(failures: 3, clock: clock)
        Self.call(breaker, unwell: true)
        Self.call(breaker, unwell: true)
        Self.call(breaker, unwell: false)
        Self.call(breaker, unwell: true)
        Self.call(breaker, unwell: true)
        #expect(breaker.current == .closed(failures: 2))
    }

    @Test(arguments: [
        OCRFailureReason.timeout, .connection, .tls, .serverError, .rateLimited, .quotaExceeded,
    ])
    func failuresThatSayTheProviderIsUnwellCount(_ reason: OCRFailureReason) throws {
        let breaker = Self.breaker(failures: 1, clock: ManualClock())
        let permit = try #require(breaker.permit())
        breaker.record(
            .failure(provider: "gpt_vision", reason: reason, message: "down", processingTime: .zero), for: permit)
        #expect(breaker.isOpen)
    }

    @Test(arguments: [
        OCRFailureReason.invalidImage, .imageTooSmall, .refusal, .invalidOutput, .truncated, .badRequest,
        .unauthorized, .contentFilter,
    ])
    func aBadImageOrAnUnusableAnswerDoesNotCount(_ reason: OCRFailureReason) throws {
        let breaker = Self.breaker(failures: 1, clock: ManualClock())
        let permit = try #require(breaker.permit())
        breaker.record(
            .failure(provider: "gpt_vision", reason: reason, message: "bad", processingTime: .zero), for: permit)
        #expect(breaker.current == .closed(failures: 0))
    }

    @Test func skipsWhileOpenThenLetsExactlyOneTrialThrough() {
        let clock = ManualClock()
        let breaker = Self.breaker(failures: 1, cooldown: .seconds(30), clock: clock)
        Self.call(breaker, unwell: true)
        clock.advance(by: .seconds(29))
        #expect(breaker.permit() == nil)

        clock.advance(by: .seconds(1))
        let trial = breaker.permit()
        #expect(trial?.isTrial == true)
        #expect(breaker.current == .halfOpen)
        #expect(breaker.isOpen)
        // While the trial is in flight everything else is skipped, however long it takes.
        #expect(breaker.permit() == nil)
        clock.advance(by: .seconds(60))
        #expect(breaker.permit() == nil)
    }

    @Test func aSuccessfulTrialClosesTheBreaker() throws {
        let clock = ManualClock()
        let breaker = Self.breaker(failures: 2, clock: clock)
        Self.call(breaker, unwell: true)
        Self.call(breaker, unwell: true)
        clock.advance(by: .seconds(30))
        let trial = try #require(breaker.permit())

        breaker.record(unwell: false, for: trial)

        #expect(breaker.current == .closed(failures: 0))
        #expect(breaker.permit()?.isTrial == false)
        // Closed afresh: the threshold counts from zero again.
        Self.call(breaker, unwell: true)
        #expect(!breaker.isOpen)
    }

    @Test func aFailedTrialOpensItForAnotherCooldown() throws {
        let clock = ManualClock()
        let breaker = Self.breaker(failures: 2, cooldown: .seconds(30), clock: clock)
        Self.call(breaker, unwell: true)
        Self.call(breaker, unwell: true)
        clock.advance(by: .seconds(30))
        let trial = try #require(breaker.permit())

        breaker.record(unwell: true, for: trial)

        #expect(breaker.current == .open(until: clock.now.advanced(by: .seconds(30))))
        clock.advance(by: .seconds(29))
        #expect(breaker.permit() == nil)
        clock.advance(by: .seconds(1))
        #expect(breaker.permit()?.isTrial == true)
    }

    @Test func aCallFromBeforeTheOpeningDoesNotCloseIt() throws {
        let clock = ManualClock()
        let breaker = Self.breaker(failures: 1, clock: clock)
        let early = try #require(breaker.permit())
        Self.call(breaker, unwell: true)

        breaker.record(unwell: false, for: early)

        #expect(breaker.isOpen)
        #expect(breaker.permit() == nil)
    }

    @Test func concurrentCallersDuringTheTrialAreSkipped() {
        let clock = ManualClock()
        let breaker = Self.breaker(failures: 1, clock: clock)
        Self.call(breaker, unwell: true)
        clock.advance(by: .seconds(30))
        let trials = Atomic(0)
        let skipped = Atomic(0)

        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            if let permit = breaker.permit() {
                #expect(permit.isTrial)
                trials.add(1, ordering: .relaxed)
            } else {
                skipped.add(1, ordering: .relaxed)
            }
        }

        #expect(trials.load(ordering: .relaxed) == 1)
        #expect(skipped.load(ordering: .relaxed) == 63)
        #expect(breaker.current == .halfOpen)
    }

    @Test func openingAFailedTrialAndClosingEachWriteOneLine() throws {
        let clock = ManualClock()
        let log = LogRecorder()
        let breaker = CircuitBreaker(
            provider: "clova", failureThreshold: 2, cooldown: .seconds(30), logger: log.makeLogger(),
            now: { clock.now })
        Self.call(breaker, unwell: true)
        #expect(log.lines.isEmpty)
        Self.call(breaker, unwell: true)
        for _ in 0..<5 { #expect(breaker.permit() == nil) }
        clock.advance(by: .seconds(30))
        breaker.record(unwell: true, for: try #require(breaker.permit()))
        clock.advance(by: .seconds(30))
        breaker.record(unwell: false, for: try #require(breaker.permit()))

        #expect(log.lines.map(\.level) == [.warning, .warning, .notice])
        #expect(
            log.lines.map(\.message) == [
                "OCR provider circuit breaker opened; skipping the provider",
                "OCR provider circuit breaker trial failed; skipping the provider again",
                "OCR provider circuit breaker closed; the trial call succeeded",
            ])
        for line in log.lines {
            #expect(line.metadata[LogKey.provider] == "clova")
            #expect(line.metadata[LogKey.breakerFailures] == "2")
            #expect(line.metadata[LogKey.breakerCooldownSeconds] == "30")
        }
    }

    @Test func manyThreadsFailingTogetherOpenItOnce() {
        let clock = ManualClock()
        let breaker = Self.breaker(failures: 5, clock: clock)
        DispatchQueue.concurrentPerform(iterations: 40) { _ in
            if let permit = breaker.permit() { breaker.record(unwell: true, for: permit) }
        }
        #expect(breaker.isOpen)
        #expect(breaker.current == .open(until: clock.now.advanced(by: .seconds(30))))
    }
}
