public import Foundation
import Glibc

/// A program the tests start: output to a log file, stopped by a signal, exit status observable.
///
/// Built on `posix_spawn` and `waitpid` rather than Foundation's `Process`, whose exit detection on Linux depends on
/// a run loop and was seen to miss exits when several tests wait at once.
public final class ChildProcess: @unchecked Sendable {
    // Sendable: `pid` is immutable and the exit status is guarded by the lock.

    /// The process id.
    public let pid: pid_t
    /// Where the program's stdout and stderr go.
    public let logPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments`, and `environment` added to a minimal PATH/HOME environment.
    /// - Parameter passedDescriptors: open descriptors of this process the program gets as fd 3, 4, …, the way
    ///   systemd passes sockets (sd_listen_fds(3)). Defaults to none.
    public init(
        executable: String, arguments: [String], environment: [String: String] = [:], passedDescriptors: [Int32] = [],
        logPath: String
    ) throws {
        self.logPath = logPath
        var variables = [
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": NSTemporaryDirectory(),
        ]
        for (name, value) in environment { variables[name] = value }
        pid = try Self.spawn(
            executable, arguments: arguments, environment: variables.map { "\($0.key)=\($0.value)" },
            passedDescriptors: passedDescriptors, logPath: logPath)
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            _ = try? waitForExit(timeout: .seconds(5))
        }
    }

    /// Runs a program to completion and returns its exit status.
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], logPath: String = "/dev/null",
        timeout: Duration = .seconds(120)
    ) throws -> Int32 {
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value }
        let child = try ChildProcess(
            executable: executable, arguments: arguments, environment: variables, logPath: logPath)
        return try child.waitForExit(timeout: timeout)
    }

    /// True until the program exits.
    public var isRunning: Bool { pollExit() == nil }

    /// Sends `signal`.
    public func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits for the exit and returns the exit status (128 + n for a signal), or throws after `timeout` (and kills
    /// the program).
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(30)) throws -> Int32 {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let status = pollExit() { return status }
            if clock.now >= deadline {
                kill(pid, SIGKILL)
                while pollExit() == nil { usleep(5_000) }
                throw TestEnvironmentError(description: "pid \(pid) did not exit in \(timeout); log:\n\(log())")
            }
            usleep(5_000)
        }
    }

    /// Stops the program with `signal` and waits for it.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) throws -> Int32 {
        send(signal)
        return try waitForExit(timeout: timeout)
    }

    /// The log so far.
    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Waits until the log contains `text`, or throws with the log after `timeout`.
    public func waitForLog(_ text: String, timeout: Duration = .seconds(30)) throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if log().contains(text) { return }
            if !isRunning { break }
            usleep(20_000)
        }
        throw TestEnvironmentError(description: "'\(text)' not logged; log:\n\(log())")
    }

    private func pollExit() -> Int32? {
        lock.withLock {
            if let exitStatus { return exitStatus }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
            // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
            let signal = status & 0x7F
            exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
            return exitStatus
        }
    }

    private static func spawn(
        _ executable: String, arguments: [String], environment: [String], passedDescriptors: [Int32], logPath: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // dup2 clears FD_CLOEXEC on the copy (and on the same number, glibc 2.29+), so the program keeps them.
        for (offset, descriptor) in passedDescriptors.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, descriptor, 3 + Int32(offset))
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The responder blocks SIGTERM in its threads to sigwait it; a child must not inherit a blocked mask.
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw TestEnvironmentError(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        return pid
    }
}
