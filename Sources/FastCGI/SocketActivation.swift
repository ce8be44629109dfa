/// The listening socket systemd passed by socket activation, read from the `sd_listen_fds(3)` variables.
///
/// systemd (a `.socket` unit) creates and binds the socket, starts the service with it open on file descriptor 3
/// and sets `LISTEN_FDS=1`, `LISTEN_PID` (the service's own pid, set after fork) and `LISTEN_FDNAMES`. The socket
/// stays open in systemd across restarts, so connections made while no responder runs wait in the kernel's
/// backlog instead of failing.
///
/// ```
/// let activation = try SocketActivation(environment: ProcessInfo.processInfo.environment, processID: getpid())
/// let listener = try FastCGIListener.open(.socketActivation)
/// ```
///
/// The responder serves one socket: more than one passed descriptor is an error, not a guess at which to use.
public struct SocketActivation: Sendable, Equatable {
    /// The first passed descriptor (`SD_LISTEN_FDS_START`): 0 to 2 stay stdin, stdout and stderr.
    public static let firstDescriptor: Int32 = 3
    /// The variables of the protocol, which the caller removes from its environment once read, so that programs
    /// it starts do not take the socket for theirs.
    public static let variableNames = ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"]

    /// The passed listening descriptor: always ``firstDescriptor``, as exactly one is accepted.
    public var descriptor: Int32
    /// The socket's name from `LISTEN_FDNAMES` (the unit's `FileDescriptorName=`, by default the socket unit's
    /// name), or nil when the variable is unset.
    public var name: String?

    /// True when `LISTEN_PID` names this process: systemd passed it descriptors. Variables naming another pid
    /// were inherited from an activated parent (a web server spawning the responder on fd 0, say) and are not
    /// meant for this process, as `sd_listen_fds(3)` ignores them; only an explicit `--listen systemd` turns
    /// them into an error.
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - processID: this process's pid (`getpid()`).
    public static func isPassed(in environment: [String: String], processID: Int32) -> Bool {
        environment["LISTEN_PID"].flatMap { Int32($0) } == processID
    }

    /// Reads and checks the protocol's variables.
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - processID: this process's pid (`getpid()`); `LISTEN_PID` must equal it, since the variables of a parent
    ///     that was itself activated say nothing about this process's descriptors.
    /// - Throws: `FastCGIError.socketActivation` saying which variable is missing or wrong.
    public init(environment: [String: String], processID: Int32) throws(FastCGIError) {
        guard let countText = environment["LISTEN_FDS"] else {
            throw Self.error("LISTEN_FDS is not set: start the service through its socket unit (menu-api.socket)")
        }
        guard let pidText = environment["LISTEN_PID"] else {
            throw Self.error("LISTEN_PID is not set: systemd sets it with LISTEN_FDS")
        }
        guard let pid = Int32(pidText), pid > 0 else {
            throw Self.error("LISTEN_PID '\(pidText)' is not a process id")
        }
        guard pid == processID else {
            throw Self.error(
                "LISTEN_PID \(pid) is not this process (\(processID)): the variables were inherited from another one")
        }
        guard let count = Int(countText), count >= 0 else {
            throw Self.error("LISTEN_FDS '\(countText)' is not a number of descriptors")
        }
        guard count == 1 else {
            throw Self.error(
                "LISTEN_FDS is \(count): the socket unit must pass exactly one listening socket (one ListenStream=)")
        }
        descriptor = Self.firstDescriptor
        // LISTEN_FDNAMES is colon-separated, one name per descriptor; with one descriptor, the whole value.
        name = environment["LISTEN_FDNAMES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func error(_ reason: String) -> FastCGIError {
        FastCGIError(.socketActivation, operation: "sd_listen_fds", cMessage: reason)
    }
}
